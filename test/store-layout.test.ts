import { describe, expect, it } from 'vitest';
import { valueRecordBlocks } from '../src/config.js';
import { BLOCK_BYTES, BUCKET_ITEMS_PER_BLOCK, BUCKET_SEQUENCE_OFFSET, ITEM_KEY_BYTES_MAX, VALUE_CONTINUATION_PAYLOAD_BYTES, VALUE_CONTINUATION_SEQUENCE_OFFSET, VALUE_RECORD_HEADER_BYTES } from '../src/layout/store.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from '../src/layout/key.js';
import { scratch } from './helpers.js';

describe('LEED bucket blocks', () => {
  it('hold 16 items of 31 bytes after a 16-byte header: exactly one 512-byte block', () => {
    expect(16 + BUCKET_ITEMS_PER_BLOCK * 31).toBe(BLOCK_BYTES);
  });

  it('insert, find and update items; a full last block asks for the chain to grow', () => {
    const { kernels, base } = scratch();
    const chain = base;
    const key = base + 65536;
    kernels.chainInit(chain, 1, 77);
    for (let record = 0; record < 16; record++) {
      kernels.ycsbKey(record, key);
      expect(kernels.chainUpsert(chain, 1, key, 64, 1000 + record)).toBe(record);
    }
    expect(kernels.chainItemCount(chain, 1)).toBe(16);
    kernels.ycsbKey(16, key);
    expect(kernels.chainUpsert(chain, 1, key, 64, 5000)).toBe(-1);
    expect(kernels.chainFind(chain, 1, key)).toBe(-1);
    kernels.chainGrow(chain, 1);
    expect(kernels.chainUpsert(chain, 2, key, 64, 5000)).toBe(16);
    expect(kernels.chainFind(chain, 2, key)).toBe(16);
    expect(kernels.chainItemCount(chain, 2)).toBe(17);
    expect(kernels.blockBucketId(chain + BLOCK_BYTES)).toBe(77);
    // Updating an existing key rewrites its item in place.
    kernels.ycsbKey(9, key);
    expect(kernels.chainUpsert(chain, 1, key, 32, 123_456_789_012)).toBe(9);
    expect(kernels.chainFind(chain, 1, key)).toBe(9);
    expect(kernels.itemValueOffset(chain, 9)).toBe(123_456_789_012);
    expect(kernels.itemValueLength(chain, 9)).toBe(32);
    expect(kernels.chainItemCount(chain, 1)).toBe(16);
  });

  it('are checked after a read: another bucket\'s, a never-written or another write\'s block is refused', () => {
    const { kernels, view, base } = scratch();
    kernels.chainInit(base, 2, 42);
    expect(kernels.chainCheck(base, 2, 42)).toBe(0); // not stamped: never written
    kernels.chainStamp(base, 2, 42, 7);
    expect(kernels.chainCheck(base, 2, 42)).toBe(1);
    expect(kernels.chainCheck(base, 2, 43)).toBe(0);
    expect(kernels.chainCheck(base, 1, 42)).toBe(0); // the header says the chain has 2 blocks
    // A block of another write of the same bucket (a read that raced a rewrite after a lap).
    kernels.chainStamp(base, 2, 42, 7);
    view.setUint32(base + BLOCK_BYTES + BUCKET_SEQUENCE_OFFSET, 8, true);
    expect(kernels.chainCheck(base, 2, 42)).toBe(0);
  });

  it('a restart accepts a chain version only if all its blocks are of the same write', () => {
    const { kernels, view, base } = scratch();
    kernels.chainInit(base, 3, 42);
    kernels.chainStamp(base, 3, 42, 9);
    expect(kernels.chainComplete(base, 3)).toBe(1);
    expect(kernels.chainComplete(base, 2)).toBe(0);
    // The last block is left from an earlier write (the new one was cut short).
    view.setUint32(base + 2 * BLOCK_BYTES + 10, 8, true);
    expect(kernels.chainComplete(base, 3)).toBe(0);
  });

  it('delete an item by moving the chain\'s last item into the hole, dropping an emptied last block', () => {
    const { kernels, base } = scratch();
    const chain = base;
    const key = base + 65536;
    kernels.chainInit(chain, 2, 5);
    for (let record = 0; record < 17; record++) {
      kernels.ycsbKey(record, key);
      if (kernels.chainUpsert(chain, record < 16 ? 1 : 2, key, 64, record) < 0) throw new Error('upsert');
    }
    expect(kernels.chainItemCount(chain, 2)).toBe(17);
    // Delete record 3: record 16 (the last item, alone in block 2) moves into its place.
    kernels.ycsbKey(3, key);
    expect(kernels.chainDelete(chain, 2, key)).toBe(1);
    expect(kernels.chainFind(chain, 1, key)).toBe(-1);
    kernels.ycsbKey(16, key);
    expect(kernels.chainFind(chain, 1, key)).toBe(3);
    expect(kernels.itemValueOffset(chain, 3)).toBe(16);
    expect(kernels.chainItemCount(chain, 1)).toBe(16);
    // Deleting everything leaves one empty block: a bucket once written keeps a chain.
    for (let record = 0; record < 17; record++) {
      if (record === 3) continue;
      kernels.ycsbKey(record, key);
      expect(kernels.chainDelete(chain, 1, key)).toBe(1);
    }
    expect(kernels.chainItemCount(chain, 1)).toBe(0);
    kernels.ycsbKey(0, key);
    expect(kernels.chainDelete(chain, 1, key)).toBe(-1);
  });

  it('relocate an item only if it still points at the moved record', () => {
    const { kernels, base } = scratch();
    const key = base + 65536;
    kernels.chainInit(base, 1, 5);
    kernels.ycsbKey(1, key);
    kernels.chainUpsert(base, 1, key, 64, 1000);
    expect(kernels.chainRelocate(base, 1, key, 999, 2000)).toBe(0);
    expect(kernels.chainRelocate(base, 1, key, 1000, 2000)).toBe(1);
    expect(kernels.itemValueOffset(base, 0)).toBe(2000);
  });

  it('take short keys up to the item\'s 20 bytes, zero padded', () => {
    const { kernels, bytes, base } = scratch();
    const key = base + 4096;
    kernels.chainInit(base, 1, 1);
    for (const length of [1, 5, ITEM_KEY_BYTES_MAX]) {
      bytes[key + KEY_LENGTH_OFFSET] = length;
      bytes.fill(length, key + KEY_BYTES_OFFSET, key + KEY_BYTES_OFFSET + length);
      kernels.prepareKey(key);
      const item = kernels.chainUpsert(base, 1, key, 8, 64 * length);
      expect(kernels.chainFind(base, 1, key)).toBe(item);
    }
  });
});

