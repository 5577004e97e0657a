/** Key descriptors (layout in src/layout/key.ts): a key and the hashes that place it. */
import {
  KEY_PLACEMENT_HIGH_OFFSET, KEY_PLACEMENT_LOW_OFFSET, KEY_LENGTH_OFFSET, KEY_BYTES_OFFSET,
  KEY_DESCRIPTOR_KEY_BYTES, PLACEMENT_SEED,
} from "../src/layout/key";
import { murmur3x64, murmurSecondHalf } from "./hash";

/**
 * Fills in the placement hashes of the descriptor at `descriptor`, whose key bytes and
 * length are already written. Zero-pads the key area so keys compare as fixed-size words.
 */
export function prepareKey(descriptor: usize): void {
  const keyLength = <i32>load<u8>(descriptor, KEY_LENGTH_OFFSET);
  const key = descriptor + KEY_BYTES_OFFSET;
  memory.fill(key + <usize>keyLength, 0, <usize>(KEY_DESCRIPTOR_KEY_BYTES - keyLength));
  store<u64>(descriptor, murmur3x64(key, keyLength, PLACEMENT_SEED), KEY_PLACEMENT_HIGH_OFFSET);
  store<u64>(descriptor, murmurSecondHalf, KEY_PLACEMENT_LOW_OFFSET);
}

// @ts-ignore: decorator
@inline export function placementHigh(descriptor: usize): u64 {
  return load<u64>(descriptor, KEY_PLACEMENT_HIGH_OFFSET);
}

// @ts-ignore: decorator
@inline export function placementLow(descriptor: usize): u64 {
  return load<u64>(descriptor, KEY_PLACEMENT_LOW_OFFSET);
}

// @ts-ignore: decorator
@inline export function keyLengthOf(descriptor: usize): i32 {
  return <i32>load<u8>(descriptor, KEY_LENGTH_OFFSET);
}

/** True when `length` bytes at `a` equal those at `b`. */
export function bytesEqual(a: usize, b: usize, length: i32): bool {
  // Keys are 16 bytes (ycsbKey): two word compares, without the loops (each loop iteration
  // also pays the engine's interrupt check).
  if (length == 16) return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8);
  let i = 0;
  for (; i + 8 <= length; i += 8) {
    if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  }
  for (; i < length; i++) {
    if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  }
  return true;
}
