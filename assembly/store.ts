/**
 * LEED's on-SSD structures: bucket chains, items, value records and DRAM index entries.
 * Layout: src/layout/store.ts. All functions work on local buffers (blocks read from an SSD
 * into an arena) except the index-entry ones, which work on DPU DRAM atomically.
 *
 * A chain keeps its items packed: every block but the last holds 16 items, the last holds
 * `itemCount` items in its first slots. Inserting appends; deleting moves the chain's last
 * item into the hole (LEED fills the hole from the chain's last bucket).
 */
import {
  BLOCK_BYTES, BUCKET_ID_OFFSET, BUCKET_CHAIN_LENGTH_OFFSET, BUCKET_CHAIN_INDEX_OFFSET,
  BUCKET_ITEM_COUNT_OFFSET, BUCKET_SEQUENCE_OFFSET, BUCKET_HEADER_BYTES, BUCKET_ITEMS_PER_BLOCK,
  ITEM_BYTES, ITEM_KEY_LENGTH_OFFSET, ITEM_KEY_OFFSET, ITEM_KEY_BYTES_MAX, ITEM_VALUE_LENGTH_OFFSET,
  ITEM_VALUE_OFFSET_OFFSET, VALUE_RECORD_KEY_LENGTH_OFFSET, VALUE_RECORD_VALUE_LENGTH_OFFSET,
  VALUE_RECORD_SEQUENCE_OFFSET, VALUE_RECORD_HEADER_BYTES, VALUE_RECORD_MARKER_OFFSET, VALUE_RECORD_MARKER,
  VALUE_CONTINUATION_ZERO_OFFSET, VALUE_CONTINUATION_MARKER_OFFSET, VALUE_CONTINUATION_MARKER, VALUE_CONTINUATION_PIECE_OFFSET,
  VALUE_CONTINUATION_SEQUENCE_OFFSET, VALUE_CONTINUATION_HEADER_BYTES, VALUE_CONTINUATION_PAYLOAD_BYTES,
  INDEX_BLOCK_BITS, INDEX_CHAIN_LENGTH_SHIFT,
  INDEX_CHAIN_LENGTH_MASK,
} from "../src/layout/store";
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from "../src/layout/key";
import { placementHigh, keyLengthOf, bytesEqual, prepareKey } from "./key";

// @ts-ignore: decorator
@inline function load48(address: usize): u64 {
  return <u64>load<u32>(address) | (<u64>load<u16>(address, 4) << 32);
}

// @ts-ignore: decorator
@inline function store48(address: usize, value: u64): void {
  store<u32>(address, <u32>value);
  store<u16>(address, <u16>(value >> 32), 4);
}

// @ts-ignore: decorator
@inline function blockAt(chain: usize, block: i32): usize {
  return chain + <usize>(block * BLOCK_BYTES);
}

// @ts-ignore: decorator
@inline function itemAddress(chain: usize, item: i32): usize {
  const block = item / BUCKET_ITEMS_PER_BLOCK;
  const slot = item % BUCKET_ITEMS_PER_BLOCK;
  return chain + <usize>(block * BLOCK_BYTES + BUCKET_HEADER_BYTES + slot * ITEM_BYTES);
}

// @ts-ignore: decorator
@inline function itemCountOf(chain: usize, block: i32): i32 {
  return <i32>load<u8>(blockAt(chain, block), BUCKET_ITEM_COUNT_OFFSET);
}

/** The global store bucket id of a key: the top `bucketIdBits` bits of its placement hash. */
export function storeBucketIdOf(descriptor: usize, bucketIdBits: i32): f64 {
  return <f64>(placementHigh(descriptor) >> <u64>(64 - bucketIdBits));
}

/** Zeroes `blocks` blocks at `chain` and names them bucket `bucketId` (a new, empty chain). */
export function chainInit(chain: usize, blocks: i32, bucketId: f64): void {
  memory.fill(chain, 0, <usize>(blocks * BLOCK_BYTES));
  for (let i = 0; i < blocks; i++) store48(blockAt(chain, i) + BUCKET_ID_OFFSET, <u64>bucketId);
}

