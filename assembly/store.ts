/**
 * LEED's on-SSD structures: bucket chains, items, value records and DRAM index entries.
 * Layout: src/layout/store.ts. All functions work on local buffers (a block read from an
 * SSD into an arena) except the index-entry ones, which work on DPU DRAM atomically.
 */
import {
  BLOCK_BYTES, BUCKET_ID_OFFSET, BUCKET_CHAIN_LENGTH_OFFSET, BUCKET_CHAIN_INDEX_OFFSET,
  BUCKET_ITEM_COUNT_OFFSET, BUCKET_SEQUENCE_OFFSET, BUCKET_HEADER_BYTES, BUCKET_ITEMS_PER_BLOCK,
  ITEM_BYTES, ITEM_KEY_LENGTH_OFFSET, ITEM_KEY_OFFSET, ITEM_KEY_BYTES_MAX, ITEM_VALUE_LENGTH_OFFSET,
  ITEM_VALUE_OFFSET_OFFSET, VALUE_RECORD_KEY_LENGTH_OFFSET, VALUE_RECORD_VALUE_LENGTH_OFFSET,
  VALUE_RECORD_HEADER_BYTES, INDEX_BLOCK_BITS, INDEX_CHAIN_LENGTH_SHIFT, INDEX_CHAIN_LENGTH_MASK,
} from "../src/layout/store";
import { KEY_BYTES_OFFSET } from "../src/layout/key";
import { placementHigh, keyLengthOf, bytesEqual } from "./key";

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
@inline function itemAddress(chain: usize, item: i32): usize {
  const block = item / BUCKET_ITEMS_PER_BLOCK;
  const slot = item % BUCKET_ITEMS_PER_BLOCK;
  return chain + <usize>(block * BLOCK_BYTES + BUCKET_HEADER_BYTES + slot * ITEM_BYTES);
}

/** The global store bucket id of a key: the top `bucketIdBits` bits of its placement hash. */
export function storeBucketIdOf(descriptor: usize, bucketIdBits: i32): f64 {
  return <f64>(placementHigh(descriptor) >> <u64>(64 - bucketIdBits));
}

/** Zeroes `blocks` blocks at `chain` and writes their headers for bucket `bucketId`. */
export function chainInit(chain: usize, blocks: i32, bucketId: f64): void {
  memory.fill(chain, 0, <usize>(blocks * BLOCK_BYTES));
  for (let i = 0; i < blocks; i++) {
    const block = chain + <usize>(i * BLOCK_BYTES);
    store48(block + BUCKET_ID_OFFSET, <u64>bucketId);
    store<u8>(block, <u8>blocks, BUCKET_CHAIN_LENGTH_OFFSET);
    store<u8>(block, <u8>i, BUCKET_CHAIN_INDEX_OFFSET);
  }
}

/** Writes the write sequence number into every block header of a chain about to be written. */
export function chainStamp(chain: usize, blocks: i32, sequence: f64): void {
  for (let i = 0; i < blocks; i++) store48(chain + <usize>(i * BLOCK_BYTES) + BUCKET_SEQUENCE_OFFSET, <u64>sequence);
}

/**
 * Checks a chain read from an SSD: every block names bucket `bucketId`, the chain length
 * `blocks`, its own position, and has been written. Returns 1 if so. A reader whose index
 * entry was stale (the chain moved) sees another bucket's or an unwritten block here.
 */
export function chainCheck(chain: usize, blocks: i32, bucketId: f64): i32 {
  for (let i = 0; i < blocks; i++) {
    const block = chain + <usize>(i * BLOCK_BYTES);
    if (load48(block + BUCKET_ID_OFFSET) != <u64>bucketId) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_LENGTH_OFFSET) != blocks) return 0;
    if (<i32>load<u8>(block, BUCKET_CHAIN_INDEX_OFFSET) != i) return 0;
    if (load48(block + BUCKET_SEQUENCE_OFFSET) == 0) return 0;
  }
  return 1;
}

