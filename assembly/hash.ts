/**
 * Hash functions of the hot path.
 *
 * - MurmurHash3 x64 128 (Austin Appleby's public-domain algorithm): keys are hashed to
 *   16 bytes with it (the artifact uses CityHash128; any uniform 128-bit hash gives the
 *   same statistics), and every placement decision is taken from it.
 * - FNV-1a 64 exactly as Java YCSB's `Utils.fnvhash64`: key names and the scrambled
 *   zipfian's scrambling depend on it bit for bit.
 */

const MURMUR_C1: u64 = 0x87c37b91114253d5;
const MURMUR_C2: u64 = 0x4cf5ad432745937f;

// @ts-ignore: decorator
@inline function finalMix64(k: u64): u64 {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccd;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53;
  k ^= k >> 33;
  return k;
}

/**
 * The second half (h2) of the last `murmur3x64` call. Globals are per WebAssembly instance,
 * that is per thread, so this is a safe second return value (shared memory would not be).
 */
export let murmurSecondHalf: u64 = 0;

/** MurmurHash3-x64-128 of `length` bytes at `source`: returns h1, leaves h2 in `murmurSecondHalf`. */
export function murmur3x64(source: usize, length: i32, seed: u32): u64 {
  return murmur3x64Inline(source, length, seed);
}

/**
 * `murmur3x64`, compiled into its caller: for the slot checksum of the cache scan's hit,
 * where the calls (scan → checksum → hash) cost as much as a third of the hash itself.
 */
// @ts-ignore: decorator
@inline export function murmur3x64Inline(source: usize, length: i32, seed: u32): u64 {
  let h1: u64 = <u64>seed;
  let h2: u64 = <u64>seed;
  const blockCount = length >> 4;
  // Two 16-byte blocks per iteration (one loop test and interrupt check per 32 bytes), the
  // block address the loop's variable; then the odd block, then the tail.
  const end = source + (<usize>blockCount << 4);
  const pairsEnd = source + (<usize>(blockCount >> 1) << 5);
  let block = source;
  for (; block < pairsEnd; block += 32) {
    let k1 = load<u64>(block);
    let k2 = load<u64>(block, 8);
    k1 *= MURMUR_C1; k1 = rotl<u64>(k1, 31); k1 *= MURMUR_C2; h1 ^= k1;
    h1 = rotl<u64>(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= MURMUR_C2; k2 = rotl<u64>(k2, 33); k2 *= MURMUR_C1; h2 ^= k2;
    h2 = rotl<u64>(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
    k1 = load<u64>(block, 16);
    k2 = load<u64>(block, 24);
    k1 *= MURMUR_C1; k1 = rotl<u64>(k1, 31); k1 *= MURMUR_C2; h1 ^= k1;
    h1 = rotl<u64>(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= MURMUR_C2; k2 = rotl<u64>(k2, 33); k2 *= MURMUR_C1; h2 ^= k2;
    h2 = rotl<u64>(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }
  if (block < end) {
    let k1 = load<u64>(block);
    let k2 = load<u64>(block, 8);
    k1 *= MURMUR_C1; k1 = rotl<u64>(k1, 31); k1 *= MURMUR_C2; h1 ^= k1;
    h1 = rotl<u64>(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= MURMUR_C2; k2 = rotl<u64>(k2, 33); k2 *= MURMUR_C1; h2 ^= k2;
    h2 = rotl<u64>(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }
  const tail = end;
  const tailLength = length & 15;
  let k1: u64 = 0;
  let k2: u64 = 0;
  for (let i = tailLength - 1; i >= 8; i--) k2 = (k2 << 8) | <u64>load<u8>(tail + <usize>i);
  if (tailLength > 8) {
    k2 *= MURMUR_C2; k2 = rotl<u64>(k2, 33); k2 *= MURMUR_C1; h2 ^= k2;
  }
  if (tailLength >= 8) {
    k1 = load<u64>(tail); // the same 8 little-endian bytes, without 8 loop iterations
  } else {
    for (let i = tailLength - 1; i >= 0; i--) k1 = (k1 << 8) | <u64>load<u8>(tail + <usize>i);
  }
  if (tailLength > 0) {
    k1 *= MURMUR_C1; k1 = rotl<u64>(k1, 31); k1 *= MURMUR_C2; h1 ^= k1;
  }
  h1 ^= <u64>length;
  h2 ^= <u64>length;
  h1 += h2;
  h2 += h1;
  h1 = finalMix64(h1);
  h2 = finalMix64(h2);
  h1 += h2;
  h2 += h1;
  murmurSecondHalf = h2;
  return h1;
}

/** Writes MurmurHash3-x64-128 as 16 bytes at `output`: h1 then h2, each little endian. */
export function murmur3x64To(source: usize, length: i32, seed: u32, output: usize): void {
  store<u64>(output, murmur3x64(source, length, seed));
  store<u64>(output, murmurSecondHalf, 8);
}

const FNV_OFFSET_BASIS_64: u64 = 0xcbf29ce484222325;
const FNV_PRIME_64: u64 = 1099511628211;

/**
 * Java YCSB's `Utils.fnvhash64`: FNV-1a over the 8 little-endian bytes of a long, then
 * `Math.abs` (so Long.MIN_VALUE stays negative, as in Java).
 */
export function fnvhash64(value: i64): i64 {
  let hash: u64 = FNV_OFFSET_BASIS_64;
  let rest: u64 = <u64>value;
  for (let i = 0; i < 8; i++) {
    hash ^= rest & 0xff;
    hash *= FNV_PRIME_64;
    rest >>= 8;
  }
  const signed = <i64>hash;
  return signed < 0 ? -signed : signed;
}

/** `fnvhash64` for JavaScript callers: the input and the result as f64 (exact below 2^53). */
export function fnvhash64Number(value: f64): f64 {
  return <f64>fnvhash64(<i64>value);
}

const VALUE_ID_SEED: u32 = 0x7a1e;

/**
 * A 52-bit identity of a value's bytes, exact as a JavaScript number: histories record it
 * instead of the bytes. Two different values collide with probability ~2^-52.
 */
export function valueIdOf(source: usize, length: i32): f64 {
  return <f64>(murmur3x64(source, length, VALUE_ID_SEED) >> 12);
}
