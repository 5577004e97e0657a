/**
 * Applying a batch of changes to one SSD's store: the one path every write takes — an
 * unbatched SET or DELETE (a batch of one), a flush of batched writes, and the relocation
 * of live values by garbage collection.
 *
 *   1. lock the batch's buckets (in id order: two batches never wait on each other in a cycle);
 *   2. read each bucket's chain (one NVMe read per distinct bucket);
 *   3. decide: each entry's status as if the batch's entries ran in order; the effect on
 *      the chain is each key's last write (deletions are applied here);
 *   4. append the values of the surviving SETs and live relocations to the value log: one
 *      NVMe write (whole blocks per value when unbatched; packed when batched);
 *   5. point the items at them, growing a chain by a block when its last one is full;
 *   6. append the changed chains to the bucket log: one NVMe write of all of them;
 *   7. commit: store each bucket's new index entry (one atomic 8-byte store each), then run
 *      the system's commit hook for each written key (Scalio invalidates its cache slots);
 *   8. unlock. The caller may now acknowledge.
 *
 * Until step 7, readers see the old versions in full: logs are only appended to. The caller
 * must have reserved log space for steps 4 and 6 (`DeviceStore.tryReserve`), or be the
 * garbage collector, which runs alone.
 */
import { valueRecordBlocks } from '../config.js';
import { ProtocolError } from '../errors.js';
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from '../layout/key.js';
import { BLOCK_BYTES, BUCKET_ITEMS_PER_BLOCK, CHAIN_BLOCKS_MAX, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import { RPC_STATUS_CHAIN_FULL, RPC_STATUS_NOT_FOUND, RPC_STATUS_OK } from '../layout/rpc.js';
import type { StoreContext } from './context.js';
import type { DeviceStore } from './device.js';
import { indexEntryAddress } from './geometry.js';

export const EntryKind = { set: 1, delete: 2, relocate: 3 } as const;

/** One change to apply. Created by the writer (or the garbage collector), completed with `status`. */
export interface BatchEntry {
  readonly kind: number;
  /** A prepared key descriptor (set, delete); 0 for a relocation, whose key is in its record. */
  readonly key: number;
  /** Relocation: the value record being moved (in the collector's segment buffer). */
  readonly record: number;
  /** Where the value's bytes are (set; a relocation copies its whole record). */
  readonly value: number;
  readonly valueLength: number;
  /** Relocation: the record's current byte offset on the device. */
  readonly oldOffset: number;
  readonly bucketId: number;
  /** The outcome, an RPC status; set when the batch has been applied. */
  status: number;
  /** Set by the batch: whether the entry's value is written, and where. */
  written: boolean;
  newOffset: number;
}

export function makeEntry(kind: number, key: number, value: number, valueLength: number, bucketId: number, record = 0, oldOffset = 0): BatchEntry {
  return { kind, key, record, value, valueLength, oldOffset, bucketId, status: RPC_STATUS_OK, written: false, newOffset: 0 };
}

/** Buffers of the machine applying a batch (its handler arena, or the device's GC scratch). */
export interface ApplyScratch {
  /** A key descriptor to materialise a relocation's key in. */
  readonly key: number;
  readonly valueStaging: number;
  readonly valueStagingBlocks: number;
  readonly bucketStaging: number;
  readonly bucketStagingBlocks: number;
}

export interface ApplyOptions {
  /** Pack small values into shared blocks (batched writes, GC) rather than a block each. */
  readonly pack: boolean;
  /** Run the system's commit hook (cache invalidation) for written keys; relocations need not. */
  readonly notify: boolean;
}

interface ChainWork {
  readonly bucketId: number;
  readonly entries: BatchEntry[];
  /** Where the chain sits in bucket staging, its length, and whether it must be written (a new bucket always is). */
  offsetBlocks: number;
  length: number;
  changed: boolean;
  /** Blocks of the version the index pointed at before this batch (0: a new bucket). */
  previousLength: number;
}

/** The key descriptor of an entry, materialised from its record for a relocation. */
function keyOf(context: StoreContext, entry: BatchEntry, scratch: ApplyScratch): number {
  if (entry.key !== 0) return entry.key;
  context.kernels.valueRecordKeyToDescriptor(entry.record, scratch.key);
  return scratch.key;
}

/** A key's bytes as a string, to recognise the same key within a batch. */
function keyName(context: StoreContext, key: number): string {
  const length = context.services.bytes[key + KEY_LENGTH_OFFSET];
  return String.fromCharCode(...context.services.bytes.subarray(key + KEY_BYTES_OFFSET, key + KEY_BYTES_OFFSET + length));
}

/** Applies `entries` (all of one device) and sets each entry's status. */
export function* applyBatch(context: StoreContext, store: DeviceStore, entries: readonly BatchEntry[], scratch: ApplyScratch, options: ApplyOptions): Machine<void> {
  const chains = groupByBucket(entries);
  // 1. Lock every bucket of the batch, in id order.
  for (const chain of chains) yield* context.server.locks.acquire(context, chain.bucketId);
  try {
    // The bucket staging holds as many chains as fit; a batch of long chains is applied in parts.
    let first = 0;
    while (first < chains.length) {
      let end = first;
      let blocks = 0;
      while (end < chains.length) {
        const length = Math.max(1, context.kernels.indexEntryChainLength(indexEntryAddress(context.layout.store, chains[end].bucketId)));
        const room = length + Math.ceil(chains[end].entries.length / BUCKET_ITEMS_PER_BLOCK) + 1;
        if (end > first && blocks + room > scratch.bucketStagingBlocks) break;
        chains[end].offsetBlocks = blocks;
        blocks += room;
        end++;
      }
      yield* applyChains(context, store, chains.slice(first, end), scratch, options);
      first = end;
    }
  } finally {
    for (const chain of chains) context.server.locks.release(chain.bucketId);
  }
}

function groupByBucket(entries: readonly BatchEntry[]): ChainWork[] {
  const byBucket = new Map<number, BatchEntry[]>();
  for (const entry of entries) {
    let list = byBucket.get(entry.bucketId);
    if (list === undefined) {
      list = [];
      byBucket.set(entry.bucketId, list);
    }
    list.push(entry);
  }
  return [...byBucket.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bucketId, list]) => ({ bucketId, entries: list, offsetBlocks: 0, length: 0, changed: false, previousLength: 0 }));
}