/** The item index (block × 16 + item) of the key in a chain, or -1. */
export function chainFind(chain: usize, blocks: i32, descriptor: usize): i32 {
  const keyLength = keyLengthOf(descriptor);
  const key = descriptor + KEY_BYTES_OFFSET;
  const items = blocks * BUCKET_ITEMS_PER_BLOCK;
  for (let item = 0; item < items; item++) {
    const address = itemAddress(chain, item);
    if (<i32>load<u8>(address, ITEM_KEY_LENGTH_OFFSET) != keyLength) continue;
    if (bytesEqual(address + ITEM_KEY_OFFSET, key, keyLength)) return item;
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
 * Points the key's item at a new value (inserting it into the first free item if the key
 * is new). Returns the item index, or -1 if the key is new and the chain has no free item.
 */
export function chainUpsert(chain: usize, blocks: i32, descriptor: usize, valueLength: i32, valueOffset: f64): i32 {
  let item = chainFind(chain, blocks, descriptor);
  if (item < 0) {
    const items = blocks * BUCKET_ITEMS_PER_BLOCK;
    for (let candidate = 0; candidate < items; candidate++) {
      if (load<u8>(itemAddress(chain, candidate), ITEM_KEY_LENGTH_OFFSET) == 0) {
        item = candidate;
        break;
      }
    }
    if (item < 0) return -1;
    const address = itemAddress(chain, item);
    const keyLength = keyLengthOf(descriptor);
    store<u8>(address, <u8>keyLength, ITEM_KEY_LENGTH_OFFSET);
    memory.copy(address + ITEM_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, <usize>keyLength);
    memory.fill(address + ITEM_KEY_OFFSET + <usize>keyLength, 0, <usize>(ITEM_KEY_BYTES_MAX - keyLength));
    const block = chain + <usize>(item / BUCKET_ITEMS_PER_BLOCK * BLOCK_BYTES);
    store<u8>(block, load<u8>(block, BUCKET_ITEM_COUNT_OFFSET) + 1, BUCKET_ITEM_COUNT_OFFSET);
  }
  const address = itemAddress(chain, item);
  store<u16>(address, <u16>valueLength, ITEM_VALUE_LENGTH_OFFSET);
  store48(address + ITEM_VALUE_OFFSET_OFFSET, <u64>valueOffset);
  return item;
}

/** The number of items in use in a chain. */
export function chainItemCount(chain: usize, blocks: i32): i32 {
  let count = 0;
  for (let i = 0; i < blocks; i++) count += <i32>load<u8>(chain + <usize>(i * BLOCK_BYTES), BUCKET_ITEM_COUNT_OFFSET);
  return count;
}

/** Writes the value record of the key and value at `record`; returns its size in bytes. */
export function valueRecordWrite(record: usize, descriptor: usize, value: usize, valueLength: i32): i32 {
  const keyLength = keyLengthOf(descriptor);
  store<u8>(record, <u8>keyLength, VALUE_RECORD_KEY_LENGTH_OFFSET);
  store<u8>(record, 0, VALUE_RECORD_KEY_LENGTH_OFFSET + 1);
  store<u16>(record, <u16>valueLength, VALUE_RECORD_VALUE_LENGTH_OFFSET);
  memory.copy(record + VALUE_RECORD_HEADER_BYTES, descriptor + KEY_BYTES_OFFSET, <usize>keyLength);
  memory.copy(record + VALUE_RECORD_HEADER_BYTES + <usize>keyLength, value, <usize>valueLength);
  return VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
}

/** 1 if the value record at `record` holds the key with a value of `valueLength` bytes. */
export function valueRecordMatches(record: usize, descriptor: usize, valueLength: i32): i32 {
  const keyLength = keyLengthOf(descriptor);
  if (<i32>load<u8>(record, VALUE_RECORD_KEY_LENGTH_OFFSET) != keyLength) return 0;
  if (<i32>load<u16>(record, VALUE_RECORD_VALUE_LENGTH_OFFSET) != valueLength) return 0;
  return bytesEqual(record + VALUE_RECORD_HEADER_BYTES, descriptor + KEY_BYTES_OFFSET, keyLength) ? 1 : 0;
}

// @ts-ignore: decorator
@inline function indexBlockMask(): u64 {
  return (<u64>1 << INDEX_BLOCK_BITS) - 1;
}

/** The first block of the chain an index entry points at (an atomic 8-byte load). */
export function indexEntryBlock(entry: usize): f64 {
  return <f64>(atomic.load<u64>(entry) & indexBlockMask());
}

/** The chain length of an index entry; 0 means the bucket holds nothing. */
export function indexEntryChainLength(entry: usize): i32 {
  return <i32>((atomic.load<u64>(entry) >> INDEX_CHAIN_LENGTH_SHIFT) & INDEX_CHAIN_LENGTH_MASK);
}

/** Commits an index entry with one atomic 8-byte store, so RDMA readers see old or new, never half. */
export function indexEntryWrite(entry: usize, block: f64, chainLength: i32): void {
  atomic.store<u64>(entry, (<u64>block & indexBlockMask()) | (<u64>chainLength << INDEX_CHAIN_LENGTH_SHIFT));
}