/**
 * Stamps every block header of a chain about to be written: bucket id, chain length, the
 * block's index and the write sequence. All blocks of a version agree on these.
 */
export function chainStamp(chain: usize, blocks: i32, bucketId: f64, sequence: f64): void {
  for (let i = 0; i < blocks; i++) {
    const block = blockAt(chain, i);
    store48(block + BUCKET_ID_OFFSET, <u64>bucketId);
    store<u8>(block, <u8>blocks, BUCKET_CHAIN_LENGTH_OFFSET);
    store<u8>(block, <u8>i, BUCKET_CHAIN_INDEX_OFFSET);
    store48(block + BUCKET_SEQUENCE_OFFSET, <u64>sequence);
  }
}

/**
 * Checks a chain a reader fetched through the index: every block names bucket `bucketId`,
 * the chain length `blocks`, its own position, and the same nonzero write sequence. Returns
 * 1 if so. A reader whose index entry went stale (the chain was moved) sees other data
 * here; one whose read raced a rewrite of the blocks after a lap of the log sees blocks of
 * two writes (each block is read whole, as an SSD's atomic unit, but not the command).
 */
export function chainCheck(chain: usize, blocks: i32, bucketId: f64): i32 {
  const sequence = load48(chain + BUCKET_SEQUENCE_OFFSET);
  if (sequence == 0) return 0;
  for (let i = 0; i < blocks; i++) {
    const block = blockAt(chain, i);
    if (load48(block + BUCKET_ID_OFFSET) != <u64>bucketId) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_LENGTH_OFFSET) != blocks) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_INDEX_OFFSET) != i) return 0;
    if (load48(block + BUCKET_SEQUENCE_OFFSET) != sequence) return 0;
  }
  return 1;
}

/**
 * For a restart: is the chain version starting at `chain` (as many blocks as its first
 * header says, all in the buffer) complete — every block with the same bucket id, length
 * and sequence, in order? A version whose write was cut short fails this.
 */
export function chainComplete(chain: usize, blocks: i32): i32 {
  const first = blockAt(chain, 0);
  const bucketId = load48(first + BUCKET_ID_OFFSET);
  const sequence = load48(first + BUCKET_SEQUENCE_OFFSET);
  if (sequence == 0 || <i32>load<u8>(first, BUCKET_CHAIN_LENGTH_OFFSET) != blocks) return 0;
  for (let i = 0; i < blocks; i++) {
    const block = blockAt(chain, i);
    if (load48(block + BUCKET_ID_OFFSET) != bucketId) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_LENGTH_OFFSET) != blocks) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_INDEX_OFFSET) != i) return 0;
    if (load48(block + BUCKET_SEQUENCE_OFFSET) != sequence) return 0;
    if (<i32>load<u8>(block, BUCKET_ITEM_COUNT_OFFSET) > BUCKET_ITEMS_PER_BLOCK) return 0;
  }
  return 1;
}

/** Header fields of a raw block, for scans of the bucket log (garbage collection, restart). */
export function blockBucketId(block: usize): f64 {
  return <f64>load48(block + BUCKET_ID_OFFSET);
}

export function blockChainLength(block: usize): i32 {
  return <i32>load<u8>(block, BUCKET_CHAIN_LENGTH_OFFSET);
}

export function blockChainIndex(block: usize): i32 {
  return <i32>load<u8>(block, BUCKET_CHAIN_INDEX_OFFSET);
}

export function blockSequence(block: usize): f64 {
  return <f64>load48(block + BUCKET_SEQUENCE_OFFSET);
}

/** The item index (block × 16 + item) of the key in a chain, or -1. */
export function chainFind(chain: usize, blocks: i32, descriptor: usize): i32 {
  const keyLength = keyLengthOf(descriptor);
  const key = descriptor + KEY_BYTES_OFFSET;
  if (keyLength == 16 && ITEM_KEY_OFFSET == ITEM_KEY_LENGTH_OFFSET + 1) return chainFindSixteen(chain, blocks, key);
  return chainFindAnyLength(chain, blocks, key, keyLength);
}

