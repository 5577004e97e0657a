/**
 * The native replica of the simulator (bench/native/sim.c) does the simulator's events: for
 * the same seed and start it must process the same events, end at the same virtual time with
 * the same latencies and hits, and leave the same bytes in the cache as the JS engine; and
 * the bench's JS side must be what `run()` does. Otherwise the bench's ratio would compare
 * different work. Needs a C compiler; without one the test is skipped (the bench prints a note).
 */
import { describe, expect, it } from 'vitest';
import { buildNativeSim, compareRuns, prepareSimPair } from '../bench/native-sim.js';
import { findCompiler } from '../bench/native.js';
import { run } from '../src/engine/run.js';

const OPERATIONS = 20_000;
const WARMUP_OPERATIONS = 10_000;
const CONFIG = { records: 20_000 };

describe('native simulator replica', () => {
  it('the bench\'s JS side runs what run() runs', async () => {
    const pair = prepareSimPair(OPERATIONS, WARMUP_OPERATIONS, CONFIG);
    const js = pair.runJs();
    const report = await run({ system: 'scalio', engine: 'sim', workload: 'C', operations: OPERATIONS, warmupOperations: WARMUP_OPERATIONS, config: CONFIG });
    expect(js.run.events).toBe(report.events);
    expect(js.run.durationNs).toBe(report.durationNs);
    expect(js.run.operations).toBe(report.operations);
    // From the same loaded bytes, a second run repeats the first exactly.
    expect(compareRuns(js, pair.runJs())).toBeUndefined();
  });

  it.skipIf(findCompiler() === undefined)('processes the same events as the JS engine, from the same start', () => {
    const native = buildNativeSim();
    if (!('executable' in native)) throw new Error(native.skipped);
    const pair = prepareSimPair(OPERATIONS, WARMUP_OPERATIONS, CONFIG);
    try {
      const js = pair.runJs();
      const replica = pair.runNative(native.executable);
      expect(compareRuns(js, replica)).toBeUndefined();
      expect(replica.run.events / replica.run.operations).toBe(js.run.events / js.run.operations);
      // Both phases did real work: misses (SSD reads, fills) and hits.
      expect(js.run.cacheMisses).toBeGreaterThan(1000);
      expect(js.run.cacheHits).toBeGreaterThan(1000);
    } finally {
      pair.dispose();
    }
  });
});
