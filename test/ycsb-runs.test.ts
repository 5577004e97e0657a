/**
 * YCSB workloads run end to end: the stock files unchanged on both engines, D's inserts
 * that really insert (and are never read before they are acknowledged), F's
 * read-modify-writes, runs bounded by a duration.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/check/history.js';
import { loadedValues } from '../src/check/initial.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { metricsOf } from '../src/engine/metrics.js';
import { Counter } from '../src/hw/counters.js';
import { run } from '../src/engine/run.js';
import { WORKLOADS, defineWorkload } from '../src/ycsb/workloads.js';
import { OPERATION_INSERT, OPERATION_READ, OPERATION_READ_MODIFY_WRITE, OPERATION_UPDATE } from '../src/layout/operations.js';

describe('the stock workload files run unchanged', () => {
  for (const engine of ['sim', 'live'] as const) {
    it(`on the ${engine === 'sim' ? 'simulator' : 'live engine'}: workloada … workloadf but e`, async () => {
      const expectedKinds: Record<string, number[]> = {
        workloada: [OPERATION_READ, OPERATION_UPDATE],
        workloadb: [OPERATION_READ, OPERATION_UPDATE],
        workloadc: [OPERATION_READ],
        workloadd: [OPERATION_READ, OPERATION_INSERT],
        workloadf: [OPERATION_READ, OPERATION_READ_MODIFY_WRITE],
      };
      for (const [file, kinds] of Object.entries(expectedKinds)) {
        const report = await run({ system: 'scalio', engine, workload: `workloads/${file}` });
        expect(report.config.records, file).toBe(1000);
        expect(report.config.valueBytes, file).toBe(1000);
        expect(report.operations, file).toBe(1000);
        expect(report.stats.notFound, file).toBe(0);
        const ran = report.stats.byKind.flatMap((histogram, kind) => (histogram.count > 0 ? [kind] : []));
        expect(ran, file).toEqual(kinds);
      }
      await expect(run({ system: 'scalio', engine, workload: 'workloads/workloade' })).rejects.toThrowError(/scans/);
    });
  }
});

describe('workload D: inserts', () => {
  it('write new keys that later reads find, and the history checks out (inserted keys start absent)', async () => {
    const report = await run({
      system: 'scalio', engine: 'sim', workload: 'D', operations: 40_000, config: { records: 1000, seed: 3 }, recordHistory: true,
    });
    const history = report.history as Float64Array;
    let inserts = 0;
    let readsOfInsertedKeys = 0;
    for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
      const kind = history[at + 1];
      if (kind === OPERATION_INSERT) {
        inserts++;
        expect(history[at + 2]).toBeGreaterThanOrEqual(1000); // key numbers from recordcount up
      }
      if (kind === OPERATION_READ && history[at + 2] >= 1000) {
        readsOfInsertedKeys++;
        expect(history[at + 3]).not.toBe(-1); // found: never read before its insert was acknowledged
      }
    }
    expect(inserts).toBeGreaterThan(1500);
    // "latest": reads go mostly to the newest keys.
    expect(readsOfInsertedKeys).toBeGreaterThan(inserts);
    const verdict = checkHistory(history, { initialValue: loadedValues(report.config), timeLimitMs: 30_000 });
    expect(verdict.verdict).toBe('pass');
  });

  it('never reads a key whose insert is under way, with 160 clients on real threads', async () => {
    const report = await run({ system: 'scalio', engine: 'live', workload: 'D', operations: 60_000, config: { records: 1000 } });
    expect(report.stats.byKind[OPERATION_INSERT].count).toBeGreaterThan(2000);
    expect(report.stats.notFound).toBe(0);
  });
});

describe('inserts that outgrow the store', () => {
  it('are refused with an error that says what to do, in bounded time (no endless collection)', async () => {
    const insertOnly = defineWorkload({ ...WORKLOADS.D, name: 'inserts', readProportion: 0, insertProportion: 1 });
    // A livelocked collection would run forever: the event bound turns that into a failure.
    await expect(run({ system: 'scalio', engine: 'sim', workload: insertOnly, operations: 100_000, config: { records: 2000, capacityRecords: 2200, ssds: 1, dpuCores: 1 }, eventsMax: 20_000_000 }))
      .rejects.toThrowError(/SSD \d is full .* --over-provision/);
  });
});

describe('a store nearly full of live data', () => {
  it('keeps collecting the garbage that updates make (no false "full" refusals)', async () => {
    // ~1 KB values (980 bytes: two blocks with their record and continuation headers) whose
    // live data fills ~81% of each value log: every pass moves most of it.
    const report = await run({ system: 'scalio', engine: 'sim', workload: 'A', operations: 12_000, config: { records: 4000, valueBytes: 980, valueLogBlocks: 2600, seed: 2 } });
    expect(report.operations).toBe(12_000);
    expect(report.counters.get(Counter.gcValueSegments)).toBeGreaterThan(1000);
  });
});

describe('workload F: read-modify-write', () => {
  it('is one operation with one latency, recorded in a history as its read and its write', async () => {
    const report = await run({ system: 'scalio', engine: 'sim', workload: 'F', operations: 10_000, config: { records: 1000 }, recordHistory: true });
    const readModifyWrites = report.stats.byKind[OPERATION_READ_MODIFY_WRITE].count;
    expect(report.stats.byKind[OPERATION_READ].count + readModifyWrites).toBe(10_000);
    expect(readModifyWrites).toBeGreaterThan(4500);
    // Each read-modify-write took longer than a read (a GET, then a SET through a DPU core).
    expect(report.stats.byKind[OPERATION_READ_MODIFY_WRITE].percentile(50)).toBeGreaterThan(report.stats.byKind[OPERATION_READ].percentile(50));
    // Their reads count as GETs for the hit ratio.
    expect(metricsOf(report).hitRatio).toBeLessThanOrEqual(1);
    const history = report.history as Float64Array;
    expect(history.length / HISTORY_FIELDS).toBe(10_000 + readModifyWrites);
    expect(checkHistory(history, { initialValue: loadedValues(report.config), timeLimitMs: 30_000 }).verdict).toBe('pass');
  });
});

describe('runs bounded by time', () => {
  it('stop starting operations when the duration is up (simulated time on the simulator)', async () => {
    const report = await run({ system: 'scalio', engine: 'sim', workload: 'C', durationSeconds: 0.002, config: { records: 2000 } });
    expect(report.operations).toBeGreaterThan(1000);
    // The window ends with the last operation started before 2 ms: a few hundred µs later at most.
    expect(report.durationNs).toBeGreaterThanOrEqual(1.9e6);
    expect(report.durationNs).toBeLessThan(3e6);
  });

  it('on the live engine, in wall-clock time', async () => {
    const report = await run({ system: 'scalio', engine: 'live', workload: 'C', durationSeconds: 0.3, config: { records: 2000 } });
    expect(report.operations).toBeGreaterThan(1000);
    expect(report.durationNs / 1e9).toBeGreaterThan(0.25);
    expect(report.durationNs / 1e9).toBeLessThan(1.5);
  });

  it('refuse a run with neither a length nor a duration, and a negative duration', async () => {
    await expect(run({ system: 'scalio', engine: 'sim', workload: 'C' })).rejects.toThrowError(/needs a number of operations or a duration/);
    await expect(run({ system: 'scalio', engine: 'sim', workload: 'C', durationSeconds: -1 })).rejects.toThrowError(/durationSeconds must be a positive number/);
  });
});
