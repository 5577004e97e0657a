import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BUCKET_ITEMS_PER_BLOCK, ITEM_KEY_BYTES_MAX, VALUE_RECORD_HEADER_BYTES } from '../src/layout/store.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from '../src/layout/key.js';
import { scratch } from './helpers.js';

describe('LEED bucket blocks', () => {
  it('hold 16 items of 31 bytes after a 16-byte header: exactly one 512-byte block', () => {
    expect(16 + BUCKET_ITEMS_PER_BLOCK * 31).toBe(BLOCK_BYTES);
  });

  it('insert, find and update items; a full bucket refuses a new key', () => {
    const { kernels, base } = scratch();
    const chain = base;
    const key = base + 4096;
    kernels.chainInit(chain, 1, 77);
    for (let record = 0; record < 16; record++) {
      kernels.ycsbKey(record, key);
      expect(kernels.chainUpsert(chain, 1, key, 64, 1000 + record)).toBe(record);
    }
    expect(kernels.chainItemCount(chain, 1)).toBe(16);
    kernels.ycsbKey(16, key);
    expect(kernels.chainUpsert(chain, 1, key, 64, 5000)).toBe(-1);
    expect(kernels.chainFind(chain, 1, key)).toBe(-1);
    // Updating an existing key rewrites its item in place.
    kernels.ycsbKey(9, key);
    expect(kernels.chainUpsert(chain, 1, key, 32, 123_456_789_012)).toBe(9);
    expect(kernels.chainFind(chain, 1, key)).toBe(9);
    expect(kernels.itemValueOffset(chain, 9)).toBe(123_456_789_012);
    expect(kernels.itemValueLength(chain, 9)).toBe(32);
    expect(kernels.chainItemCount(chain, 1)).toBe(16);
  });

  it('are checked after a read: another bucket\'s or a never-written block is refused', () => {
    const { kernels, base } = scratch();
    kernels.chainInit(base, 2, 42);
    expect(kernels.chainCheck(base, 2, 42)).toBe(0); // not stamped: never written
    kernels.chainStamp(base, 2, 7);
    expect(kernels.chainCheck(base, 2, 42)).toBe(1);
    expect(kernels.chainCheck(base, 2, 43)).toBe(0);
    expect(kernels.chainCheck(base, 1, 42)).toBe(0); // the header says the chain has 2 blocks
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
    expect(kernels.valueRecordWrite(base, key, value, 64)).toBe(VALUE_RECORD_HEADER_BYTES + 16 + 64);
    expect(kernels.valueRecordMatches(base, key, 64)).toBe(1);
    expect(kernels.valueRecordMatches(base, other, 64)).toBe(0);
    expect(kernels.valueRecordMatches(base, key, 63)).toBe(0);
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
