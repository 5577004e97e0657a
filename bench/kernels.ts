/**
 * Micro-benchmarks of the hot-path kernels (tinybench). Each task runs its kernel in a loop
 * and reports the time per call through `overriddenDuration` (one call, tens of nanoseconds,
 * is below the timer's resolution) while charging the whole loop to the time budget.
 */
import { Bench } from 'tinybench';
import { resolveConfig } from '../src/config.js';
import { LatencyHistogram } from '../src/engine/histogram.js';
import { instantiateKernels } from '../src/hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../src/hw/memory-plan.js';
import { SLOT_FILL_OFFSET } from '../src/layout/cache-slot.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';
import { LEASE_EPOCHS } from '../src/systems/scalio/lease.js';
import { configureRecordKernels, configureWorkloadKernels, planWorkload, WORKLOADS } from '../src/ycsb/workloads.js';

export interface KernelResult {
  readonly name: string;
  readonly nsPerCallMedian: number;
  readonly nsPerCallP99: number;
  readonly samples: number;
}

const LOOP = 2000;

export async function benchmarkKernels(timeMs: number): Promise<KernelResult[]> {
  const config = resolveConfig({});
  const { slotBytes, valueOffset, bucketBytes } = slotGeometry(config);
  const cacheBytes = (config.cacheSlots / config.slotsPerBucket) * bucketBytes;
  const pages = Math.ceil((KERNEL_STATIC_BYTES + cacheBytes + 2 ** 22) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const kernels = instantiateKernels(memory);
  kernels.configureCache(config.slotsPerBucket, slotBytes, config.keyBytesMax, config.valueBytesMax, valueOffset);
  configureRecordKernels(kernels, config);

  // Scratch layout: random state, key, value, local bucket, slot image, operands, chain; then a cache table.
  const base = KERNEL_STATIC_BYTES;
  const random = base;
  const key = base + 64;
  const value = base + 128;
  const bucket = base + 256;
  const image = bucket + bucketBytes + 64;
  const operands = image + slotBytes + 64;
  const chain = operands + 64;
  const cache = base + 65536;
  const bucketCount = config.cacheSlots / config.slotsPerBucket;
  const ycsbShared = Math.ceil((cache + cacheBytes) / 64) * 64;
  kernels.initializeSharedState(ycsbShared, config.records);
  configureWorkloadKernels(kernels, planWorkload(WORKLOADS.C, config, 0), ycsbShared);
  kernels.randomSeed(random, 1, 0);

  // A bucket with 8 valid slots, the key in slot 4.
  for (let record = 0; record < config.slotsPerBucket; record++) {
    kernels.ycsbKey(record, key);
    kernels.ycsbValue(random, value, 64);
    kernels.stageFill(image, key, value, 64, 1000 + record, operands, 0, 0);
    kernels.copyBytes(bucket + record * slotBytes + SLOT_FILL_OFFSET, image + SLOT_FILL_OFFSET, slotBytes - SLOT_FILL_OFFSET);
    kernels.copyBytes(bucket + record * slotBytes, operands + 8, 8); // the VALID word staged by stageFill
  }
  kernels.ycsbKey(4, key);
  kernels.chainInit(chain, 1, 1);
  for (let record = 0; record < 16; record++) {
    kernels.ycsbKey(100 + record, key + 256);
    kernels.chainUpsert(chain, 1, key + 256, 64, record * 100);
  }
  kernels.ycsbKey(109, key + 256);

  // Leases on (as Scalio runs): a copy of the bucket whose slot 2 is a reservation made in
  // epoch 0, scanned at epoch 100 for a key it does not hold: a miss that takes it over.
  kernels.configureCacheLease(LEASE_EPOCHS);
  const expiredBucket = chain + 4096;
  kernels.copyBytes(expiredBucket, bucket, bucketBytes);
  kernels.stageReserve(operands, key, 1, 0);
  kernels.copyBytes(expiredBucket + 2 * slotBytes, operands + 8, 8); // the FILLING word staged by stageReserve
  const missingKey = expiredBucket + bucketBytes + 64;
  kernels.ycsbKey(999_999, missingKey);
  const tableSlots = config.cacheSlots;
  let sweepFrom = 0;

  const histogram = new LatencyHistogram();
  let sink = 0;
  let word = 0;
  const tasks: [string, () => void][] = [
    ['YCSB next op: zipfian + key name + 2 hashes', () => { sink += kernels.ycsbNextOperation(random, key + 512, value); }],
    ['key: "user"+fnv → 16 B hash → placement hash', () => { kernels.ycsbKey(sink++ & 0xfffff, key + 512); }],
    ['bucket scan, hit in slot 4 (8 slots + checksum)', () => { sink += kernels.cacheScan(bucket, key, operands, 0); }],
    ['bucket scan, miss taking an expired reservation (lease reclaim)', () => { sink += kernels.cacheScan(expiredBucket, missingKey, operands, 100); }],
    ['DPU lease sweep, 4,096 slots of the table (one epoch\'s share)', () => {
      sink += kernels.cacheSweep(cache, sweepFrom, 4096, 100);
      sweepFrom = (sweepFrom + 4096) % (tableSlots - 4096);
    }],
    ['RDMA READ copy of a bucket, in cache (832 B)', () => { kernels.rdmaReadCopy(bucket + 4096, bucket, bucketBytes); }],
    ['RDMA READ copy of a random bucket (11 MB table)', () => { kernels.rdmaReadCopy(bucket + 4096, cache + ((sink = (sink * 1103515245 + 12345) & 0x7fffffff) % bucketCount) * bucketBytes, bucketBytes); }],
    ['state word: stage reservation + CAS', () => {
      kernels.stageReserve(operands, key, word & 1, 0);
      kernels.compareAndSwap64(cache, operands);
      word++;
    }],
    ['slot fill image + checksum', () => { kernels.stageFill(image, key, value, 64, 1, operands, 3, 0); }],
    ['store bucket: find key in 16 items', () => { sink += kernels.chainFind(chain, 1, key + 256); }],
    ['store bucket: upsert existing key', () => { sink += kernels.chainUpsert(chain, 1, key + 256, 64, 12345); }],
    ['latency histogram record', () => { histogram.record((sink++ & 0xffff) * 37); }],
  ];

  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 4) });
  for (const [name, kernel] of tasks) {
    bench.add(name, () => {
      const started = performance.now();
      for (let i = 0; i < LOOP; i++) kernel();
      const elapsedMs = performance.now() - started;
      // The sample is one call; the time budget is charged the whole loop.
      return { overriddenDuration: elapsedMs / LOOP, overriddenIterationCost: elapsedMs };
    });
  }
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result as { latency?: { p50: number; p99: number; samples?: unknown[] } };
    const latency = result.latency;
    return {
      name: task.name,
      nsPerCallMedian: (latency?.p50 ?? Number.NaN) * 1e6,
      nsPerCallP99: (latency?.p99 ?? Number.NaN) * 1e6,
      samples: latency?.samples?.length ?? 0,
    };
  });
}
