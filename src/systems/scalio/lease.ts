/**
 * Leases on Scalio's cache reservations: what happens when a reader dies holding a slot.
 *
 * The paper's protocol lets a reader CAS a slot to FILLING and trusts it to publish or
 * release it. A reader that dies in between (a crashed client, a lost connection) would
 * leave the slot FILLING forever: the key's readers wait on it, back off GET_ATTEMPTS_MAX
 * times and fall back to the DPU core on every GET, and the slot is lost to the cache.
 *
 * The fix is a lease counted in *epochs of the DPU*, not in timestamps:
 *
 *   E1. The DPU core advances the cache epoch, a word in DPU DRAM that clients read with
 *       one-sided RDMA (the `cacheEpoch` region), every CACHE_EPOCH_NS of its own clock.
 *   E2. A reader reserving a slot stamps the FILLING word with its client id and the epoch
 *       it last read (src/layout/cache-slot.ts: reserver, leaseEpoch). It re-reads the epoch
 *       word only on a miss, and only when its copy is older than EPOCH_REFRESH_NS (two
 *       epochs) by its own clock, so the hit path is unchanged (one READ + one posted WRITE)
 *       and a miss pays one more READ at most every two epochs.
 *   E3. A pending slot whose leaseEpoch is more than LEASE_EPOCHS behind a reader's epoch
 *       has expired. A reader treats it as free: it is not "the key being filled", and it
 *       is the victim of choice after an EMPTY slot (SCAN_RECLAIM). The reader takes it with
 *       the same CAS that reserves it, comparing the expired word exactly.
 *   E4. The DPU core sweeps the table, SWEEP_SLOTS_PER_EPOCH slots per epoch, and CASes
 *       every expired pending slot to EMPTY, so even a slot no reader comes back to is
 *       freed within a lease plus one sweep pass.
 *   E5. The late owner (dead, or only slow) cannot publish: its publishing CAS compares
 *       FILLING with its own reservation (owner, leaseEpoch) and the word has changed. Its
 *       release fails the same way; it counts the reservation as lost and moves on.
 *
 * Why epochs and not timestamps: clients and the DPU share no clock. A reservation stamped
 * with a client's wall-clock time would be judged against another machine's clock, and
 * skew of more than a lease would let a live fill be taken (or a dead one never be). Here
 * every age is measured on one clock, the DPU's, as a count of its epochs. A client's copy
 * of the epoch can only be older than the truth, which makes its stamps look older (a live
 * fill taken early, by at most three epochs: a lost fill, never a wrong value) and its
 * judgement of others' stamps more lenient (a dead slot reclaimed later, never earlier).
 * A live reservation therefore holds at least LEASE_EPOCHS − 3 epochs (5 ms): far above a
 * fill's time (an index read, a chain read and a value read on the SSD, hundreds of
 * microseconds). A DPU restart wipes the epoch word; it takes longer than EPOCH_REFRESH_NS
 * (the simulator refuses a shorter one), so every client re-reads the epoch before it
 * stamps a reservation in the restarted cache.
 *
 * Safety never depends on the lease's length: a reservation taken early only costs a fill.
 * A late fill's data WRITE can still land in a slot someone else has since filled; the
 * slot's checksum (in its VALID word) then no longer matches, and readers see it as torn,
 * never as a value.
 *   E6. A reader that finds the same slot torn with the same state word on two bucket
 *       reads in a row scrubs it: CAS that VALID word → EMPTY. A READ racing a fill sees a
 *       new word the next time; an unchanged word over bytes that do not match it is a late
 *       fill's. Emptying a slot is always safe: it is what a writer's invalidation does.
 */
import type { ResolvedConfig } from '../../config.js';
import { Counter } from '../../hw/counters.js';
import { type MemoryPlan, type RegionPlan, type RegionRequest, regionOf } from '../../hw/memory-plan.js';
import type { Machine } from '../../hw/verbs.js';
import {
  CACHE_EPOCH_REGION_BYTES, CACHE_EPOCH_WORD_OFFSET, SLOT_STATE_EMPTY, SLOT_STATE_MASK, SLOT_STATE_VALID, SLOT_STATE_WORD_OFFSET,
} from '../../layout/cache-slot.js';
import type { ClientContext, ThreadServices } from '../context.js';
import type { CacheAudit, Housekeeping } from '../system.js';
import type { CacheGeometry } from './cache.js';

/** E1: the DPU core's epoch period. */
export const CACHE_EPOCH_NS = 1_000_000;
/**
 * E2: a client re-reads the epoch word (on a miss) when its copy is older than this by its
 * own clock. Its stamps are then at most 3 epochs behind (2, plus the epoch under way).
 */
export const EPOCH_REFRESH_NS = 2 * CACHE_EPOCH_NS;
/** E3: a reservation expires when it is more than this many epochs old. */
export const LEASE_EPOCHS = 8;
/** E4: slots the DPU core's sweep checks per epoch (a full pass takes slots / this epochs). */
export const SWEEP_SLOTS_PER_EPOCH = 4096;
/** DPU core time to advance the epoch, and to check one slot's state word in a sweep. */
export const EPOCH_TICK_CPU_NS = 50;
export const SWEEP_SLOT_CPU_NS = 2;

/** A DPU restart takes longer than a client's copy of the epoch stays fresh (see the file comment). */
export const RESTART_MINIMUM_NS = EPOCH_REFRESH_NS + CACHE_EPOCH_NS;

