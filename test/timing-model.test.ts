import { describe, expect, it } from 'vitest';
import { metricsOf } from '../src/engine/metrics.js';
import { runNvmeOfReads } from '../src/engine/nvmeof.js';
import { type RunRequest, run } from '../src/engine/run.js';
import { Counter } from '../src/hw/counters.js';
import { loadProfile, withParameters } from '../src/hw/profile.js';
import { fnvhash64Mod, idealHitRatio, lruHitRatio, zipfianRankProbabilities } from '../src/calibration/ideal-hit-ratio.js';
import { fnvhash64 } from '../src/ycsb/reference.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';

const small = (system: string, config: RunRequest['config'] = {}, extra: Partial<RunRequest> = {}): RunRequest => ({
  system, engine: 'sim', workload: 'C', operations: 20_000, warmupOperations: 20_000,
  config: { records: 20_000, ssds: 4, dpuCores: 8, clients: 128, ...config }, ...extra,
});

describe('the simulator\'s timing model', () => {
  it('gives bit-identical results for the same seed and profile, and different ones for another profile', async () => {
    for (const system of ['scalio', 'leed']) {
      const first = await run(small(system, { seed: 7 }, { workload: 'A' }));
      const second = await run(small(system, { seed: 7 }, { workload: 'A' }));
      expect(Array.from(second.counters.values)).toEqual(Array.from(first.counters.values));
      expect(second.durationNs).toBe(first.durationNs);
      expect(metricsOf(second)).toEqual({ ...metricsOf(first), wallSeconds: metricsOf(second).wallSeconds, loadSeconds: metricsOf(second).loadSeconds });
      const slower = withParameters(loadProfile('paper'), { ssdReadNs: 90_000 });
      const other = await run(small(system, { seed: 7 }, { workload: 'A', profile: slower }));
      expect(other.durationNs).not.toBe(first.durationNs);
    }
  });

  it('changes the cache geometry with slotsPerBucket: buckets, bucket reads and the hit ratio follow it', async () => {
    const byAssociativity = new Map<number, { bytesPerRead: number; hitRatio: number; slots: number }>();
    for (const slotsPerBucket of [1, 4, 16]) {
      const report = await run(small('scalio', { slotsPerBucket }, { warmupOperations: 60_000 }));
      const counters = report.counters;
      const geometry = slotGeometry(report.config);
      expect(geometry.bucketBytes).toBe(slotsPerBucket * geometry.slotBytes);
      byAssociativity.set(slotsPerBucket, {
        bytesPerRead: counters.get(Counter.rdmaReadBytes) / counters.get(Counter.rdmaReads), hitRatio: metricsOf(report).hitRatio, slots: report.config.cacheSlots,
      });
    }
    const one = byAssociativity.get(1)!;
    const four = byAssociativity.get(4)!;
    const sixteen = byAssociativity.get(16)!;
    // The same capacity (to a bucket), in fewer, wider buckets; each GET's READ fetches a whole bucket.
    expect(Math.abs(sixteen.slots - one.slots)).toBeLessThan(16);
    expect(four.bytesPerRead).toBeGreaterThan(3 * one.bytesPerRead);
    expect(sixteen.bytesPerRead).toBeGreaterThan(3 * four.bytesPerRead);
    // A direct-mapped cache loses hits to conflicts that 16-way buckets keep.
    expect(sixteen.hitRatio).toBeGreaterThan(one.hitRatio + 0.05);
  });

  it('reports each SSD\'s IOPS from the device counters and the DPU time by kind of work', async () => {
    const report = await run(small('leed', { ssds: 3 }));
    const metrics = metricsOf(report);
    const seconds = report.durationNs / 1e9;
    // A LEED GET is two NVMe reads by a DPU core (the bucket chain, then the value): what the
    // devices counted adds up to what the cores counted, two per operation, and every SSD served some.
    expect(metrics.ssdReadIopsByDevice).toHaveLength(3);
    for (const iops of metrics.ssdReadIopsByDevice) expect(iops).toBeGreaterThan(0);
    expect(report.counters.get(Counter.nvmeReadsByCore)).toBe(2 * report.operations);
    expect(metrics.ssdReadIops * seconds).toBeCloseTo(report.counters.get(Counter.nvmeReadsByCore), 3);
    expect(metrics.ssdReadsPerOperation).toBe(2);
    expect(metrics.ssdWriteIops).toBe(0);
    // LEED's cores do RPCs and SSD I/O; no NVMe-oF target work.
    expect(metrics.dpuCoreUtilisationRpc).toBeGreaterThan(0);
    expect(metrics.dpuCoreUtilisationSsdIo).toBeGreaterThan(0);
    expect(metrics.dpuCoreUtilisationNvmeTarget).toBe(0);
    expect(metrics.dpuCoreUtilisation).toBeCloseTo(metrics.dpuCoreUtilisationRpc + metrics.dpuCoreUtilisationSsdIo, 9);
    // RPC work runs on the 3 RDMA threads, SSD I/O on the 4 SSD workers; the 8th core idles.
    expect(metrics.dpuCoreUtilisationByCore[7]).toBe(0);
    expect(Math.min(...metrics.dpuCoreUtilisationByCore.slice(0, 7))).toBeGreaterThan(0);
    expect(metrics.dpuRpcShareOfBusy).toBeGreaterThan(0.2);
    expect(metrics.dpuRpcShareOfBusy).toBeLessThan(0.8);
  });

  it('charges DPU cores for Scalio\'s offloaded reads only with the standard NVMe-oF target', async () => {
    const offload = metricsOf(await run(small('scalio')));
    const standard = metricsOf(await run(small('scalio', { nvmeTargetOffload: 0 })));
    // Offloaded reads cost the DPU nothing: no RPC, SSD-worker or target work. The only DPU
    // time left is the lease housekeeping (the cache epoch and sweep on core 0, every 1 ms).
    expect(offload.dpuCoreUtilisationRpc).toBe(0);
    expect(offload.dpuCoreUtilisationSsdIo).toBe(0);
    expect(offload.dpuCoreUtilisationNvmeTarget).toBe(0);
    expect(offload.dpuCoreUtilisation).toBeLessThan(0.005);
    expect(standard.dpuCoreUtilisationNvmeTarget).toBeGreaterThan(0);
    expect(standard.ssdReadIops).toBeGreaterThan(0);
  });

  it('lets shared client CPUs limit throughput', async () => {
    const own = metricsOf(await run(small('scalio')));
    const two = metricsOf(await run(small('scalio', { clientCores: 2 })));
    const profile = loadProfile('paper');
    // Two client cores cannot start more than 2 / clientOperationNs operations a second.
    expect(two.operationsPerSecond).toBeLessThan((2 * 1e9) / profile.clientOperationNs);
    expect(two.operationsPerSecond).toBeLessThan(own.operationsPerSecond / 2);
    expect(two.clientUsPerOperation).toBeCloseTo(own.clientUsPerOperation, 1);
  });
});