describe('value records', () => {
  it('carry their key, so a reader can tell a record of another key', () => {
    const { kernels, bytes, base } = scratch();
    const key = base + 4096;
    const other = base + 4200;
    const value = base + 4400;
    kernels.ycsbKey(1, key);
    kernels.ycsbKey(2, other);
    bytes.fill(0x61, value, value + 64);
    expect(kernels.valueRecordWrite(base, key, value, 64, 12345)).toBe(VALUE_RECORD_HEADER_BYTES + 16 + 64);
    expect(kernels.valueRecordMatches(base, key, 64)).toBe(1);
    expect(kernels.valueRecordSequence(base)).toBe(12345);
    expect(kernels.valueRecordKeyLength(base)).toBe(16);
    expect(kernels.valueRecordValueLength(base)).toBe(64);
    expect(kernels.valueRecordMatches(base, other, 64)).toBe(0);
    expect(kernels.valueRecordMatches(base, key, 63)).toBe(0);
  });

  it('longer than a block: continuation blocks, each with a header carrying the record\'s sequence', () => {
    const { kernels, bytes, view, base } = scratch();
    const key = base;
    const value = base + 1024;
    const record = base + 8192;
    const output = base + 16384;
    kernels.ycsbKey(3, key);
    for (let index = 0; index < 4096; index++) bytes[value + index] = (index * 7) & 0xff;
    for (const length of [1, 486, 487, 488, 988, 989, 990, 4096]) {
      const blocks = valueRecordBlocks(16, length);
      expect(kernels.valueRecordBlocks(16, length), `value of ${length} bytes`).toBe(blocks);
      kernels.zeroBytes(record, 10 * BLOCK_BYTES);
      kernels.valueRecordWrite(record, key, value, length, 2 ** 40 + length);
      expect(kernels.valueRecordComplete(record)).toBe(1);
      expect(kernels.valueRecordCopyValue(record, output)).toBe(length);
      expect(bytes.subarray(output, output + length)).toEqual(bytes.subarray(value, value + length));
      for (let piece = 0; piece < blocks; piece++) expect(kernels.valueBlockSequence(record + piece * BLOCK_BYTES)).toBe(2 ** 40 + length);
      // No block starts with a user's bytes: a continuation is never taken for a record.
      for (let piece = 1; piece < blocks; piece++) expect(kernels.valueRecordStarts(record + piece * BLOCK_BYTES)).toBe(0);
    }
    expect(valueRecordBlocks(16, 4096)).toBe(1 + Math.ceil((VALUE_RECORD_HEADER_BYTES + 16 + 4096 - BLOCK_BYTES) / VALUE_CONTINUATION_PAYLOAD_BYTES));
    // A block of another write in the middle of a record: torn, refused.
    kernels.valueRecordWrite(record, key, value, 1200, 77);
    view.setUint16(record + BLOCK_BYTES + VALUE_CONTINUATION_SEQUENCE_OFFSET, 78, true);
    expect(kernels.valueRecordComplete(record)).toBe(0);
    // Moved by the collector: copied whole and stamped with the move's sequence.
    kernels.valueRecordWrite(record, key, value, 1200, 77);
    kernels.valueRecordRelocate(output, record, 91);
    expect(kernels.valueRecordSequence(output)).toBe(91);
    expect(kernels.valueRecordComplete(output)).toBe(1);
    expect(kernels.valueBlockSequence(output + 2 * BLOCK_BYTES)).toBe(91);
    kernels.valueRecordCopyValue(output, output + 4 * BLOCK_BYTES);
    expect(bytes.subarray(output + 4 * BLOCK_BYTES, output + 4 * BLOCK_BYTES + 1200)).toEqual(bytes.subarray(value, value + 1200));
  });
});

describe('index entries', () => {
  it('round-trip a 40-bit block number and a chain length in one 8-byte word', () => {
    const { kernels, base } = scratch();
    for (const [block, length] of [[0, 0], [1, 1], [2 ** 40 - 1, 127], [123_456_789, 3]]) {
      kernels.indexEntryWrite(base, block, length);
      expect(kernels.indexEntryBlock(base)).toBe(block);
      expect(kernels.indexEntryChainLength(base)).toBe(length);
    }
  });
});