export function cacheEpochRegionRequest(): RegionRequest {
  return { name: 'cacheEpoch', bytes: CACHE_EPOCH_REGION_BYTES, remote: true };
}

/**
 * The longest a reservation may stay pending with leases on, from when its CAS took effect:
 * its stamp is at most the DPU's epoch then, so it expires within LEASE_EPOCHS + 1 epochs,
 * and the sweep reaches its slot within one pass (plus an epoch of slack).
 */
export function pendingBoundNs(config: ResolvedConfig): number {
  return (LEASE_EPOCHS + 2 + Math.ceil(config.cacheSlots / SWEEP_SLOTS_PER_EPOCH)) * CACHE_EPOCH_NS;
}

/** Each client's copy of the cache epoch (E2), for the clients of one thread. */
export class EpochCopies {
  readonly region: RegionPlan;
  private readonly epochs: Float64Array;
  private readonly readAtNs: Float64Array;

  constructor(config: ResolvedConfig, plan: MemoryPlan) {
    this.region = regionOf(plan, 'cacheEpoch');
    this.epochs = new Float64Array(config.clients);
    this.readAtNs = new Float64Array(config.clients).fill(Number.NEGATIVE_INFINITY);
  }

  /** The client's copy, as it stands. */
  epochOf(client: number): number {
    return this.epochs[client];
  }

  /** Whether the copy is older than EPOCH_REFRESH_NS by the client's own clock. */
  stale(context: ClientContext): boolean {
    return context.now() - this.readAtNs[context.client] > EPOCH_REFRESH_NS;
  }

  /** E2: reads the epoch word with an RDMA READ; returns the fresh epoch. */
  *refresh(context: ClientContext): Machine<number> {
    const sentAtNs = context.now();
    yield context.rdmaRead(this.region, this.region.base + CACHE_EPOCH_WORD_OFFSET, context.arena.word, 8);
    context.counters.add(Counter.epochReads);
    // The word is at least as new as when the READ was sent: date the copy from then.
    const epoch = context.services.view.getUint32(context.arena.word, true);
    this.epochs[context.client] = epoch;
    this.readAtNs[context.client] = sentAtNs;
    return epoch;
  }
}

function epochWords(services: ThreadServices): Int32Array {
  return new Int32Array(services.bytes.buffer, regionOf(services.layout.plan, 'cacheEpoch').base + CACHE_EPOCH_WORD_OFFSET, 2);
}

/** E1 and E4, run by DPU core 0 every epoch. */
export function leaseHousekeeping(services: ThreadServices, cache: CacheGeometry): Housekeeping {
  const words = epochWords(services);
  const slots = cache.bucketCount * cache.slotsPerBucket;
  let sweepCursor = 0;
  return {
    intervalNs: CACHE_EPOCH_NS,
    run(): number {
      // E1: the DPU core is the epoch word's only writer; readers take its low 32 bits.
      const epoch = (Atomics.load(words, 0) + 1) | 0;
      Atomics.store(words, 0, epoch);
      // E4: sweep the next stretch of the table.
      if (sweepCursor >= slots) sweepCursor = 0;
      const count = Math.min(SWEEP_SLOTS_PER_EPOCH, slots - sweepCursor);
      const reclaimed = services.kernels.cacheSweep(cache.region.base, sweepCursor, count, epoch);
      sweepCursor += count;
      services.counters.add(Counter.slotsSwept, reclaimed);
      return EPOCH_TICK_CPU_NS + count * SWEEP_SLOT_CPU_NS;
    },
  };
}

/**
 * An auditor of the cache's reservations: at each call it reads every slot's state word and
 * remembers since when (DPU clock) each pending slot has held the same word. A slot pending
 * with one reservation for longer than `pendingBoundNs` would break the lease's promise.
 */
export function cacheAuditor(services: ThreadServices, cache: CacheGeometry, leased: boolean): () => CacheAudit {
  const slots = cache.bucketCount * cache.slotsPerBucket;
  const wordsPerSlot = cache.slotBytes / 4;
  const words = new Uint32Array(services.bytes.buffer, cache.region.base + SLOT_STATE_WORD_OFFSET, (slots * cache.slotBytes) / 4);
  const boundNs = leased ? pendingBoundNs(services.layout.config) : Number.POSITIVE_INFINITY;
  let seenLow: Uint32Array | null = null;
  let seenHigh = new Uint32Array(0);
  let sinceNs = new Float64Array(0);
  let longestPendingNs = 0;
  return () => {
    if (seenLow === null) {
      seenLow = new Uint32Array(slots);
      seenHigh = new Uint32Array(slots);
      sinceNs = new Float64Array(slots).fill(Number.NaN);
    }
    const nowNs = services.now();
    let pendingSlots = 0;
    for (let slot = 0; slot < slots; slot++) {
      const low = words[slot * wordsPerSlot];
      const state = low & SLOT_STATE_MASK;
      if (state === SLOT_STATE_EMPTY || state === SLOT_STATE_VALID) {
        sinceNs[slot] = Number.NaN;
        continue;
      }
      pendingSlots++;
      const high = words[slot * wordsPerSlot + 1];
      if (Number.isNaN(sinceNs[slot]) || seenLow[slot] !== low || seenHigh[slot] !== high) {
        seenLow[slot] = low;
        seenHigh[slot] = high;
        sinceNs[slot] = nowNs;
      } else {
        longestPendingNs = Math.max(longestPendingNs, nowNs - sinceNs[slot]);
      }
    }
    return { pendingSlots, longestPendingNs, boundNs };
  };
}
