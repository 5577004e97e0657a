/**
 * Every transition of Scalio's four slot states, driven through the same kernels the
 * protocol uses (scan a local copy, stage operands, CAS the remote word, invalidate):
 *
 *   EMPTY ──reserve──▶ FILLING ──publish──▶ VALID ──invalidate──▶ EMPTY
 *                        │  └──release──▶ EMPTY        └──evict (reserve)──▶ FILLING
 *                        └──invalidate──▶ FILLING_INVALIDATED ──release──▶ EMPTY
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import {
  SCAN_CODE_SHIFT, SCAN_HIT, SCAN_MISS, SCAN_NO_VICTIM, SCAN_PENDING, SCAN_RECLAIM, SCAN_SLOT_MASK, SCAN_TORN, SLOT_ACCESS_TIME_OFFSET,
  SLOT_FILL_OFFSET, SLOT_KEY_LENGTH_OFFSET, SLOT_STATE_EMPTY, SLOT_STATE_FILLING, SLOT_STATE_FILLING_INVALIDATED, SLOT_STATE_VALID,
} from '../src/layout/cache-slot.js';
import { ATOMIC_COMPARE_OFFSET, ATOMIC_RESULT_OFFSET } from '../src/layout/verbs.js';
import { builtModulePath } from '../src/paths.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';
import { type Scratch, scratch } from './helpers.js';

const config = resolveConfig({ records: 1000 });
const { slotBytes, valueOffset, bucketBytes } = slotGeometry(config);

let memory: Scratch;
let remote: number; // the bucket in "DPU DRAM"
let local: number; // a client's copy of it
let operands: number;
let image: number;
let value: number;
const keys: number[] = []; // descriptors of records 0..9

function scan(key: number): { outcome: number; slot: number } {
  memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
  const result = memory.kernels.cacheScan(local, key, operands, 0);
  return { outcome: result >> SCAN_CODE_SHIFT, slot: result & SCAN_SLOT_MASK };
}

function state(slot: number): number {
  return memory.kernels.slotState(remote, slot);
}

function slotAddress(slot: number): number {
  return remote + slot * slotBytes;
}

/** Miss → reserve the victim the scan chose; returns the slot. */
function reserve(key: number, owner: number): number {
  const { outcome, slot } = scan(key);
  expect(outcome).toBe(SCAN_MISS);
  memory.kernels.stageReserve(operands, key, owner, 0);
  expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(1);
  return slot;
}

/** Writes a value and publishes the slot; returns whether the publishing CAS succeeded. */
function publish(key: number, slot: number, owner: number, fill: number, accessTime = 1000): boolean {
  memory.bytes.fill(fill, value, value + 64);
  memory.kernels.stageFill(image, key, value, 64, accessTime, operands, owner, 0);
  memory.kernels.rdmaWriteCopy(slotAddress(slot) + SLOT_FILL_OFFSET, image + SLOT_FILL_OFFSET, valueOffset + 64 - SLOT_FILL_OFFSET);
  return memory.kernels.compareAndSwap64(slotAddress(slot), operands) === 1;
}

beforeEach(() => {
  memory = scratch();
  memory.kernels.configureCache(config.slotsPerBucket, slotBytes, config.keyBytesMax, config.valueBytesMax, valueOffset);
  remote = memory.base;
  local = remote + 4096;
  operands = local + 4096;
  image = operands + 64;
  value = image + 256;
  keys.length = 0;
  for (let record = 0; record < 10; record++) {
    const key = value + 256 + record * 64;
    memory.kernels.ycsbKey(record, key);
    keys.push(key);
  }
});

