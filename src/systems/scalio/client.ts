/**
 * Scalio's client side (OSDI'25, §4 and the talk's "data flow on cache miss").
 *
 * GET never involves a DPU core on its common paths:
 *
 *   1. fetch the key's cache bucket with an RDMA READ;
 *      - hit: the value is in the local copy; refresh the slot's access time with a posted
 *        8-byte RDMA WRITE, done;
 *      - a slot for the key is FILLING: another reader is fetching it; back off and re-read;
 *      - a slot for the key failed its checksum: the READ overlapped a change; re-read (a
 *        slot torn the same way twice holds a late fill's bytes: empty it, see lease.ts);
 *   2. miss: pick a victim (the scan kernel: an EMPTY slot, else the oldest VALID one);
 *   3. lock it with an RDMA CAS to FILLING (carrying the key's fingerprint), then re-read
 *      the bucket: if another reader reserved a slot for the same key meanwhile, give ours
 *      back and wait for theirs, so a key does not take two slots of its bucket. (This is
 *      for capacity only: a writer invalidates every slot with the key's fingerprint, so
 *      linearizability does not depend on it — checked by removing it.)
 *   4. read the value from the SSD with NVMe-oF target offload (index entry, chain, value);
 *   5. fill the slot with an RDMA WRITE, then publish it with a CAS FILLING → VALID. If a
 *      writer invalidated the fill meanwhile (FILLING_INVALIDATED), the CAS fails and the
 *      reader releases the slot instead: its value may be older than that write.
 *
 * Beyond the paper, reservations carry a lease (./lease.ts, steps E1–E5): a reservation
 * whose owner died is taken over after LEASE_EPOCHS epochs of the DPU, by a reader whose
 * scan finds it expired (SCAN_RECLAIM: step 3's CAS compares the expired word) or by the
 * DPU core's sweep; the late owner's publishing CAS then fails, as the word changed.
 *
 * Every wait and retry is bounded; a GET that cannot get through (a key stuck pending, a
 * bucket whose slots are all pending) falls back to an RPC read on the DPU core (./core.ts),
 * which reads the store without waiting for the key's queued writes.
 *
 * SET is an RPC to the DPU core owning the key's SSD (./core.ts).
 */
import { ProtocolError } from '../../errors.js';
import { Counter } from '../../hw/counters.js';
import type { Machine } from '../../hw/verbs.js';
import {
  SCAN_CODE_SHIFT, SCAN_HIT, SCAN_MISS, SCAN_RECLAIM, SCAN_SLOT_MASK, SCAN_TORN, SLOT_ACCESS_TIME_BYTES, SLOT_ACCESS_TIME_OFFSET, SLOT_FILL_OFFSET,
  SLOT_STATE_FILLING_INVALIDATED,
} from '../../layout/cache-slot.js';
import { readValue } from '../../store/read.js';
import { type ClientContext, NOT_FOUND } from '../context.js';
import { rpcGet } from '../rpc-client.js';
import type { CacheGeometry } from './cache.js';
import type { EpochCopies } from './lease.js';

/** Attempts (bucket reads) a GET makes before falling back to an RPC read. */
export const GET_ATTEMPTS_MAX = 32;
/** First and largest wait while another reader fills the key; doubles in between. */
export const BACKOFF_FIRST_NS = 1_000;
export const BACKOFF_MAX_NS = 128_000;

/** Where a client keeps Scalio's scratch in its arena's system area. */
export function scalioClientScratch(geometry: CacheGeometry, systemBase: number): { bucket: number; slotImage: number } {
  return { bucket: scalioBucketScratch(systemBase), slotImage: scalioSlotImageScratch(geometry, systemBase) };
}

/** Where a client builds the slot image a fill writes: after its bucket copy, on a cache line of its own. */
export function scalioSlotImageScratch(geometry: Pick<CacheGeometry, 'bucketBytes'>, systemBase: number): number {
  return systemBase + Math.ceil(geometry.bucketBytes / 64) * 64;
}

/** Where a client's copy of a cache bucket goes (the start of its scratch). */
export function scalioBucketScratch(systemBase: number): number {
  return systemBase;
}

