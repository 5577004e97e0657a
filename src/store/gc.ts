/**
 * Garbage collection of one SSD's two logs, run by the device's DPU core with the device's
 * writes held back (see device.ts). It works a segment at a time from each log's tail:
 *
 * - bucket log: read a segment; a chain version is live if the DRAM index still points at
 *   it; append the live chains at the head (one write), point the index at them, and
 *   release the segment;
 * - value log: read a segment and parse its records; a record is live if its key's item
 *   still points at it; relocate the live ones through `applyBatch` (their values appended
 *   packed, their chains rewritten), and release the segment.
 *
 * It stops when both logs have their target free space, or when a whole pass over a log
 * freed nothing: then the live data fills the log, and writes that need space are refused.
 */
import { ScalioError } from '../errors.js';
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { BLOCK_BYTES, CHAIN_BLOCKS_MAX, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import type { StoreContext } from './context.js';
import { type ApplyScratch, type BatchEntry, EntryKind, applyBatch, makeEntry } from './apply.js';
import type { Collector, DeviceStore } from './device.js';
import { valueRecordBlocks, valueRecordBlocksMax } from '../config.js';
import { BUCKET_STAGING_BLOCKS, indexEntryAddress, storeScratchLayout, valueStagingBlocks } from './geometry.js';
import { RingLog } from './ring.js';

export class GarbageCollector implements Collector {
  *collect(context: StoreContext, store: DeviceStore): Machine<void> {
    const scratch = gcScratch(context, store.device);
    // A pass over a log scans what was in use when it began, plus a segment of slack.
    let bucketBudget = store.buckets.used + context.layout.config.gcSegmentBlocks;
    let valueBudget = store.values.used + context.layout.config.gcSegmentBlocks;
    for (;;) {
      const wantBuckets = store.buckets.free - store.reserveBlocks < store.collectionTargetBlocks.buckets;
      const wantValues = store.values.free - store.reserveBlocks < store.collectionTargetBlocks.values;
      let worked = false;
      if (wantBuckets && bucketBudget > 0 && store.buckets.used > 0) {
        bucketBudget -= yield* collectBucketSegment(context, store, scratch);
        worked = true;
      }
      if (wantValues && valueBudget > 0 && store.values.used > 0) {
        const scanned = yield* collectValueSegment(context, store, scratch);
        // 0: its live values could not be moved (the bucket log is full of live chains).
        valueBudget = scanned === 0 ? 0 : valueBudget - scanned;
        worked = true;
      }
      if (!worked) return;
    }
  }
}

interface GcScratch extends ApplyScratch {
  /** Where a bucket-log segment is read (room for a longest chain running past it). */
  readonly bucketSegment: number;
  /** Where a value-log segment is read (room for a largest record running past it). */
  readonly valueSegment: number;
  readonly valueSegmentBlocks: number;
}

function gcScratch(context: StoreContext, device: number): GcScratch {
  const geometry = context.layout.store;
  const layout = storeScratchLayout(context.layout.config);
  const base = geometry.scratch.base + device * geometry.scratchBytesPerDevice;
  return {
    key: base + layout.key,
    bucketSegment: base + layout.bucketSegment,
    valueSegment: base + layout.valueSegment,
    valueSegmentBlocks: context.layout.config.gcSegmentBlocks + valueRecordBlocksMax(context.layout.config),
    valueStaging: base + layout.valueStaging,
    valueStagingBlocks: valueStagingBlocks(context.layout.config),
    bucketStaging: base + layout.bucketStaging,
    bucketStagingBlocks: BUCKET_STAGING_BLOCKS,
  };
}

/** Moves the live chains of the bucket log's tail segment to its head; returns the blocks released. */
function* collectBucketSegment(context: StoreContext, store: DeviceStore, scratch: GcScratch): Machine<number> {
  const { kernels, counters } = context;
  const geometry = context.layout.store;
  const log = store.buckets;
  const tail = log.tail;
  counters.add(Counter.gcBucketSegmentsStarted);
  let scanned = Math.min(context.layout.config.gcSegmentBlocks, log.blocksToRingEnd(tail), log.used);
  yield context.nvmeRead(store.device, log.blockOf(tail), scanned, scratch.bucketSegment);

  const moves: { bucketId: number; source: number; length: number }[] = [];
  for (let index = 0; index < scanned;) {
    const block = scratch.bucketSegment + index * BLOCK_BYTES;
    const bucketId = kernels.blockBucketId(block);
    const length = kernels.blockChainLength(block);
    const live = kernels.blockSequence(block) > 0
      && kernels.blockChainIndex(block) === 0
      && length >= 1 && length <= CHAIN_BLOCKS_MAX
      && bucketId < geometry.devices * geometry.bucketIdsPerDevice
      && bucketId % geometry.devices === store.device
      && kernels.indexEntryChainLength(indexEntryAddress(geometry, bucketId)) === length
      && kernels.indexEntryBlock(indexEntryAddress(geometry, bucketId)) === log.blockOf(tail + index);
    if (!live) {
      index++;
      continue;
    }
    if (index + length > scanned) {
      // The live chain runs past the segment: read its rest too (chains never wrap the ring).
      yield context.nvmeRead(store.device, log.blockOf(tail + scanned), index + length - scanned, scratch.bucketSegment + scanned * BLOCK_BYTES);
      scanned = index + length;
    }
    moves.push({ bucketId, source: block, length });
    index += length;
  }

  // Append the live chains at the head, as many per write as the staging holds.
  let first = 0;
  while (first < moves.length) {
    let blocks = 0;
    let end = first;
    while (end < moves.length && blocks + moves[end].length <= scratch.bucketStagingBlocks) {
      kernels.copyBytes(scratch.bucketStaging + blocks * BLOCK_BYTES, moves[end].source, moves[end].length * BLOCK_BYTES);
      blocks += moves[end].length;
      end++;
    }
    if (log.cost(blocks) > log.free) throw new ScalioError(`SSD ${store.device}: the bucket log has no room left to move live chains`);
    const sequence = store.nextSequence();
    let offset = 0;
    for (let move = first; move < end; move++) {
      kernels.chainStamp(scratch.bucketStaging + offset * BLOCK_BYTES, moves[move].length, moves[move].bucketId, sequence);
      offset += moves[move].length;
    }
    const position = log.allocate(blocks);
    const firstBlock = log.blockOf(position);
    yield context.nvmeWrite(store.device, firstBlock, blocks, scratch.bucketStaging);
    offset = 0;
    for (let move = first; move < end; move++) {
      kernels.indexEntryWrite(indexEntryAddress(geometry, moves[move].bucketId), firstBlock + offset, moves[move].length);
      offset += moves[move].length;
    }
    counters.add(Counter.gcBlocksMoved, blocks);
    first = end;
  }
  log.advanceTail(scanned);
  counters.add(Counter.gcBucketSegments);
  counters.add(Counter.gcBlocksScanned, scanned);
  return scanned;
}

/**
 * Relocates the live values of the value log's tail segment; returns the blocks released,
 * or 0 if it could not: relocating rewrites their chains, and the bucket log had no room
 * for them even after a pass of its own collection.
 */
function* collectValueSegment(context: StoreContext, store: DeviceStore, scratch: GcScratch): Machine<number> {
  const { kernels, counters } = context;
  const geometry = context.layout.store;
  const log = store.values;
  const tail = log.tail;
  counters.add(Counter.gcValueSegmentsStarted);
  let scanned = Math.min(context.layout.config.gcSegmentBlocks, log.blocksToRingEnd(tail), log.used);
  yield context.nvmeRead(store.device, log.blockOf(tail), scanned, scratch.valueSegment);

  const entries: BatchEntry[] = [];
  for (let index = 0; index < scanned; index++) {
    const block = scratch.valueSegment + index * BLOCK_BYTES;
    for (let offset = 0; offset + VALUE_RECORD_HEADER_BYTES <= BLOCK_BYTES;) {
      const record = block + offset;
      if (kernels.valueRecordStarts(record) === 0) break; // the block's records end here
      const keyLength = kernels.valueRecordKeyLength(record);
      const valueLength = kernels.valueRecordValueLength(record);
      const bytes = VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
      const spans = bytes > BLOCK_BYTES;
      if (spans ? offset !== 0 : offset + bytes > BLOCK_BYTES) break; // not a record: leftovers of an older pass
      const spanBlocks = valueRecordBlocks(keyLength, valueLength);
      if (spans && index + spanBlocks > scanned) {
        if (index + spanBlocks > log.blocksToRingEnd(tail) || index + spanBlocks > scratch.valueSegmentBlocks) break;
        yield context.nvmeRead(store.device, log.blockOf(tail + scanned), index + spanBlocks - scanned, scratch.valueSegment + scanned * BLOCK_BYTES);
        scanned = index + spanBlocks;
      }
      if (spans && kernels.valueRecordComplete(record) === 0) break; // not whole: an older lap's leftovers
      kernels.valueRecordKeyToDescriptor(record, scratch.key);
      const bucketId = kernels.storeBucketIdOf(scratch.key, geometry.bucketIdBits);
      if (bucketId % geometry.devices === store.device) {
        const deviceOffset = log.blockOf(tail + index) * BLOCK_BYTES + offset;
        entries.push(makeEntry(EntryKind.relocate, 0, 0, valueLength, bucketId, record, deviceOffset));
      }
      if (spans) {
        index += spanBlocks - 1;
        break;
      }
      offset += bytes;
    }
  }
  if (entries.length > 0) {
    // Relocating rewrites chains: make sure the bucket log has room for them first, with at
    // most one pass over it (when its live chains fill it, passing again frees nothing).
    const roomNeeded = () => store.buckets.free - store.reserveBlocks < 2 * entries.length;
    let bucketBudget = store.buckets.used + context.layout.config.gcSegmentBlocks;
    while (roomNeeded() && store.buckets.used > 0 && bucketBudget > 0) bucketBudget -= yield* collectBucketSegment(context, store, scratch);
    if (store.buckets.free < 2 * entries.length) return 0;
    // And the value log room for the values, packed (at worst twice their bytes) or in
    // whole blocks, with a skip at the ring's end: without it the live data fills the log.
    let valueBlocks = 0;
    for (const entry of entries) {
      const bytes = VALUE_RECORD_HEADER_BYTES + kernels.valueRecordKeyLength(entry.record) + entry.valueLength;
      valueBlocks += bytes <= BLOCK_BYTES ? (2 * bytes) / BLOCK_BYTES : valueRecordBlocks(kernels.valueRecordKeyLength(entry.record), entry.valueLength);
    }
    if (store.values.free < RingLog.worstCost(Math.ceil(valueBlocks))) return 0;
    yield* applyBatch(context, store, entries, scratch, { pack: true, notify: false });
    let moved = 0;
    for (const entry of entries) if (entry.written) moved++;
    counters.add(Counter.gcValuesMoved, moved);
  }
  log.advanceTail(scanned);
  counters.add(Counter.gcValueSegments);
  counters.add(Counter.gcBlocksScanned, scanned);
  return scanned;
}