/**
 * `chainFind` for a key of any length (`keyLength` bytes at `key`). Exported so that it stays
 * a function of its own: compiled into `chainFind`, its loops made the engine spill the
 * 16-byte search's values (1.6 ns a find).
 */
export function chainFindAnyLength(chain: usize, blocks: i32, key: usize, keyLength: i32): i32 {
  for (let block = 0; block < blocks; block++) {
    const count = min(itemCountOf(chain, block), BUCKET_ITEMS_PER_BLOCK);
    // The item's address advances by ITEM_BYTES (itemAddress, without its division).
    let address = blockAt(chain, block) + BUCKET_HEADER_BYTES;
    for (let slot = 0; slot < count; slot++, address += ITEM_BYTES) {
      if (<i32>load<u8>(address, ITEM_KEY_LENGTH_OFFSET) != keyLength) continue;
      if (bytesEqual(address + ITEM_KEY_OFFSET, key, keyLength)) return block * BUCKET_ITEMS_PER_BLOCK + slot;
    }
  }
  return -1;
}

/**
 * `chainFind` for a 16-byte key (every YCSB key): an item's key length byte and key are 17
 * consecutive bytes, compared as the word at the length byte (the length and the key's first
 * 7 bytes), the next word (bytes 7 to 14) and the last byte. The key's words are read once;
 * another key's item differs in the first word (its bytes are a hash), one compare per item.
 */
function chainFindSixteen(chain: usize, blocks: i32, key: usize): i32 {
  const low = load<u64>(key);
  const high = load<u64>(key, 8);
  const first = (low << 8) | 16;
  const second = (low >> 56) | (high << 8);
  const last = <u32>(high >> 56);
  for (let block = 0; block < blocks; block++) {
    const count = min(itemCountOf(chain, block), BUCKET_ITEMS_PER_BLOCK);
    const start = blockAt(chain, block) + BUCKET_HEADER_BYTES + ITEM_KEY_LENGTH_OFFSET;
    const end = start + <usize>(count * ITEM_BYTES);
    // The address is the loop's only variable; the item's index is derived on a match.
    for (let address = start; address < end; address += ITEM_BYTES) {
      if (load<u64>(address) == first) {
        if (load<u64>(address, 8) == second && <u32>load<u8>(address, 16) == last) {
          return block * BUCKET_ITEMS_PER_BLOCK + <i32>((address - start) / ITEM_BYTES);
        }
      }
    }
  }
  return -1;
}

export function itemValueOffset(chain: usize, item: i32): f64 {
  return <f64>load48(itemAddress(chain, item) + ITEM_VALUE_OFFSET_OFFSET);
}

export function itemValueLength(chain: usize, item: i32): i32 {
  return <i32>load<u16>(itemAddress(chain, item), ITEM_VALUE_LENGTH_OFFSET);
}

/**
 * Points the key's item at a new value, appending an item if the key is new. Returns the
 * item index, or -1 if the key is new and the chain's last block is full (grow it first).
 */
export function chainUpsert(chain: usize, blocks: i32, descriptor: usize, valueLength: i32, valueOffset: f64): i32 {
  let item = chainFind(chain, blocks, descriptor);
  if (item < 0) {
    const lastBlock = blocks - 1;
    const count = itemCountOf(chain, lastBlock);
    if (count >= BUCKET_ITEMS_PER_BLOCK) return -1;
    item = lastBlock * BUCKET_ITEMS_PER_BLOCK + count;
    const address = itemAddress(chain, item);
    const keyLength = keyLengthOf(descriptor);
    memory.fill(address, 0, ITEM_BYTES);
    store<u8>(address, <u8>keyLength, ITEM_KEY_LENGTH_OFFSET);
    memory.copy(address + ITEM_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, <usize>keyLength);
    store<u8>(blockAt(chain, lastBlock), <u8>(count + 1), BUCKET_ITEM_COUNT_OFFSET);
  }
  const address = itemAddress(chain, item);
  store<u16>(address, <u16>valueLength, ITEM_VALUE_LENGTH_OFFSET);
  store48(address + ITEM_VALUE_OFFSET_OFFSET, <u64>valueOffset);
  return item;
}

