/**
 * The native reference of the live engine (bench/native/live.c) does what the live engine
 * does: from the same warmed cluster, with one client thread (so that the order of the
 * operations is fixed), both run the same YCSB-C operations to the same cache hits and
 * misses and leave the cache holding the same slots (states, keys and values; access times
 * are clock readings and are left out). Otherwise the bench's share would compare different
 * work. Needs a C compiler; without one the tests are skipped (the bench prints a note).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNativeLive, cacheDigestOf, type LivePhase, prepareLive, runJavaScriptPhase, runNativePhase } from '../bench/native-live.js';
import { findCompiler } from '../bench/native.js';

const OPERATIONS = 30_000;

interface Compared {
  readonly native: LivePhase;
  readonly live: LivePhase;
  readonly nativeCache: string;
  readonly liveCache: string;
}

/** Warms a small cluster on one thread, then runs the same operations on both sides from it. */
async function compare(system: 'scalio' | 'scalio-no-lease'): Promise<Compared> {
  const build = buildNativeLive();
  if (!('executable' in build)) throw new Error(build.skipped);
  const prepared = await prepareLive(OPERATIONS, 1, { records: 20_000, clients: 16 }, true, system);
  const dumpAfter = join(tmpdir(), `scalio-native-live-test-${process.pid}.bin`);
  try {
    const native = runNativePhase(build.executable, prepared, OPERATIONS, 1, dumpAfter);
    const live = await runJavaScriptPhase(prepared, OPERATIONS);
    const p = prepared.parameters;
    const slots = p.bucketCount * p.slotsPerBucket;
    return {
      native,
      live,
      liveCache: cacheDigestOf(new Uint8Array(prepared.cluster.spec.memory.buffer), p.cacheBase, slots, p.slotBytes),
      nativeCache: cacheDigestOf(new Uint8Array(readFileSync(dumpAfter)), p.cacheBase, slots, p.slotBytes),
    };
  } finally {
    prepared.dispose();
    rmSync(dumpAfter, { force: true });
  }
}

function expectSameWork({ native, live, nativeCache, liveCache }: Compared): void {
  expect(native.operations).toBe(OPERATIONS);
  expect(live.operations).toBe(OPERATIONS);
  expect(native.cacheMisses).toBeGreaterThan(1000);
  expect(native.cacheHits).toBeGreaterThan(native.cacheMisses);
  expect(native.notFound).toBe(0);
  expect([native.cacheHits, native.cacheMisses]).toEqual([live.cacheHits, live.cacheMisses]);
  // The same verbs counted: a hit at once counts the READ and WRITE its verbs would have.
  expect(native.verbs).toEqual(live.verbs);
  expect(nativeCache).toBe(liveCache);
}

describe.skipIf(findCompiler() === undefined)('the native reference of the live engine', () => {
  it('runs the same operations to the same hits, misses and cache contents (Scalio without leases: no timing in play)', async () => {
    const compared = await compare('scalio-no-lease');
    expect(compared.native.timingEvents + compared.live.timingEvents).toBe(0);
    expectSameWork(compared);
  });

  it('does so with leases too, unless a thread preempted for milliseconds lost a lease on either side', async () => {
    // A fill whose thread is preempted for several ms (a loaded machine) can lose its lease
    // to the DPU's sweep: such a run depends on timing, not on the operations alone. It is
    // run again; if every run was disturbed, the hit ratios must still agree closely.
    let last: Compared | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      last = await compare('scalio');
      if (last.native.timingEvents + last.live.timingEvents === 0) {
        expectSameWork(last);
        return;
      }
    }
    const { native, live } = last as Compared;
    expect(native.operations).toBe(OPERATIONS);
    expect(Math.abs(native.hitRatio - live.hitRatio)).toBeLessThan(0.01);
  });
});