/** `leases`: the clients' copies of the cache epoch, or null for Scalio without leases. */
export function* scalioGet(context: ClientContext, cache: CacheGeometry, leases: EpochCopies | null): Machine<number> {
  const { kernels, arena, counters } = context;
  // (scalioClientScratch's addresses, without an object per GET)
  const bucket = scalioBucketScratch(arena.system);
  const slotImage = scalioSlotImageScratch(cache, arena.system);
  const bucketRemote = cache.region.base + kernels.cacheBucketOf(arena.key, cache.bucketCount) * cache.bucketBytes;
  let backoffNs = BACKOFF_FIRST_NS;
  let epoch = leases === null ? 0 : leases.epochOf(context.client);
  // The slot and state word of the last torn scan, if the last scan was torn.
  let tornSlot = -1;
  let tornLow = 0;
  let tornHigh = 0;

  for (let attempt = 0; attempt < GET_ATTEMPTS_MAX; attempt++) {
    // 1. Fetch the bucket with an RDMA READ and scan the local copy.
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    let scan = kernels.cacheScan(bucket, arena.key, arena.operands, epoch);
    if ((scan >> SCAN_CODE_SHIFT) !== SCAN_HIT && leases !== null && leases.stale(context)) {
      // E2: not a hit, and the epoch copy is old: read the epoch word, judge leases again.
      epoch = yield* leases.refresh(context);
      scan = kernels.cacheScan(bucket, arena.key, arena.operands, epoch);
    }
    const outcome = scan >> SCAN_CODE_SHIFT;
    const slot = scan & SCAN_SLOT_MASK;
    const slotRemote = bucketRemote + slot * cache.slotBytes;

    if (outcome === SCAN_HIT) {
      // Mirrored by the live engine's hit at once (./hit-at-once.ts, assembly/fast-path.ts):
      // a change to this branch is made there too.
      counters.add(Counter.cacheHits);
      const valueLength = kernels.slotValueLength(bucket, slot);
      kernels.copyBytes(arena.value, bucket + slot * cache.slotBytes + cache.valueOffset, valueLength);
      kernels.storeU64(arena.word, context.now());
      yield context.rdmaWrite(cache.region, slotRemote + SLOT_ACCESS_TIME_OFFSET, arena.word, SLOT_ACCESS_TIME_BYTES, false);
      return valueLength;
    }
    if (outcome === SCAN_TORN) {
      counters.add(Counter.tornReads);
      // The same slot torn with the same state word twice in a row: not a READ racing a
      // fill but a late fill's bytes (E6) — scrub it, VALID → EMPTY, which is always safe.
      const low = kernels.stagedCompareHalf(arena.operands, 0);
      const high = kernels.stagedCompareHalf(arena.operands, 1);
      if (leases !== null && slot === tornSlot && low === tornLow && high === tornHigh) {
        kernels.stageScrub(arena.operands);
        if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) counters.add(Counter.slotsScrubbed);
      }
      tornSlot = slot;
      tornLow = low;
      tornHigh = high;
      continue;
    }
    tornSlot = -1;
    if (outcome !== SCAN_MISS && outcome !== SCAN_RECLAIM) {
      // PENDING (someone is filling this key) or NO_VICTIM (every slot is being filled).
      counters.add(Counter.pendingWaits);
      yield context.sleep(backoffNs);
      backoffNs = Math.min(2 * backoffNs, BACKOFF_MAX_NS);
      continue;
    }

    // 2–3. The scan chose a victim and staged its state word; lock it with an RDMA CAS
    // (RECLAIM: the victim is an expired reservation, taken over by this CAS — E3).
    kernels.stageReserve(arena.operands, arena.key, context.client, epoch);
    if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 0) continue;
    if (outcome === SCAN_RECLAIM) counters.add(Counter.slotsReclaimed);
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    if (kernels.cacheOtherClaim(bucket, arena.key, slot, epoch) !== 0) {
      counters.add(Counter.reservationConflicts);
      yield* releaseSlot(context, cache, slotRemote, epoch, leases !== null);
      yield context.sleep(backoffNs);
      backoffNs = Math.min(2 * backoffNs, BACKOFF_MAX_NS);
      continue;
    }
    counters.add(Counter.cacheMisses);

    // 4. Read the value from the SSD through NVMe-oF target offload.
    const valueLength = yield* readValue(context, arena.value);
    if (valueLength === NOT_FOUND) {
      yield* releaseSlot(context, cache, slotRemote, epoch, leases !== null);
      return NOT_FOUND;
    }

    // 5. Fill the slot with an RDMA WRITE, then publish it: CAS FILLING → VALID, comparing
    // the whole reservation (E5: it fails if the lease ran out and the slot was taken).
    kernels.stageFill(slotImage, arena.key, arena.value, valueLength, context.now(), arena.operands, context.client, epoch);
    const fillBytes = cache.valueOffset + valueLength - SLOT_FILL_OFFSET;
    yield context.rdmaWrite(cache.region, slotRemote + SLOT_FILL_OFFSET, slotImage + SLOT_FILL_OFFSET, fillBytes);
    if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) {
      counters.add(Counter.fillsPublished);
    } else {
      counters.add(Counter.fillsAbandoned);
      yield* releaseSlot(context, cache, slotRemote, epoch, leases !== null);
    }
    return valueLength;
  }

  counters.add(Counter.readFallbacks);
  return yield* rpcGet(context);
}

/**
 * Gives back a slot this client reserved (with lease epoch `epoch`): FILLING → EMPTY, or, if
 * a writer invalidated the fill meanwhile, FILLING_INVALIDATED → EMPTY. Without leases no
 * one else may change a reserved slot, so a third outcome is a broken invariant; with
 * leases it means the lease ran out and the slot was taken (E5): nothing to give back.
 */
export function* releaseSlot(context: ClientContext, cache: CacheGeometry, slotRemote: number, epoch: number, leased: boolean): Machine<void> {
  const { kernels, arena } = context;
  kernels.stageRelease(arena.operands, arena.key, context.client, epoch, 0);
  if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) return;
  if (kernels.atomicResultState(arena.operands) === SLOT_STATE_FILLING_INVALIDATED) {
    kernels.stageRelease(arena.operands, arena.key, context.client, epoch, 1);
    if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) return;
  }
  if (leased) {
    context.counters.add(Counter.reservationsLost);
    return;
  }
  throw new ProtocolError(
    `${context.description}: the cache slot it reserved at 0x${slotRemote.toString(16)} changed to state ` +
    `${kernels.atomicResultState(arena.operands)} under it; only its owner may leave a FILLING state`,
  );
}
