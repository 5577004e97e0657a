/**
 * One SSD's store as its DPU core runs it: the two logs, the space writers have reserved,
 * the admission of writes around garbage collection, and the batching of writes.
 *
 * Writes to different buckets run concurrently (the core overlaps their I/O). Each reserves
 * the log space it may need *before* it takes any bucket lock, so no write ever waits for
 * space while holding a lock. When space runs low, garbage collection runs stop-the-world
 * for this device: it closes admission, lets the admitted writes finish, compacts, and
 * reopens. So collection never races a write, and no lock cycle between them can form.
 *
 * A write that finds no space beside the admitted writes' reservations decides alone: it
 * closes admission the same way and lets those writes finish (their reservations are worst
 * cases, and their updates turn old values into garbage), then reserves, collects first if
 * that can make the room, or reports the device full. So a write is refused only when the
 * logs, with no other write in flight, have neither the room nor the garbage to make it.
 *
 *   write ──admit──▶ reserve space ──▶ applyBatch (locks, I/O, commit) ──▶ release, leave
 *            │            └─ none: leave; close admission, drain, (collect), reserve or refuse
 *            └─ admission closed: park until it reopens
 */
import { type ResolvedConfig, valueRecordBlocks } from '../config.js';
import { ScalioError } from '../errors.js';
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { BLOCK_BYTES, BUCKET_ITEMS_PER_BLOCK, CHAIN_BLOCKS_MAX, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import { RPC_STATUS_DEVICE_FULL } from '../layout/rpc.js';
import type { StoreContext } from './context.js';
import { type ApplyScratch, type BatchEntry, EntryKind, applyBatch } from './apply.js';
import { type StoreGeometry, type StoreState, StoreStateField, indexEntryAddress } from './geometry.js';
import { RingLog } from './ring.js';
import type { Parkable } from './bucket-locks.js';

/** Garbage collection, as the device store calls it (src/store/gc.ts). */
export interface Collector {
  /** Compacts both logs until each has `target` free blocks or a full pass frees nothing. */
  collect(context: StoreContext, store: DeviceStore): Machine<void>;
}

/**
 * Blocks of each log kept for the collector: moving a segment's live data (at most the
 * segment and a chain running past it), twice over for an append that must skip to the
 * ring's start.
 */
export function collectorReserveBlocks(config: ResolvedConfig): number {
  return 2 * (config.gcSegmentBlocks + CHAIN_BLOCKS_MAX + 1);
}

/** Log space one write has reserved, in blocks. */
interface Reservation {
  readonly values: number;
  readonly buckets: number;
}

export class DeviceStore {
  readonly values: RingLog;
  readonly buckets: RingLog;
  /** Blocks reserved by admitted writes and not yet used. */
  private valueCredits = 0;
  private bucketCredits = 0;
  private admitted = 0;
  /** No write is admitted: a collection, or a write deciding alone whether it fits, holds the device. */
  private admissionClosed = false;
  private readonly parkedUntilReopened: Parkable[] = [];
  private drainWaiter: Parkable | null = null;
  /**
   * Garbage each log has gained, in blocks, since a collection last failed to make the
   * room a write needed (values counted in whole blocks, chains by their length; since
   * the load, at first). Such a pass scanned the whole log, so what it could not free was
   * live, and only garbage made since can be freed: a pass runs only where this says it
   * may free what is missing. A log filled with live data (inserts beyond its room) would
   * otherwise be collected again for every few writes, each pass moving all of it —
   * quadratic work that looks like a hang — where now the writes that do not fit are
   * refused at once.
   */
  private garbage = { values: 0, buckets: 0 };
  /** Blocks of each log that only garbage collection may use (it needs room to move data). */
  readonly reserveBlocks: number;
  /** Collection runs until each log has this many free blocks beyond the reserve. */
  readonly collectionTargetBlocks: { readonly values: number; readonly buckets: number };
  readonly batcher: WriteBatcher;

  constructor(
    readonly device: number,
    readonly config: ResolvedConfig,
    readonly geometry: StoreGeometry,
    private readonly state: StoreState,
    private readonly collector: Collector,
  ) {
    this.values = new RingLog(state, device, StoreStateField.valueHead, StoreStateField.valueTail, geometry.valueLogStart, geometry.valueLogBlocks);
    this.buckets = new RingLog(state, device, StoreStateField.bucketHead, StoreStateField.bucketTail, geometry.bucketLogStart, geometry.bucketLogBlocks);
    this.reserveBlocks = collectorReserveBlocks(config);
    this.collectionTargetBlocks = {
      values: Math.max(this.reserveBlocks, Math.floor(geometry.valueLogBlocks / 10)),
      buckets: Math.max(this.reserveBlocks, Math.floor(geometry.bucketLogBlocks / 10)),
    };
    this.batcher = new WriteBatcher(this, config);
  }

  /** A fresh write sequence number for an append. */
  nextSequence(): number {
    return this.state.nextSequence(this.device);
  }

  /**
   * Whether a log is below its collection target (free beyond the reserve and reservations)
   * and may hold garbage worth a pass: at least half of what it lacks, and a segment.
   */
  wantsCollection(): boolean {
    if (this.admissionClosed) return false;
    const segment = this.config.gcSegmentBlocks;
    const valuesLack = this.collectionTargetBlocks.values - (this.values.free - this.valueCredits - this.reserveBlocks);
    const bucketsLack = this.collectionTargetBlocks.buckets - (this.buckets.free - this.bucketCredits - this.reserveBlocks);
    return (valuesLack > 0 && this.garbage.values >= Math.max(segment, valuesLack / 2))
      || (bucketsLack > 0 && this.garbage.buckets >= Math.max(segment, bucketsLack / 2));
  }

  /** A write made this many blocks of each log garbage (src/store/apply.ts). */
  noteGarbage(valueBlocks: number, bucketBlocks: number): void {
    this.garbage.values += valueBlocks;
    this.garbage.buckets += bucketBlocks;
  }

  /**
   * Whether collecting could make the room a write needs: each short log holds at least that
   * much garbage. Asked with no write admitted, so no other write's reservation counts.
   */
  private mayMakeRoom(need: Reservation): boolean {
    const valuesShort = need.values + this.reserveBlocks - this.values.free;
    const bucketsShort = need.buckets + this.reserveBlocks - this.buckets.free;
    return (valuesShort <= 0 || this.garbage.values >= valuesShort) && (bucketsShort <= 0 || this.garbage.buckets >= bucketsShort);
  }

  /**
   * Writes `entries` (already grouped for this device): admission, space, `applyBatch`.
   * Sets every entry's status; DEVICE_FULL if, with no other write in flight, the logs have
   * no room for it and garbage collection cannot make it.
   */
  *write(context: StoreContext, entries: readonly BatchEntry[], scratch: ApplyScratch, pack: boolean): Machine<void> {
    yield* this.admit(context);
    let reservation = this.tryReserve(this.spaceNeeded(context, entries, pack));
    if (reservation === null) {
      this.leave();
      reservation = yield* this.reserveAlone(context, entries, pack);
      if (reservation === null) {
        for (const entry of entries) entry.status = RPC_STATUS_DEVICE_FULL;
        context.counters.add(Counter.deviceFullRefusals, entries.length);
        return;
      }
    }
    // Admitted, with the space reserved.
    try {
      yield* applyBatch(context, this, entries, scratch, { pack, notify: true });
    } finally {
      this.valueCredits -= reservation.values;
      this.bucketCredits -= reservation.buckets;
      this.leave();
    }
  }

  /**
   * Reserves space for a write that found none beside the admitted writes' reservations:
   * with admission closed and those writes finished, so only the logs' own free space and
   * garbage decide. Collects garbage first if the write does not fit and collecting may make
   * room. Returns the reservation with the write admitted; null if the write cannot fit: the
   * live data fills a log.
   */
  private *reserveAlone(context: StoreContext, entries: readonly BatchEntry[], pack: boolean): Machine<Reservation | null> {
    // Counted once per write, however many turns it waits (it may find the room after
    // another write or a collection held the device, without closing admission itself).
    context.counters.add(Counter.writesReservedAlone);
    for (;;) {
      if (this.admissionClosed) {
        // A collection or another write deciding alone holds the device: wait for it, then
        // try beside the writes admitted after it (it may have made the room).
        yield* this.admit(context);
        const reservation = this.tryReserve(this.spaceNeeded(context, entries, pack));
        if (reservation !== null) return reservation;
        this.leave();
        continue;
      }
      this.admissionClosed = true;
      try {
        yield* this.drainAdmitted(context);
        let need = this.spaceNeeded(context, entries, pack);
        if (!this.wouldFit(need) && this.mayMakeRoom(need)) {
          yield* this.collector.collect(context, this);
          // Collection rewrote chains: their lengths, and so the room the write needs, may differ.
          need = this.spaceNeeded(context, entries, pack);
          // A pass that could not make the room scanned the whole short log(s): what it left is live.
          if (this.values.free - need.values < this.reserveBlocks) this.garbage.values = 0;
          if (this.buckets.free - need.buckets < this.reserveBlocks) this.garbage.buckets = 0;
        }
        const reservation = this.tryReserve(need);
        if (reservation !== null) this.admitted++;
        return reservation;
      } finally {
        this.reopenAdmission();
      }
    }
  }

  /** The most space a batch can use: its values, and each touched chain plus growth, with ring skips. */
  private spaceNeeded(context: StoreContext, entries: readonly BatchEntry[], pack: boolean): { values: number; buckets: number } {
    const { kernels } = context;
    let valueBytes = 0;
    let valueBlocks = 0;
    const perBucket = new Map<number, number>();
    for (const entry of entries) {
      perBucket.set(entry.bucketId, (perBucket.get(entry.bucketId) ?? 0) + 1);
      if (entry.kind === EntryKind.delete) continue;
      const keyLength = kernels.keyLengthOf(entry.key);
      const bytes = VALUE_RECORD_HEADER_BYTES + keyLength + entry.valueLength;
      if (pack && bytes <= BLOCK_BYTES) valueBytes += bytes;
      else valueBlocks += valueRecordBlocks(keyLength, entry.valueLength);
    }
    // Packed records never straddle a block: at worst each wastes nearly a record of space.
    const packedBlocks = valueBytes > 0 ? Math.ceil((valueBytes * 2) / BLOCK_BYTES) : 0;
    let bucketBlocks = 0;
    for (const [bucketId, count] of perBucket) {
      const length = Math.max(1, kernels.indexEntryChainLength(indexEntryAddress(this.geometry, bucketId)));
      bucketBlocks += Math.min(CHAIN_BLOCKS_MAX, length + Math.ceil(count / BUCKET_ITEMS_PER_BLOCK));
    }
    return { values: RingLog.worstCost(valueBlocks + packedBlocks), buckets: RingLog.worstCost(bucketBlocks) };
  }

  /** Whether a write needing this much space could reserve it now. */
  private wouldFit(need: Reservation): boolean {
    return this.values.free - this.valueCredits - need.values >= this.reserveBlocks && this.buckets.free - this.bucketCredits - need.buckets >= this.reserveBlocks;
  }

  /** Reserves log space for a write, keeping the collector's reserve; null if there is none. */
  private tryReserve(need: Reservation): Reservation | null {
    if (!this.wouldFit(need)) return null;
    this.valueCredits += need.values;
    this.bucketCredits += need.buckets;
    return need;
  }

  /** Waits while admission is closed, then counts this write as admitted. */
  private *admit(context: StoreContext): Machine<void> {
    while (this.admissionClosed) {
      this.parkedUntilReopened.push(context);
      yield context.park();
    }
    this.admitted++;
  }

  private leave(): void {
    this.admitted--;
    if (this.admitted === 0 && this.drainWaiter !== null) {
      const waiter = this.drainWaiter;
      this.drainWaiter = null;
      waiter.wake();
    }
  }

  /**
   * Runs garbage collection for this device, or waits for the one running. Must not be
   * called by an admitted write: the collection waits for those to finish.
   */
  *collectGarbage(context: StoreContext): Machine<void> {
    if (this.admissionClosed) {
      this.parkedUntilReopened.push(context);
      yield context.park();
      return;
    }
    this.admissionClosed = true;
    try {
      yield* this.drainAdmitted(context);
      yield* this.collector.collect(context, this);
    } finally {
      this.reopenAdmission();
    }
  }

  /** With admission closed (by the caller), waits until every admitted write has finished. */
  private *drainAdmitted(context: StoreContext): Machine<void> {
    while (this.admitted > 0) {
      if (this.drainWaiter !== null) throw new ScalioError(`SSD ${this.device}: two machines waiting for writes to drain`);
      this.drainWaiter = context;
      yield context.park();
    }
  }

  private reopenAdmission(): void {
    this.admissionClosed = false;
    const parked = this.parkedUntilReopened.splice(0);
    for (const machine of parked) machine.wake();
  }
}

/**
 * Batching of writes on a DPU core (LEED's, kept by Scalio): a device's SETs and DELETEs are
 * gathered and applied together when `setBatch` of them are waiting, or when no new write
 * has come for `batchIdleNs`. Every write in a batch is acknowledged after the batch has
 * been applied — on the SSD, committed, and (Scalio) invalidated in the cache.
 */
export class WriteBatcher {
  private current: PendingBatch = new PendingBatch();

  constructor(private readonly store: DeviceStore, private readonly config: ResolvedConfig) {}

  /** Writes `entry` with batching (or alone when batching is off); returns when it is applied. */
  *submit(context: StoreContext, entry: BatchEntry, scratch: ApplyScratch): Machine<void> {
    if (this.config.setBatch === 1) {
      yield* this.store.write(context, [entry], scratch, false);
      return;
    }
    const batch = this.current;
    batch.entries.push(entry);
    batch.lastAddNs = context.now();
    if (batch.entries.length >= this.config.setBatch) {
      yield* this.flush(context, batch, scratch);
      return;
    }
    // Wait until the batch is flushed by a writer that fills it, or until it has been idle
    // for batchIdleNs — then flush it ourselves. Each new write moves that moment later, so
    // a waiter wakes at most once per write that joins after it.
    batch.waiters.push(context);
    for (let wakes = 0; wakes <= this.config.setBatch + 1; wakes++) {
      if (batch.applied) return;
      if (batch.flushing) {
        // Another writer is applying the batch: wait for it to finish (it wakes us), never
        // return before — this write is acknowledged only once it is committed.
        yield context.park();
        continue;
      }
      const wait = batch.lastAddNs + this.config.batchIdleNs - context.now();
      if (wait > 0) {
        yield context.park(wait);
        continue;
      }
      batch.waiters.splice(batch.waiters.indexOf(context), 1);
      yield* this.flush(context, batch, scratch);
      return;
    }
    throw new ScalioError(`SSD ${this.store.device}: a batched write woke more often than writes joined its batch`);
  }

  private *flush(context: StoreContext, batch: PendingBatch, scratch: ApplyScratch): Machine<void> {
    batch.flushing = true;
    if (this.current === batch) this.current = new PendingBatch();
    try {
      context.counters.add(Counter.batchesFlushed);
      context.counters.add(Counter.batchedWrites, batch.entries.length);
      yield* this.store.write(context, batch.entries, scratch, true);
    } finally {
      batch.applied = true;
      for (const waiter of batch.waiters) waiter.wake();
    }
  }
}

class PendingBatch {
  readonly entries: BatchEntry[] = [];
  readonly waiters: StoreContext[] = [];
  lastAddNs = 0;
  /** A writer has taken the batch to apply it; no entry may join it any more. */
  flushing = false;
  /** The batch is on the SSD and committed (or failed): its writers may reply. */
  applied = false;
}