/** Adds an empty block at the end of a chain of `blocks` blocks (the buffer must have room). */
export function chainGrow(chain: usize, blocks: i32): void {
  const block = blockAt(chain, blocks);
  memory.fill(block, 0, BLOCK_BYTES);
  store48(block + BUCKET_ID_OFFSET, load48(chain + BUCKET_ID_OFFSET));
}

/**
 * Removes the key's item, moving the chain's last item into its place. Returns the chain's
 * new length in blocks (a last block left empty is dropped, but a chain keeps at least one
 * block), or -1 if the key is not in the chain.
 */
export function chainDelete(chain: usize, blocks: i32, descriptor: usize): i32 {
  const item = chainFind(chain, blocks, descriptor);
  if (item < 0) return -1;
  const lastBlock = blocks - 1;
  const lastCount = itemCountOf(chain, lastBlock);
  const lastItem = lastBlock * BUCKET_ITEMS_PER_BLOCK + lastCount - 1;
  if (lastItem != item) memory.copy(itemAddress(chain, item), itemAddress(chain, lastItem), ITEM_BYTES);
  memory.fill(itemAddress(chain, lastItem), 0, ITEM_BYTES);
  store<u8>(blockAt(chain, lastBlock), <u8>(lastCount - 1), BUCKET_ITEM_COUNT_OFFSET);
  return lastCount == 1 && blocks > 1 ? blocks - 1 : blocks;
}

/**
 * Garbage collection moved the key's value from `oldOffset` to `newOffset`: points the item
 * there if it still points at the old record. Returns 1 if it did, 0 if the record was dead.
 */
export function chainRelocate(chain: usize, blocks: i32, descriptor: usize, oldOffset: f64, newOffset: f64): i32 {
  const item = chainFind(chain, blocks, descriptor);
  if (item < 0) return 0;
  const address = itemAddress(chain, item);
  if (load48(address + ITEM_VALUE_OFFSET_OFFSET) != <u64>oldOffset) return 0;
  store48(address + ITEM_VALUE_OFFSET_OFFSET, <u64>newOffset);
  return 1;
}

/** The number of items in use in a chain. */
export function chainItemCount(chain: usize, blocks: i32): i32 {
  let count = 0;
  for (let i = 0; i < blocks; i++) count += itemCountOf(chain, i);
  return count;
}

// @ts-ignore: decorator
@inline function recordBlocks(keyLength: i32, valueLength: i32): i32 {
  const bytes = VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
  return bytes <= BLOCK_BYTES ? 1 : 1 + (bytes - BLOCK_BYTES + VALUE_CONTINUATION_PAYLOAD_BYTES - 1) / VALUE_CONTINUATION_PAYLOAD_BYTES;
}

/** Blocks a value record takes (the same count as `valueRecordBlocks` in src/config.ts). */
export function valueRecordBlocks(keyLength: i32, valueLength: i32): i32 {
  return recordBlocks(keyLength, valueLength);
}

/** Value bytes in a record's first block. */
// @ts-ignore: decorator
@inline function firstBlockValueBytes(keyLength: i32, valueLength: i32): i32 {
  return min(valueLength, BLOCK_BYTES - VALUE_RECORD_HEADER_BYTES - keyLength);
}

/** Stamps `sequence` into a record's header and each of its continuations (the record's lengths are set). */
function stampRecord(record: usize, sequence: u64): void {
  store48(record + VALUE_RECORD_SEQUENCE_OFFSET, sequence);
  const blocks = recordBlocks(<i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET), <i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET));
  for (let piece = 1; piece < blocks; piece++) {
    const block = blockAt(record, piece);
    store<u8>(block, 0, VALUE_CONTINUATION_ZERO_OFFSET);
    store<u8>(block, VALUE_CONTINUATION_MARKER, VALUE_CONTINUATION_MARKER_OFFSET);
    store<u16>(block, <u16>piece, VALUE_CONTINUATION_PIECE_OFFSET);
    store48(block + VALUE_CONTINUATION_SEQUENCE_OFFSET, sequence);
  }
}

/**
 * Writes the value record of the key and value at `record` (at a block's start if it takes
 * more than one block), continuations included; returns its size in bytes in the log.
 */
