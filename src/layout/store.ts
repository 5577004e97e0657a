/**
 * LEED's data store on one SSD: 512-byte blocks, a bucket log, a value log, and an 8-byte
 * index entry per bucket in DPU DRAM.
 *
 * Device:
 * ```
 *  block 0                       superblock (layout parameters; lets a restart check an image)
 *  [bucketLogStart, +bucketLogBlocks)   bucket log: a ring of bucket chain versions
 *  [valueLogStart,  +valueLogBlocks)    value log: a ring of value records
 * ```
 * Both logs are appended at their head and garbage-collected at their tail. An append is
 * contiguous: one that would run past the end of the ring starts at its beginning instead.
 *
 * Bucket block (one 512-byte block; a chain is consecutive blocks):
 * ```
 *  +0  bucketId      u48  global bucket id
 *  +6  chainLength   u8   blocks in this chain version
 *  +7  chainIndex    u8   this block's place in the chain
 *  +8  itemCount     u8   items in use in this block
 *  +9  (reserved)    u8
 *  +10 sequence      u48  per-device write sequence, 0 for a never-written block
 *  +16 items         16 items of 31 bytes
 * ```
 * Every block of a chain version carries the same id, length and sequence: a restart
 * accepts a version only if all its blocks agree (a write cut short is ignored), and a
 * reader only if all the blocks it read agree (a read that raced a rewrite of the blocks
 * after a lap of the log is retried). Sequences are never reused on a device, not even
 * across restarts (src/store/recovery.ts), so blocks that agree are of one write. A bucket
 * that has been written keeps a chain of at least one block, even with no items, so that
 * a deletion survives a restart.
 *
 * Item (31 bytes, unaligned):
 * ```
 *  +0  keyLength     u8   0 marks a free item
 *  +1  key           20 bytes, zero padded
 *  +21 valueLength   u16
 *  +23 valueOffset   u48  byte offset of the value record on the device
 *  +29 (reserved)    u16
 * ```
 *
 * Value log blocks. Every block the value log writes starts with a header: a value record's
 * (small records are packed, never straddling a block boundary; a record larger than a block
 * starts on a block boundary), or a continuation's (the rest of a record larger than a
 * block). So no block ever starts with a user's bytes, and every block carries the write
 * sequence of the append that wrote it: a reader checks that all blocks of a record are of
 * one write, and a restart trusts what it finds at a block's start.
 *
 * Value record (keyLength 0 at a block's start or after a record ends its block's records):
 * ```
 *  +0  keyLength     u8
 *  +1  marker        u8   VALUE_RECORD_MARKER
 *  +2  valueLength   u16
 *  +4  sequence      u48  per-device write sequence of the append that wrote it
 *  +10 key           keyLength bytes
 *  +10+keyLength     value, valueLength bytes (in its first block as many as fit)
 * ```
 * Continuation (block 1, 2, ... of a record larger than a block; the value goes on after it):
 * ```
 *  +0  zero          u8   0: no record starts here
 *  +1  marker        u8   VALUE_CONTINUATION_MARKER
 *  +2  piece         u16  this block's place in its record (1 for the block after the first)
 *  +4  sequence      u48  the record's sequence
 *  +10 value bytes   up to VALUE_CONTINUATION_PAYLOAD_BYTES
 * ```
 * The key is stored with the value so that a reader can check that the record it fetched
 * belongs to the key it asked for, and so that garbage collection can find the record's
 * bucket. A record is always older than every chain version that points at it (its value is
 * appended first), so a record with a sequence at or past its chain's was written after the
 * chain was superseded: a reader holding a stale pointer through a lap of the log.
 *
 * Index entry (u64 in DPU DRAM, read by clients with an 8-byte RDMA READ):
 * ```
 *  bits 0..39   block        first block of the current chain version
 *  bits 40..47  chainLength  0 = the bucket holds nothing
 *  bits 48..63  (reserved)
 * ```
 */
export const BLOCK_BYTES = 512;
export const BLOCK_SHIFT = 9;

export const BUCKET_ID_OFFSET = 0;
export const BUCKET_CHAIN_LENGTH_OFFSET = 6;
export const BUCKET_CHAIN_INDEX_OFFSET = 7;
export const BUCKET_ITEM_COUNT_OFFSET = 8;
export const BUCKET_SEQUENCE_OFFSET = 10;
export const BUCKET_HEADER_BYTES = 16;
export const BUCKET_ITEMS_PER_BLOCK = 16;
export const CHAIN_BLOCKS_MAX = 127;

export const ITEM_BYTES = 31;
export const ITEM_KEY_LENGTH_OFFSET = 0;
export const ITEM_KEY_OFFSET = 1;
export const ITEM_KEY_BYTES_MAX = 20;
export const ITEM_VALUE_LENGTH_OFFSET = 21;
export const ITEM_VALUE_OFFSET_OFFSET = 23;

export const VALUE_RECORD_KEY_LENGTH_OFFSET = 0;
export const VALUE_RECORD_MARKER_OFFSET = 1;
export const VALUE_RECORD_MARKER = 0x5a;
export const VALUE_RECORD_VALUE_LENGTH_OFFSET = 2;
export const VALUE_RECORD_SEQUENCE_OFFSET = 4;
export const VALUE_RECORD_HEADER_BYTES = 10;
export const VALUE_CONTINUATION_ZERO_OFFSET = 0;
export const VALUE_CONTINUATION_MARKER_OFFSET = 1;
export const VALUE_CONTINUATION_MARKER = 0xc3;
export const VALUE_CONTINUATION_PIECE_OFFSET = 2;
export const VALUE_CONTINUATION_SEQUENCE_OFFSET = 4;
export const VALUE_CONTINUATION_HEADER_BYTES = 10;
export const VALUE_CONTINUATION_PAYLOAD_BYTES = BLOCK_BYTES - VALUE_CONTINUATION_HEADER_BYTES;
export const VALUE_BYTES_MAX = 4096;

export const INDEX_ENTRY_BYTES = 8;
export const INDEX_BLOCK_BITS = 40;
export const INDEX_CHAIN_LENGTH_SHIFT = 40;
export const INDEX_CHAIN_LENGTH_MASK = 0xff;

export const SUPERBLOCK_MAGIC_OFFSET = 0;
export const SUPERBLOCK_VERSION_OFFSET = 8;
export const SUPERBLOCK_DEVICE_INDEX_OFFSET = 12;
export const SUPERBLOCK_DEVICE_COUNT_OFFSET = 16;
export const SUPERBLOCK_BUCKET_ID_BITS_OFFSET = 20;
export const SUPERBLOCK_BUCKET_LOG_START_OFFSET = 24;
export const SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET = 32;
export const SUPERBLOCK_VALUE_LOG_START_OFFSET = 40;
export const SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET = 48;
export const SUPERBLOCK_KEY_BYTES_MAX_OFFSET = 56;
export const SUPERBLOCK_VALUE_BYTES_MAX_OFFSET = 60;
export const SUPERBLOCK_BUCKET_ID_COUNT_OFFSET = 64;