function* applyChains(context: StoreContext, store: DeviceStore, chains: ChainWork[], scratch: ApplyScratch, options: ApplyOptions): Machine<void> {
  const { kernels, layout, counters } = context;
  const geometry = layout.store;
  const device = store.device;
  const toWrite: BatchEntry[] = [];
  let deadValueBlocks = 0;

  // 2. Read the buckets' chains, all submitted at once (a new bucket starts as one empty block).
  const reads = context.nvmeReadBatch(device);
  for (const chain of chains) {
    const address = scratch.bucketStaging + chain.offsetBlocks * BLOCK_BYTES;
    const entry = indexEntryAddress(geometry, chain.bucketId);
    chain.length = kernels.indexEntryChainLength(entry);
    chain.previousLength = chain.length;
    if (chain.length > 0) {
      context.addRead(kernels.indexEntryBlock(entry), chain.length, address);
    } else {
      chain.length = 1;
      chain.changed = true;
      kernels.chainInit(address, 1, chain.bucketId);
    }
  }
  if (reads.rangeCount > 0) yield reads;
  for (const chain of chains) {
    const address = scratch.bucketStaging + chain.offsetBlocks * BLOCK_BYTES;
    if (!chain.changed && kernels.chainCheck(address, chain.length, chain.bucketId) === 0) {
      throw new ProtocolError(`SSD ${device}: the chain the index holds for bucket ${chain.bucketId} names another bucket or was never written`);
    }

    // 3. Decide: statuses come from applying the entries in order; the effect on the
    //    chain is only each key's last accepted write (a SET overwritten in the same batch
    //    happened and was overwritten at once, so its value is never written).
    let items = kernels.chainItemCount(address, chain.length);
    const present = new Map<string, boolean>();
    const lastWrite = new Map<string, BatchEntry>();
    for (const current of chain.entries) {
      if (current.kind === EntryKind.relocate) continue;
      const name = keyName(context, current.key);
      const before = present.get(name) ?? kernels.chainFind(address, chain.length, current.key) >= 0;
      if (current.kind === EntryKind.set) {
        if (!before && items >= CHAIN_BLOCKS_MAX * BUCKET_ITEMS_PER_BLOCK) {
          current.status = RPC_STATUS_CHAIN_FULL;
          present.set(name, before);
          continue;
        }
        if (!before) items++;
        present.set(name, true);
      } else {
        current.status = before ? RPC_STATUS_OK : RPC_STATUS_NOT_FOUND;
        if (before) items--;
        present.set(name, false);
      }
      lastWrite.set(name, current);
    }
    for (const last of lastWrite.values()) {
      // The value this write replaces or deletes is garbage from now on (counted in whole
      // blocks, as if written unpacked: an estimate that errs high, see DeviceStore).
      const replaced = kernels.chainFind(address, chain.length, last.key);
      if (replaced >= 0) deadValueBlocks += valueRecordBlocks(kernels.keyLengthOf(last.key), kernels.itemValueLength(address, replaced));
      if (last.kind === EntryKind.set) {
        toWrite.push(last);
      } else if (replaced >= 0) {
        chain.length = kernels.chainDelete(address, chain.length, last.key);
        chain.changed = true;
      }
    }
    // Relocations (garbage collection): a record is live if its key's item still points at it.
    for (const current of chain.entries) {
      if (current.kind !== EntryKind.relocate) continue;
      const key = keyOf(context, current, scratch);
      const item = kernels.chainFind(address, chain.length, key);
      if (item >= 0 && kernels.itemValueOffset(address, item) === current.oldOffset) toWrite.push(current);
    }
  }

  // 4. Append the surviving values to the value log, in one write.
  if (toWrite.length > 0) {
    const blocks = packValues(context, toWrite, scratch, options.pack, store.nextSequence());
    const position = store.values.allocate(blocks);
    const firstBlock = store.values.blockOf(position);
    for (const entry of toWrite) {
      entry.newOffset += firstBlock * BLOCK_BYTES;
      entry.written = true;
    }
    yield context.nvmeWrite(device, firstBlock, blocks, scratch.valueStaging);
  }

  // 5. Point the items at the new values.
  for (const entry of toWrite) {
    const chain = chains.find((candidate) => candidate.bucketId === entry.bucketId) as ChainWork;
    const address = scratch.bucketStaging + chain.offsetBlocks * BLOCK_BYTES;
    const key = keyOf(context, entry, scratch);
    if (entry.kind === EntryKind.relocate) {
      chain.changed = kernels.chainRelocate(address, chain.length, key, entry.oldOffset, entry.newOffset) === 1 || chain.changed;
      continue;
    }
    if (kernels.chainUpsert(address, chain.length, key, entry.valueLength, entry.newOffset) < 0) {
      kernels.chainGrow(address, chain.length);
      chain.length++;
      if (kernels.chainUpsert(address, chain.length, key, entry.valueLength, entry.newOffset) < 0) {
        throw new Error(`bucket ${entry.bucketId}: no room for an item right after growing its chain`);
      }
    }
    chain.changed = true;
  }

  // 6. Append every changed chain to the bucket log, in one write. Chains are laid out
  //    back to back first: in staging each one had room to grow after it.
  const changed = chains.filter((chain) => chain.changed);
  if (changed.length > 0) {
    let blocks = 0;
    for (const chain of changed) {
      if (chain.offsetBlocks !== blocks) {
        kernels.copyBytes(scratch.bucketStaging + blocks * BLOCK_BYTES, scratch.bucketStaging + chain.offsetBlocks * BLOCK_BYTES, chain.length * BLOCK_BYTES);
        chain.offsetBlocks = blocks;
      }
      blocks += chain.length;
    }
    const sequence = store.nextSequence();
    for (const chain of changed) kernels.chainStamp(scratch.bucketStaging + chain.offsetBlocks * BLOCK_BYTES, chain.length, chain.bucketId, sequence);
    const position = store.buckets.allocate(blocks);
    const firstBlock = store.buckets.blockOf(position);
    yield context.nvmeWrite(device, firstBlock, blocks, scratch.bucketStaging);

    // 7. Commit: the new versions become the ones readers find, and the old ones garbage.
    let deadChainBlocks = 0;
    for (const chain of changed) {
      kernels.indexEntryWrite(indexEntryAddress(geometry, chain.bucketId), firstBlock + chain.offsetBlocks, chain.length);
      deadChainBlocks += chain.previousLength;
    }
    store.noteGarbage(0, deadChainBlocks);
  }
  store.noteGarbage(deadValueBlocks, 0);
  if (options.notify) {
    for (const chain of chains) {
      for (const entry of chain.entries) {
        if (entry.kind !== EntryKind.relocate && entry.status === RPC_STATUS_OK) context.server.afterCommit(context, entry.key);
      }
    }
  }
  counters.add(Counter.storeAppends);
}