export function valueRecordWrite(record: usize, descriptor: usize, value: usize, valueLength: i32, sequence: f64): i32 {
  const keyLength = keyLengthOf(descriptor);
  store<u8>(record, <u8>keyLength, VALUE_RECORD_KEY_LENGTH_OFFSET);
  store<u8>(record, VALUE_RECORD_MARKER, VALUE_RECORD_MARKER_OFFSET);
  store<u16>(record, <u16>valueLength, VALUE_RECORD_VALUE_LENGTH_OFFSET);
  memory.copy(record + VALUE_RECORD_HEADER_BYTES, descriptor + KEY_BYTES_OFFSET, <usize>keyLength);
  const first = firstBlockValueBytes(keyLength, valueLength);
  memory.copy(record + VALUE_RECORD_HEADER_BYTES + <usize>keyLength, value, <usize>first);
  let copied = first;
  for (let piece = 1; copied < valueLength; piece++) {
    const chunk = min(valueLength - copied, VALUE_CONTINUATION_PAYLOAD_BYTES);
    memory.copy(blockAt(record, piece) + VALUE_CONTINUATION_HEADER_BYTES, value + <usize>copied, <usize>chunk);
    copied += chunk;
  }
  stampRecord(record, <u64>sequence);
  return valueRecordLogBytes(record);
}

/** Bytes from a record's start to its end in the log, continuation headers included. */
function valueRecordLogBytes(record: usize): i32 {
  const keyLength = <i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET);
  const valueLength = <i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET);
  const blocks = recordBlocks(keyLength, valueLength);
  if (blocks == 1) return VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
  const rest = valueLength - firstBlockValueBytes(keyLength, valueLength) - (blocks - 2) * VALUE_CONTINUATION_PAYLOAD_BYTES;
  return (blocks - 1) * BLOCK_BYTES + VALUE_CONTINUATION_HEADER_BYTES + rest;
}

/**
 * Copies the record at `source` (garbage collection moving a live value) to `record`,
 * stamped with the moving append's `sequence`.
 */
export function valueRecordRelocate(record: usize, source: usize, sequence: f64): void {
  memory.copy(record, source, <usize>valueRecordLogBytes(source));
  stampRecord(record, <u64>sequence);
}

/** Copies a record's value (gathered from its blocks) to `output`; returns its length. */
export function valueRecordCopyValue(record: usize, output: usize): i32 {
  const keyLength = <i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET);
  const valueLength = <i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET);
  const first = firstBlockValueBytes(keyLength, valueLength);
  memory.copy(output, record + VALUE_RECORD_HEADER_BYTES + <usize>keyLength, <usize>first);
  let copied = first;
  for (let piece = 1; copied < valueLength; piece++) {
    const chunk = min(valueLength - copied, VALUE_CONTINUATION_PAYLOAD_BYTES);
    memory.copy(output + <usize>copied, blockAt(record, piece) + VALUE_CONTINUATION_HEADER_BYTES, <usize>chunk);
    copied += chunk;
  }
  return valueLength;
}

/**
 * 1 if every block of the record at `record` (as its header counts them, all read into the
 * buffer) is of the write that wrote its header: each continuation is marked, in its place,
 * and carries the header's sequence.
 */
export function valueRecordComplete(record: usize): i32 {
  const sequence = load48(record + VALUE_RECORD_SEQUENCE_OFFSET);
  const blocks = recordBlocks(<i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET), <i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET));
  for (let piece = 1; piece < blocks; piece++) {
    const block = blockAt(record, piece);
    if (load<u8>(block, VALUE_CONTINUATION_ZERO_OFFSET) != 0 || load<u8>(block, VALUE_CONTINUATION_MARKER_OFFSET) != VALUE_CONTINUATION_MARKER) return 0;
    if (<i32>load<u16>(block, VALUE_CONTINUATION_PIECE_OFFSET) != piece) return 0;
    if (load48(block + VALUE_CONTINUATION_SEQUENCE_OFFSET) != sequence) return 0;
  }
  return 1;
}

/**
 * The write sequence of the value-log block at `block` (read whole): its first record's or
 * its continuation's; 0 if no value-log write has reached it.
 */