describe('cache slot states', () => {
  it('EMPTY → FILLING: a miss reserves an empty victim with a CAS carrying the key\'s fingerprint', () => {
    expect(scan(keys[0])).toEqual({ outcome: SCAN_MISS, slot: 0 });
    expect(memory.view.getBigUint64(operands + ATOMIC_COMPARE_OFFSET, true)).toBe(0n);
    reserve(keys[0], 7);
    expect(state(0)).toBe(SLOT_STATE_FILLING);
    // Another reader of the same key now waits instead of filling a second slot.
    expect(scan(keys[0]).outcome).toBe(SCAN_PENDING);
    // A reader of another key is not held up.
    expect(scan(keys[1])).toEqual({ outcome: SCAN_MISS, slot: 1 });
  });

  it('FILLING → VALID: the owner writes the slot and publishes it; readers hit', () => {
    const slot = reserve(keys[0], 7);
    expect(publish(keys[0], slot, 7, 0x41)).toBe(true);
    expect(state(slot)).toBe(SLOT_STATE_VALID);
    expect(scan(keys[0])).toEqual({ outcome: SCAN_HIT, slot });
    expect(memory.kernels.slotValueLength(local, slot)).toBe(64);
    expect(memory.bytes[local + slot * slotBytes + valueOffset]).toBe(0x41);
  });

  it('VALID → EMPTY: a writer\'s invalidation removes the stale value', () => {
    const slot = reserve(keys[0], 7);
    publish(keys[0], slot, 7, 0x41);
    expect(memory.kernels.cacheInvalidate(remote, keys[0])).toBe(1);
    expect(state(slot)).toBe(SLOT_STATE_EMPTY);
    expect(scan(keys[0]).outcome).toBe(SCAN_MISS);
  });

  it('FILLING → FILLING_INVALIDATED → EMPTY: a write during a fill stops it from being published', () => {
    const slot = reserve(keys[0], 7);
    expect(memory.kernels.cacheInvalidate(remote, keys[0])).toBe(1);
    expect(state(slot)).toBe(SLOT_STATE_FILLING_INVALIDATED);
    // Readers still wait on it: the key is being (re)filled.
    expect(scan(keys[0]).outcome).toBe(SCAN_PENDING);
    // The late fill cannot publish its possibly stale value...
    expect(publish(keys[0], slot, 7, 0x42)).toBe(false);
    expect(memory.kernels.atomicResultState(operands)).toBe(SLOT_STATE_FILLING_INVALIDATED);
    expect(state(slot)).toBe(SLOT_STATE_FILLING_INVALIDATED);
    // ...and its owner releases the slot.
    memory.kernels.stageRelease(operands, keys[0], 7, 0, 1);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(1);
    expect(state(slot)).toBe(SLOT_STATE_EMPTY);
  });

  it('FILLING → EMPTY: an owner that backs off releases its reservation', () => {
    const slot = reserve(keys[0], 7);
    memory.kernels.stageRelease(operands, keys[0], 7, 0, 0);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(1);
    expect(state(slot)).toBe(SLOT_STATE_EMPTY);
  });

  it('only the owner can release or publish: another client\'s CAS fails and changes nothing', () => {
    const slot = reserve(keys[0], 7);
    memory.kernels.stageRelease(operands, keys[0], 8, 0, 0);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(0);
    expect(memory.kernels.atomicResultState(operands)).toBe(SLOT_STATE_FILLING);
    expect(publish(keys[0], slot, 8, 0x43)).toBe(false);
    expect(state(slot)).toBe(SLOT_STATE_FILLING);
  });

  it('VALID → FILLING: a full bucket evicts the VALID slot with the oldest access time', () => {
    for (let record = 0; record < 8; record++) {
      const slot = reserve(keys[record], record);
      publish(keys[record], slot, record, 0x30 + record, record === 5 ? 10 : 1000 + record);
    }
    const { outcome, slot } = scan(keys[8]);
    expect(outcome).toBe(SCAN_MISS);
    expect(slot).toBe(5);
    memory.kernels.stageReserve(operands, keys[8], 9, 0);
    expect(memory.kernels.compareAndSwap64(slotAddress(5), operands)).toBe(1);
    expect(state(5)).toBe(SLOT_STATE_FILLING);
    expect(scan(keys[5]).outcome).toBe(SCAN_MISS);
  });

  it('a reservation fails if the victim changed since it was read (the CAS compares the whole word)', () => {
    const { slot } = scan(keys[0]);
    // Someone else reserves the same victim first.
    reserve(keys[1], 3);
    memory.kernels.stageReserve(operands, keys[0], 7, 0);
    memory.view.setBigUint64(operands + ATOMIC_COMPARE_OFFSET, 0n, true);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(0);
    expect(memory.view.getBigUint64(operands + ATOMIC_RESULT_OFFSET, true)).not.toBe(0n);
  });

  it('NO_VICTIM: when every slot is being filled, a miss has nowhere to go', () => {
    for (let record = 0; record < 8; record++) reserve(keys[record], record);
    expect(scan(keys[9]).outcome).toBe(SCAN_NO_VICTIM);
  });

  it('TORN: a slot whose bytes changed during the READ fails its checksum', () => {
    const slot = reserve(keys[0], 7);
    publish(keys[0], slot, 7, 0x41);
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    // Half of the value is from a later fill of the same key (a torn READ).
    memory.bytes.fill(0x42, local + slot * slotBytes + valueOffset + 32, local + slot * slotBytes + valueOffset + 64);
    expect(memory.kernels.cacheScan(local, keys[0], operands, 0) >> SCAN_CODE_SHIFT).toBe(SCAN_TORN);
    // A garbage length is caught too, without reading past the slot.
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    memory.bytes[local + slot * slotBytes + SLOT_KEY_LENGTH_OFFSET] = 200;
    expect(memory.kernels.cacheScan(local, keys[0], operands, 0) >> SCAN_CODE_SHIFT).toBe(SCAN_TORN);
    // The access time is not covered: a reader's access-time WRITE never looks torn.
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    memory.view.setBigUint64(local + slot * slotBytes + SLOT_ACCESS_TIME_OFFSET, 123456789n, true);
    expect(memory.kernels.cacheScan(local, keys[0], operands, 0) >> SCAN_CODE_SHIFT).toBe(SCAN_HIT);
  });

  it('a second reservation of the same key is detected by the reservation re-read', () => {
    const first = reserve(keys[0], 7);
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    expect(memory.kernels.cacheOtherClaim(local, keys[0], first, 0)).toBe(0);
    // A racing reader that missed before the first CAS reserved another slot for the key.
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    const secondSlot = 3;
    memory.view.setBigUint64(operands + ATOMIC_COMPARE_OFFSET, 0n, true);
    memory.kernels.stageReserve(operands, keys[0], 8, 0);
    expect(memory.kernels.compareAndSwap64(slotAddress(secondSlot), operands)).toBe(1);
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    expect(memory.kernels.cacheOtherClaim(local, keys[0], first, 0)).toBe(1);
    expect(memory.kernels.cacheOtherClaim(local, keys[0], secondSlot, 0)).toBe(1);
    // Other keys' slots are not claims.
    expect(memory.kernels.cacheOtherClaim(local, keys[1], 5, 0)).toBe(0);
  });

  it('invalidation leaves other keys\' slots alone', () => {
    const slot0 = reserve(keys[0], 1);
    publish(keys[0], slot0, 1, 0x41);
    const slot1 = reserve(keys[1], 2);
    publish(keys[1], slot1, 2, 0x42);
    const slot2 = reserve(keys[2], 3);
    expect(memory.kernels.cacheInvalidate(remote, keys[0])).toBe(1);
    expect([state(slot0), state(slot1), state(slot2)]).toEqual([SLOT_STATE_EMPTY, SLOT_STATE_VALID, SLOT_STATE_FILLING]);
  });
});