/**
 * Lays the values of `entries` out in value staging as records; sets each entry's offset
 * relative to the first block, and returns the blocks used. Packed: small records share
 * blocks (never straddling one); a record larger than a block starts on a block boundary.
 */
function packValues(context: StoreContext, entries: readonly BatchEntry[], scratch: ApplyScratch, pack: boolean, sequence: number): number {
  const { kernels } = context;
  let block = 0;
  let offset = 0;
  kernels.zeroBytes(scratch.valueStaging, scratch.valueStagingBlocks * BLOCK_BYTES);
  for (const entry of entries) {
    const key = keyOf(context, entry, scratch);
    const bytes = VALUE_RECORD_HEADER_BYTES + kernels.keyLengthOf(key) + entry.valueLength;
    if (offset > 0 && (!pack || bytes > BLOCK_BYTES || offset + bytes > BLOCK_BYTES)) {
      block++;
      offset = 0;
    }
    const recordBlocks = valueRecordBlocks(kernels.keyLengthOf(key), entry.valueLength);
    if (block + recordBlocks > scratch.valueStagingBlocks) throw new Error(`value staging of ${scratch.valueStagingBlocks} blocks cannot hold this batch`);
    const record = scratch.valueStaging + block * BLOCK_BYTES + offset;
    // A relocated record is copied whole (continuations too) and stamped with this append's sequence.
    if (entry.kind === EntryKind.relocate) kernels.valueRecordRelocate(record, entry.record, sequence);
    else kernels.valueRecordWrite(record, key, entry.value, entry.valueLength, sequence);
    entry.newOffset = block * BLOCK_BYTES + offset;
    if (bytes > BLOCK_BYTES) {
      block += recordBlocks;
      offset = 0;
    } else {
      offset += bytes;
    }
  }
  return offset > 0 ? block + 1 : block;
}
