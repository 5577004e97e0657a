import { describe, expect, it } from 'vitest';
import { fnvhash64, keyName } from '../src/ycsb/reference.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET, KEY_PLACEMENT_HIGH_OFFSET, KEY_PLACEMENT_LOW_OFFSET } from '../src/layout/key.js';
import { hex, scratch } from './helpers.js';

describe('MurmurHash3 x64 128', () => {
  it('matches the published vector shared by the Go, JavaScript and Python implementations', () => {
    const { kernels, bytes, base } = scratch();
    const input = new TextEncoder().encode('Hello world');
    bytes.set(input, base);
    kernels.murmur3x64To(base, input.length, 0, base + 64);
    expect(hex(bytes.slice(base + 64, base + 80))).toBe('09c01ad2296d65bdb32ceb54cdb5b54a');
  });

  it('hashes the empty input with seed 0 to zero, and depends on the seed and every byte', () => {
    const { kernels, bytes, base } = scratch();
    kernels.murmur3x64To(base, 0, 0, base + 64);
    expect(hex(bytes.slice(base + 64, base + 80))).toBe('0'.repeat(32));
    const seen = new Set<string>();
    for (let length = 0; length <= 40; length++) {
      for (const seed of [0, 1]) {
        bytes.fill(0xab, base, base + length);
        kernels.murmur3x64To(base, length, seed, base + 64);
        seen.add(hex(bytes.slice(base + 64, base + 80)));
      }
    }
    expect(seen.size).toBe(82);
  });
});

describe('FNV-1a 64 as Java YCSB computes it', () => {
  it('gives fnvhash64(0) = 6284781860667377211 (record 0 is user6284781860667377211)', () => {
    expect(fnvhash64(0n)).toBe(6284781860667377211n);
    expect(keyName(0)).toBe('user6284781860667377211');
  });

  it('agrees between the WebAssembly kernel and the BigInt reference', () => {
    const { kernels } = scratch();
    for (const value of [0, 1, 2, 255, 256, 65535, 1_000_000, 2 ** 31 - 1, 2 ** 40 + 7]) {
      // The kernel works on f64 for JavaScript callers: exact while the hash is below 2^53.
      const reference = fnvhash64(BigInt(value));
      const fromKernel = kernels.fnvhash64(BigInt(value));
      expect(fromKernel).toBe(reference);
    }
  });

  it('builds the same key names in WebAssembly as the reference, digit for digit', () => {
    const { kernels, bytes, base } = scratch();
    for (const record of [0, 1, 9, 10, 99, 12_345, 999_999, 1_000_000, 19_999_999, 2 ** 31 - 1, 5e9]) {
      const length = kernels.ycsbKeyName(record, base);
      expect(new TextDecoder().decode(bytes.slice(base, base + length))).toBe(keyName(record));
    }
  });
});

describe('key descriptors', () => {
  it('hash a YCSB record to a 16-byte key and place it by a hash of those bytes', () => {
    const { kernels, bytes, view, base } = scratch();
    kernels.ycsbKey(42, base);
    expect(bytes[base + KEY_LENGTH_OFFSET]).toBe(16);
    const name = new TextEncoder().encode(keyName(42));
    bytes.set(name, base + 256);
    kernels.murmur3x64To(base + 256, name.length, 0, base + 512);
    expect(hex(bytes.slice(base + KEY_BYTES_OFFSET, base + KEY_BYTES_OFFSET + 16))).toBe(hex(bytes.slice(base + 512, base + 528)));
    const high = view.getBigUint64(base + KEY_PLACEMENT_HIGH_OFFSET, true);
    const low = view.getBigUint64(base + KEY_PLACEMENT_LOW_OFFSET, true);
    // Re-preparing the same key gives the same placement.
    kernels.prepareKey(base);
    expect(view.getBigUint64(base + KEY_PLACEMENT_HIGH_OFFSET, true)).toBe(high);
    expect(view.getBigUint64(base + KEY_PLACEMENT_LOW_OFFSET, true)).toBe(low);
  });
});