export function valueBlockSequence(block: usize): f64 {
  const marker = load<u8>(block, VALUE_RECORD_MARKER_OFFSET);
  if (valueRecordStarts(block) == 1) return <f64>load48(block + VALUE_RECORD_SEQUENCE_OFFSET);
  if (load<u8>(block, VALUE_CONTINUATION_ZERO_OFFSET) == 0 && marker == VALUE_CONTINUATION_MARKER) return <f64>load48(block + VALUE_CONTINUATION_SEQUENCE_OFFSET);
  return 0;
}

/** 1 if the value record at `record` holds the key with a value of `valueLength` bytes. */
export function valueRecordMatches(record: usize, descriptor: usize, valueLength: i32): i32 {
  const keyLength = keyLengthOf(descriptor);
  if (<i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET) != keyLength) return 0;
  if (<i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET) != valueLength) return 0;
  return bytesEqual(record + VALUE_RECORD_HEADER_BYTES, descriptor + KEY_BYTES_OFFSET, keyLength) ? 1 : 0;
}

/**
 * For scans of the value log (garbage collection, restart): does a record start here? Its
 * key length must be plausible and its marker present; 0 where a block's records end.
 */
export function valueRecordStarts(record: usize): i32 {
  const keyLength = <i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET);
  return keyLength >= 1 && keyLength <= ITEM_KEY_BYTES_MAX && load<u8>(record, VALUE_RECORD_MARKER_OFFSET) == VALUE_RECORD_MARKER ? 1 : 0;
}

/** Fields of a raw value record, for scans of the value log (garbage collection, restart). */
export function valueRecordKeyLength(record: usize): i32 {
  return <i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET);
}

export function valueRecordValueLength(record: usize): i32 {
  return <i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET);
}

export function valueRecordSequence(record: usize): f64 {
  return <f64>load48(record + VALUE_RECORD_SEQUENCE_OFFSET);
}

/** Copies a value record's key into a key descriptor and prepares it (hashes it). */
export function valueRecordKeyToDescriptor(record: usize, descriptor: usize): void {
  const keyLength = min(<i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET), ITEM_KEY_BYTES_MAX);
  store<u8>(descriptor, <u8>keyLength, KEY_LENGTH_OFFSET);
  memory.copy(descriptor + KEY_BYTES_OFFSET, record + VALUE_RECORD_HEADER_BYTES, <usize>keyLength);
  prepareKey(descriptor);
}

/** Copies item `item`'s key of a chain into a key descriptor and prepares it. */
export function itemKeyToDescriptor(chain: usize, item: i32, descriptor: usize): void {
  const address = itemAddress(chain, item);
  const keyLength = min(<i32>load<u8>(address, ITEM_KEY_LENGTH_OFFSET), ITEM_KEY_BYTES_MAX);
  store<u8>(descriptor, <u8>keyLength, KEY_LENGTH_OFFSET);
  memory.copy(descriptor + KEY_BYTES_OFFSET, address + ITEM_KEY_OFFSET, <usize>keyLength);
  prepareKey(descriptor);
}

// @ts-ignore: decorator
@inline function indexBlockMask(): u64 {
  return (<u64>1 << INDEX_BLOCK_BITS) - 1;
}

/** The first block of the chain an index entry points at (an atomic 8-byte load). */
export function indexEntryBlock(entry: usize): f64 {
  return <f64>(atomic.load<u64>(entry) & indexBlockMask());
}

/** The chain length of an index entry; 0 means the bucket has never been written. */
export function indexEntryChainLength(entry: usize): i32 {
  return <i32>((atomic.load<u64>(entry) >> INDEX_CHAIN_LENGTH_SHIFT) & INDEX_CHAIN_LENGTH_MASK);
}

/** Commits an index entry with one atomic 8-byte store, so RDMA readers see old or new, never half. */
export function indexEntryWrite(entry: usize, block: f64, chainLength: i32): void {
  atomic.store<u64>(entry, (<u64>block & indexBlockMask()) | (<u64>chainLength << INDEX_CHAIN_LENGTH_SHIFT));
}