describe('NVMe-oF random reads (Fig. 6)', () => {
  it('reach the SSDs\' IOPS with offload at no core time; the standard target spends core time per read', () => {
    const offload = runNvmeOfReads({ ssds: 2, queueDepth: 64, target: 'offload', commands: 50_000 });
    const standard = runNvmeOfReads({ ssds: 2, queueDepth: 64, target: 'standard', commands: 50_000 });
    const profile = loadProfile('paper');
    const deviceIops = (profile.ssdParallelUnits * 1e9) / profile.ssdReadNs;
    expect(offload.iops).toBeGreaterThan(0.95 * 2 * deviceIops);
    expect(offload.iopsBySsd).toHaveLength(2);
    expect(offload.targetCoreUtilisation).toBe(0);
    expect(standard.targetCoreUsPerRead).toBeCloseTo(profile.nvmeTargetCommandNs / 1000, 6);
    expect(standard.targetCoreUtilisation).toBeGreaterThan(0.1);
    // Queue depth 1: one read at a time per SSD, ~latency-bound (the 970 PRO's ~15 K IOPS).
    const shallow = runNvmeOfReads({ ssds: 1, queueDepth: 1, target: 'offload', commands: 2_000 });
    expect(shallow.iops).toBeCloseTo(1e6 / shallow.latencyMeanUs, -2);
    expect(shallow.iops).toBeGreaterThan(12_000);
    expect(shallow.iops).toBeLessThan(16_000);
  });

  it('refuses 0 SSDs', () => {
    expect(() => runNvmeOfReads({ ssds: 0, queueDepth: 1, target: 'offload' })).toThrow(/ssds must be an integer from 1/);
  });
});

describe('the ideal hit ratio', () => {
  it('folds ranks with Java\'s fnvhash64', () => {
    for (const rank of [0, 1, 7, 255, 256, 65_535, 999_999, 123_456_789, 2 ** 40 + 3]) {
      expect(fnvhash64Mod(rank, 1_000_003)).toBe(Number(fnvhash64(BigInt(rank)) % 1_000_003n));
      expect(fnvhash64Mod(rank, 20_000_000)).toBe(Number(fnvhash64(BigInt(rank)) % 20_000_000n));
    }
  });

  it('gives each rank the share Gray et al.\'s generator draws it with', () => {
    // Any θ the workloads accept, including Fig. 15's 1.01 (Gray et al.'s inverse holds past 1).
    for (const theta of [0.5, 0.9, 1.01, 1.5]) expect(zipfianRankProbabilities(1000, theta).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12);
    const probabilities = zipfianRankProbabilities(1000, 0.99);
    expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12);
    expect(probabilities[0]).toBeGreaterThan(probabilities[1]);
    expect(probabilities[1]).toBeGreaterThan(probabilities[10]);
  });

  it('is 0.868 for the paper\'s cache ratio at 1 M records (the scrambling merges ranks; pure Zipf would say less)', () => {
    expect(idealHitRatio({ records: 1_000_000, slots: 112_232, theta: 0.99 })).toBeCloseTo(0.868, 3);
    expect(idealHitRatio({ records: 1000, slots: 100, theta: 0 })).toBe(0.1);
    // More skew, more of the draws on the hottest keys; LRU stays below the static top-k.
    const skewed = idealHitRatio({ records: 20_000, slots: 2_245, theta: 1.01 });
    expect(skewed).toBeGreaterThan(idealHitRatio({ records: 20_000, slots: 2_245, theta: 0.9 }));
    expect(lruHitRatio({ records: 20_000, slots: 2_245, theta: 1.01 })).toBeLessThan(skewed);
  });
});
