/**
 * Scalio's GET hit in one kernel call (SystemMachines.getAtOnce, for the live engine) must do
 * what the GET machine does when its verbs take effect at once, and leave everything else
 * to the machine untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attachThread, buildCluster, type Cluster, type ThreadNode } from '../src/engine/cluster.js';
import { Counter } from '../src/hw/counters.js';
import type { Machine } from '../src/hw/verbs.js';
import {
  SCAN_CODE_SHIFT, SCAN_HIT, SCAN_SLOT_MASK, SLOT_ACCESS_TIME_OFFSET, SLOT_STATE_FILLING, SLOT_STATE_MASK, SLOT_STATE_WORD_OFFSET,
} from '../src/layout/cache-slot.js';
import { ClientContext } from '../src/systems/context.js';
import { GET_NEEDS_MACHINE } from '../src/systems/system.js';
import { cacheGeometry, type CacheGeometry } from '../src/systems/scalio/cache.js';

let cluster: Cluster;
let node: ThreadNode;
let cache: CacheGeometry;
let clockNs = 1_000_000;

beforeAll(() => {
  cluster = buildCluster({ records: 2000, clients: 4, cacheSlots: 256 }, 'scalio');
  node = attachThread(cluster.spec, () => clockNs);
  cache = cacheGeometry(cluster.spec.layout.config, cluster.spec.layout.plan);
});

/** Runs a machine to its end with every verb taking effect at once, as the live engine does. */
function runAtOnce<T>(context: ClientContext, machine: Machine<T>): T {
  let value = 0;
  for (;;) {
    const step = machine.next(value);
    if (step.done === true) return step.value;
    value = node.hardware.execute(context, step.value);
  }
}

function countersNow(): Float64Array {
  return node.counters.values.slice();
}

function difference(after: Float64Array, before: Float64Array): number[] {
  return Array.from(after, (value, index) => value - before[index]);
}

function cacheBytes(): Uint8Array {
  const region = cache.region;
  return node.services.bytes.slice(region.base, region.base + region.bytes);
}

function slotOfKey(context: ClientContext): number {
  const { kernels, arena } = context;
  const bucketRemote = cache.region.base + kernels.cacheBucketOf(arena.key, cache.bucketCount) * cache.bucketBytes;
  kernels.rdmaReadCopyStrided(arena.system, bucketRemote, cache.bucketBytes, cache.region.base, cache.slotBytes);
  const scan = kernels.cacheScan(arena.system, arena.key, arena.operands, 0);
  expect(scan >> SCAN_CODE_SHIFT).toBe(SCAN_HIT);
  return bucketRemote + (scan & SCAN_SLOT_MASK) * cache.slotBytes;
}

describe('a GET hit at once (live engine)', () => {
  it('gives the machine\'s value and counts, and writes the access time', () => {
    const atOnce = new ClientContext(0, node.services);
    const machine = new ClientContext(1, node.services);
    const getAtOnce = node.machines.getAtOnce;
    expect(getAtOnce).toBeDefined();
    if (getAtOnce === undefined) return;
    const { kernels } = node;
    const bytes = node.services.bytes;
    for (let record = 0; record < 200; record++) {
      kernels.ycsbKey(record, atOnce.arena.key);
      kernels.ycsbKey(record, machine.arena.key);
      runAtOnce(machine, node.machines.get(machine)); // a miss fills the slot (or it was a hit already)

      clockNs += 1000;
      const beforeAtOnce = countersNow();
      const length = getAtOnce(atOnce);
      const countedAtOnce = difference(countersNow(), beforeAtOnce);
      expect(length).toBeGreaterThan(0);
      const slot = slotOfKey(atOnce);
      expect(node.services.view.getBigUint64(slot + SLOT_ACCESS_TIME_OFFSET, true)).toBe(BigInt(clockNs));
      expect(node.services.view.getBigUint64(atOnce.arena.word, true)).toBe(BigInt(clockNs));

      const beforeMachine = countersNow();
      expect(runAtOnce(machine, node.machines.get(machine))).toBe(length);
      expect(countedAtOnce).toEqual(difference(countersNow(), beforeMachine));
      expect(countedAtOnce[Counter.cacheHits]).toBe(1);
      expect(countedAtOnce[Counter.rdmaReadBytes]).toBe(cache.bucketBytes);
      expect(bytes.slice(atOnce.arena.value, atOnce.arena.value + length)).toEqual(bytes.slice(machine.arena.value, machine.arena.value + length));
    }
  });

  it('leaves a miss, a torn slot and a pending slot to the machine, changing nothing in the cache', () => {
    const context = new ClientContext(2, node.services);
    const getAtOnce = node.machines.getAtOnce;
    if (getAtOnce === undefined) throw new Error('Scalio has getAtOnce');
    const { kernels } = node;
    // A key never read is in no slot: a miss.
    kernels.ycsbKey(1999, context.arena.key);
    let before = cacheBytes();
    const countersBefore = countersNow();
    expect(getAtOnce(context)).toBe(GET_NEEDS_MACHINE);
    expect(cacheBytes()).toEqual(before);
    expect(countersNow()).toEqual(countersBefore);

    // A cached key whose value bytes no longer match its state word's checksum: torn.
    kernels.ycsbKey(5, context.arena.key);
    runAtOnce(context, node.machines.get(context));
    const slot = slotOfKey(context);
    node.services.bytes[slot + cache.valueOffset] ^= 0xff;
    before = cacheBytes();
    expect(getAtOnce(context)).toBe(GET_NEEDS_MACHINE);
    expect(cacheBytes()).toEqual(before);

    // A cached key whose slot another reader is filling (FILLING, the key's fingerprint): pending.
    kernels.ycsbKey(7, context.arena.key);
    runAtOnce(context, node.machines.get(context));
    const pendingSlot = slotOfKey(context);
    const view = node.services.view;
    const stateWord = view.getBigUint64(pendingSlot + SLOT_STATE_WORD_OFFSET, true);
    view.setBigUint64(pendingSlot + SLOT_STATE_WORD_OFFSET, (stateWord & ~BigInt(SLOT_STATE_MASK)) | BigInt(SLOT_STATE_FILLING), true);
    before = cacheBytes();
    const countersBeforePending = countersNow();
    expect(getAtOnce(context)).toBe(GET_NEEDS_MACHINE);
    expect(cacheBytes()).toEqual(before);
    expect(countersNow()).toEqual(countersBeforePending);
  });
});