describe('a scan of the bucket in DPU DRAM itself (the artifact\'s DPU core)', () => {
  it('never takes a slot another reader reserved after the scan chose it', async () => {
    // Slots 1..7 are being filled by other keys, so slot 0 is the only possible victim. A
    // second thread (another reader) keeps reserving and releasing slot 0 for key 1, while
    // this thread scans the live bucket for key 0 and reserves what the scan chose. The CAS
    // must compare against the word the scan decided on: if it compared against a later
    // load, it would succeed over the other reader's FILLING word and steal its slot.
    for (let slot = 1; slot < 8; slot++) {
      memory.view.setBigUint64(operands + ATOMIC_COMPARE_OFFSET, 0n, true);
      memory.kernels.stageReserve(operands, keys[2 + slot], 100 + slot, 0);
      memory.kernels.compareAndSwap64(slotAddress(slot), operands);
    }
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const rival = new Worker(`
      const { workerData } = require('node:worker_threads');
      import(workerData.module).then(({ instantiateKernels }) => {
        const kernels = instantiateKernels(workerData.memory);
        const view = new DataView(workerData.memory.buffer);
        const stop = new Int32Array(workerData.stop);
        const { slot, key, operands, compareOffset } = workerData;
        while (Atomics.load(stop, 0) === 0) {
          view.setBigUint64(operands + compareOffset, 0n, true);
          kernels.stageReserve(operands, key, 1, 0);
          if (kernels.compareAndSwap64(slot, operands) === 1) {
            kernels.stageRelease(operands, key, 1, 0, 0);
            kernels.compareAndSwap64(slot, operands);
          }
        }
      });`, { eval: true, workerData: {
      module: pathToFileURL(builtModulePath('hw/kernels.js')).href, memory: memory.memory, stop: stop.buffer,
      slot: slotAddress(0), key: keys[1], operands: operands + 128, compareOffset: ATOMIC_COMPARE_OFFSET,
    } });
    let reservations = 0;
    let stolen = 0;
    const until = performance.now() + 300;
    while (performance.now() < until) {
      for (let round = 0; round < 1000; round++) {
        const scanned = memory.kernels.cacheScan(remote, keys[0], operands, 0);
        if (scanned >> SCAN_CODE_SHIFT !== SCAN_MISS) continue;
        memory.kernels.stageReserve(operands, keys[0], 2, 0);
        if (memory.kernels.compareAndSwap64(slotAddress(0), operands) !== 1) continue;
        reservations++;
        if (memory.kernels.atomicResultState(operands) !== SLOT_STATE_EMPTY) stolen++;
        memory.kernels.stageRelease(operands, keys[0], 2, 0, 0);
        memory.kernels.compareAndSwap64(slotAddress(0), operands);
      }
    }
    Atomics.store(stop, 0, 1);
    await rival.terminate();
    expect(reservations).toBeGreaterThan(0);
    expect(stolen).toBe(0);
  });
});

