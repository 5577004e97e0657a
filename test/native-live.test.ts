/**
 * The native reference of the live engine (bench/native/live.c) does what the live engine
 * does: from the same warmed cluster, with one client thread (so that the order of the
 * operations is fixed), both run the same YCSB-C operations to the same cache hits and
 * misses and leave the cache holding the same slots (states, keys and values; access times
 * are clock readings and are left out). Otherwise the bench's share would compare different
 * work. Needs a C compiler; without one the test is skipped (the bench prints a note).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNativeLive, cacheDigestOf, prepareLive, runJavaScriptPhase, runNativePhase } from '../bench/native-live.js';
import { findCompiler } from '../bench/native.js';

describe.skipIf(findCompiler() === undefined)('the native reference of the live engine', () => {
  it('runs the same operations to the same hits, misses and cache contents as the live engine', async () => {
    const build = buildNativeLive();
    if (!('executable' in build)) throw new Error(build.skipped);
    const operations = 30_000;
    const prepared = await prepareLive(operations, 1, { records: 20_000, clients: 16 });
    const dumpAfter = join(tmpdir(), `scalio-native-live-test-${process.pid}.bin`);
    try {
      const native = runNativePhase(build.executable, prepared, operations, 1, dumpAfter);
      const live = await runJavaScriptPhase(prepared, operations);
      expect(native.operations).toBe(operations);
      expect(live.operations).toBe(operations);
      expect(native.cacheMisses).toBeGreaterThan(1000);
      expect(native.cacheHits).toBeGreaterThan(native.cacheMisses);
      expect(native.notFound).toBe(0);
      expect([native.cacheHits, native.cacheMisses]).toEqual([live.cacheHits, live.cacheMisses]);
      const p = prepared.parameters;
      const slots = p.bucketCount * p.slotsPerBucket;
      const liveCache = cacheDigestOf(new Uint8Array(prepared.cluster.spec.memory.buffer), p.cacheBase, slots, p.slotBytes);
      const nativeCache = cacheDigestOf(new Uint8Array(readFileSync(dumpAfter)), p.cacheBase, slots, p.slotBytes);
      expect(nativeCache).toBe(liveCache);
    } finally {
      prepared.dispose();
      rmSync(dumpAfter, { force: true });
    }
  });
});