/**
 * Leases (src/systems/scalio/lease.ts): a reservation carries its owner and the epoch it was
 * made in; more than `leaseEpochs` epochs later any reader may take it by CAS, and the late
 * owner can then neither publish nor release.
 */
describe('leases on reservations', () => {
  const LEASE = 8;

  function scanAt(key: number, epoch: number): { outcome: number; slot: number } {
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    const result = memory.kernels.cacheScan(local, key, operands, epoch);
    return { outcome: result >> SCAN_CODE_SHIFT, slot: result & SCAN_SLOT_MASK };
  }

  function reserveAt(key: number, owner: number, epoch: number): number {
    const { outcome, slot } = scanAt(key, epoch);
    expect([SCAN_MISS, SCAN_RECLAIM]).toContain(outcome);
    memory.kernels.stageReserve(operands, key, owner, epoch);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(1);
    return slot;
  }

  function publishAt(key: number, slot: number, owner: number, epoch: number, fill: number): boolean {
    memory.bytes.fill(fill, value, value + 64);
    memory.kernels.stageFill(image, key, value, 64, 1000, operands, owner, epoch);
    memory.kernels.rdmaWriteCopy(slotAddress(slot) + SLOT_FILL_OFFSET, image + SLOT_FILL_OFFSET, valueOffset + 64 - SLOT_FILL_OFFSET);
    return memory.kernels.compareAndSwap64(slotAddress(slot), operands) === 1;
  }

  beforeEach(() => {
    memory.kernels.configureCacheLease(LEASE);
  });

  it('a reservation holds for its lease, then a reader takes it over with its own reservation CAS', () => {
    const slot = reserveAt(keys[0], 7, 100);
    // Up to LEASE epochs later the key is being filled: readers wait.
    expect(scanAt(keys[0], 100 + LEASE).outcome).toBe(SCAN_PENDING);
    // One more and the lease has run out: the slot is the victim, named RECLAIM.
    expect(scanAt(keys[0], 101 + LEASE)).toEqual({ outcome: SCAN_RECLAIM, slot });
    const taken = reserveAt(keys[0], 9, 101 + LEASE);
    expect(taken).toBe(slot);
    // The dead-or-slow owner's late fill cannot publish, nor can it release the slot.
    expect(publishAt(keys[0], slot, 7, 100, 0x41)).toBe(false);
    memory.kernels.stageRelease(operands, keys[0], 7, 100, 0);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(0);
    // The new owner's fill publishes (its bytes overwrite the late ones).
    expect(publishAt(keys[0], slot, 9, 101 + LEASE, 0x42)).toBe(true);
    expect(scanAt(keys[0], 101 + LEASE)).toEqual({ outcome: SCAN_HIT, slot });
    expect(memory.bytes[local + slot * slotBytes + valueOffset]).toBe(0x42);
  });

  it('an invalidated reservation expires too, and another key\'s reader may take it', () => {
    const slot = reserveAt(keys[0], 7, 5);
    expect(memory.kernels.cacheInvalidate(remote, keys[0])).toBe(1);
    expect(state(slot)).toBe(SLOT_STATE_FILLING_INVALIDATED);
    // Another key's reader prefers an EMPTY slot to an expired one...
    expect(scanAt(keys[1], 5 + LEASE + 1)).toEqual({ outcome: SCAN_MISS, slot: 1 });
    // ...and takes the expired one once no slot is EMPTY.
    for (let other = 1; other < 8; other++) publishAt(keys[other], reserveAt(keys[other], 20 + other, 5), 20 + other, 5, other);
    expect(scanAt(keys[8], 5 + LEASE + 1)).toEqual({ outcome: SCAN_RECLAIM, slot });
  });

  it('a stamp from the future (a reader with an older epoch) and a lease with leases off never expire', () => {
    reserveAt(keys[0], 7, 40);
    expect(scanAt(keys[0], 30).outcome).toBe(SCAN_PENDING);
    // Epochs are compared mod 2^16: 65,535 is just before 0.
    memory.kernels.stageRelease(operands, keys[0], 7, 40, 0);
    memory.kernels.compareAndSwap64(slotAddress(0), operands);
    reserveAt(keys[0], 7, 65_530);
    expect(scanAt(keys[0], 65_530 + LEASE - 65_536).outcome).toBe(SCAN_PENDING);
    expect(scanAt(keys[0], 65_530 + LEASE + 1 - 65_536)).toEqual({ outcome: SCAN_RECLAIM, slot: 0 });
    memory.kernels.configureCacheLease(0);
    expect(scanAt(keys[0], 60_000).outcome).toBe(SCAN_PENDING);
  });

  it('an expired reservation is no claim on the key at the reservation re-read', () => {
    const stale = reserveAt(keys[0], 7, 1);
    memory.view.setBigUint64(operands + ATOMIC_COMPARE_OFFSET, 0n, true);
    memory.kernels.stageReserve(operands, keys[0], 8, 1 + LEASE + 1);
    expect(memory.kernels.compareAndSwap64(slotAddress(3), operands)).toBe(1);
    memory.kernels.rdmaReadCopy(local, remote, bucketBytes);
    expect(memory.kernels.cacheOtherClaim(local, keys[0], 3, 1 + LEASE + 1)).toBe(0);
    expect(memory.kernels.cacheOtherClaim(local, keys[0], 3, 1 + LEASE)).toBe(1);
    expect(stale).toBe(0);
  });

  const pendingSlots = () => [0, 1, 2, 3, 4, 5, 6, 7].filter((slot) => state(slot) === SLOT_STATE_FILLING || state(slot) === SLOT_STATE_FILLING_INVALIDATED).length;

  it('the DPU core\'s sweep frees expired reservations only', () => {
    reserveAt(keys[0], 1, 10);
    reserveAt(keys[1], 2, 15);
    publishAt(keys[2], reserveAt(keys[2], 3, 10), 3, 10, 0x43);
    expect(pendingSlots()).toBe(2);
    expect(memory.kernels.cacheSweep(remote, 0, 8, 10 + LEASE + 1)).toBe(1);
    expect([state(0), state(1), state(2)]).toEqual([SLOT_STATE_EMPTY, SLOT_STATE_FILLING, SLOT_STATE_VALID]);
    expect(pendingSlots()).toBe(1);
    expect(memory.kernels.cacheSweep(remote, 0, 8, 15 + LEASE + 1)).toBe(1);
    expect(pendingSlots()).toBe(0);
  });

  it('the pending states are the odd ones (the sweep tells them from EMPTY and VALID by the low bit)', () => {
    expect([SLOT_STATE_EMPTY & 1, SLOT_STATE_VALID & 1, SLOT_STATE_FILLING & 1, SLOT_STATE_FILLING_INVALIDATED & 1]).toEqual([0, 0, 1, 1]);
  });

  it('a slot torn by a late fill is found torn with the same word again, and a scrub empties it', () => {
    const slot = reserveAt(keys[0], 7, 1);
    expect(publishAt(keys[0], slot, 7, 1, 0x41)).toBe(true);
    // A late fill of another owner writes its bytes over the VALID slot.
    memory.bytes.fill(0x42, value, value + 64);
    memory.kernels.stageFill(image, keys[0], value, 64, 1000, operands + 64, 3, 0);
    memory.kernels.rdmaWriteCopy(slotAddress(slot) + SLOT_FILL_OFFSET, image + SLOT_FILL_OFFSET, valueOffset + 64 - SLOT_FILL_OFFSET);
    const first = scanAt(keys[0], 1);
    expect(first).toEqual({ outcome: SCAN_TORN, slot });
    const word = [memory.kernels.stagedCompareHalf(operands, 0), memory.kernels.stagedCompareHalf(operands, 1)];
    expect(scanAt(keys[0], 1)).toEqual(first);
    expect([memory.kernels.stagedCompareHalf(operands, 0), memory.kernels.stagedCompareHalf(operands, 1)]).toEqual(word);
    memory.kernels.stageScrub(operands);
    expect(memory.kernels.compareAndSwap64(slotAddress(slot), operands)).toBe(1);
    expect(scanAt(keys[0], 1).outcome).toBe(SCAN_MISS);
  });
});
