/**
 * The Ditto-style cache of LEED+Ditto: slot words, object blocks, sampled eviction.
 * Layout: src/layout/ditto.ts. Clients run these on local copies of buckets and objects.
 */
import {
  DITTO_SLOT_BYTES, DITTO_SLOT_WORD_OFFSET, DITTO_SLOT_ACCESS_TIME_OFFSET, DITTO_FINGERPRINT_MASK, DITTO_LENGTH_SHIFT,
  DITTO_LENGTH_MASK, DITTO_POINTER_SHIFT, DITTO_LENGTH_UNIT_BYTES, DITTO_OBJECT_KEY_LENGTH_OFFSET,
  DITTO_OBJECT_VALUE_LENGTH_OFFSET, DITTO_OBJECT_CHECKSUM_OFFSET, DITTO_OBJECT_KEY_OFFSET,
} from "../src/layout/ditto";
import { ATOMIC_COMPARE_OFFSET, ATOMIC_SWAP_OFFSET } from "../src/layout/verbs";
import { KEY_BYTES_OFFSET } from "../src/layout/key";
import { murmur3x64 } from "./hash";
import { placementHigh, keyLengthOf, bytesEqual } from "./key";
import { randomBelow } from "./random";

let slotsPerBucket: i32 = 8;
let objectValueOffset: i32 = 0;
let objectKeyBytes: i32 = 0;

export function configureDitto(slots: i32, keyBytesMax: i32, valueOffset: i32): void {
  slotsPerBucket = slots;
  objectKeyBytes = keyBytesMax;
  objectValueOffset = valueOffset;
}

const OBJECT_CHECKSUM_SEED: u32 = 0xd177;

/** The 8-bit fingerprint of a key (bits of its placement hash the bucket index does not use). */
// @ts-ignore: decorator
@inline function fingerprintOf(descriptor: usize): u64 {
  return (placementHigh(descriptor) >> 40) & DITTO_FINGERPRINT_MASK;
}

// @ts-ignore: decorator
@inline function slotWord(bucket: usize, slot: i32): u64 {
  return load<u64>(bucket + <usize>(slot * DITTO_SLOT_BYTES), DITTO_SLOT_WORD_OFFSET);
}

/** The next slot from `start` whose word is in use with the key's fingerprint, or -1. */
export function dittoFindSlot(bucket: usize, descriptor: usize, start: i32): i32 {
  const fingerprint = fingerprintOf(descriptor);
  for (let slot = start; slot < slotsPerBucket; slot++) {
    const word = slotWord(bucket, slot);
    if (word != 0 && (word & DITTO_FINGERPRINT_MASK) == fingerprint) return slot;
  }
  return -1;
}

/** The object address a slot points at. */
export function dittoSlotPointer(bucket: usize, slot: i32): f64 {
  return <f64>(slotWord(bucket, slot) >> DITTO_POINTER_SHIFT);
}

/** The bytes to READ for a slot's object. */
export function dittoSlotObjectBytes(bucket: usize, slot: i32): i32 {
  return <i32>((slotWord(bucket, slot) >> DITTO_LENGTH_SHIFT) & DITTO_LENGTH_MASK) * DITTO_LENGTH_UNIT_BYTES;
}

/** The first empty slot, or -1. */
export function dittoFreeSlot(bucket: usize): i32 {
  for (let slot = 0; slot < slotsPerBucket; slot++) if (slotWord(bucket, slot) == 0) return slot;
  return -1;
}

/**
 * Sampled LRU: draws `samples` slots of the bucket at random and returns the one read
 * least recently (Ditto's sampling with its LRU expert).
 */
export function dittoSampleVictim(bucket: usize, randomState: usize, samples: i32): i32 {
  let victim = -1;
  let oldest: u64 = u64.MAX_VALUE;
  for (let sample = 0; sample < samples; sample++) {
    const slot = <i32>randomBelow(randomState, <u32>slotsPerBucket);
    const accessTime = load<u64>(bucket + <usize>(slot * DITTO_SLOT_BYTES), DITTO_SLOT_ACCESS_TIME_OFFSET);
    if (victim < 0 || accessTime < oldest) {
      victim = slot;
      oldest = accessTime;
    }
  }
  return victim;
}

/** Stages a slot's current word (from a local copy of its bucket) as the CAS compare operand. */
export function dittoStageCompare(operands: usize, bucket: usize, slot: i32): void {
  store<u64>(operands, slotWord(bucket, slot), ATOMIC_COMPARE_OFFSET);
}

/** Stages the word pointing at an object of `objectBytes` at `pointer` for the key, as the CAS swap operand. */
export function dittoStageWord(operands: usize, descriptor: usize, pointer: f64, objectBytes: i32): void {
  const units = <u64>((objectBytes + DITTO_LENGTH_UNIT_BYTES - 1) / DITTO_LENGTH_UNIT_BYTES);
  store<u64>(operands, fingerprintOf(descriptor) | (units << DITTO_LENGTH_SHIFT) | (<u64>pointer << DITTO_POINTER_SHIFT), ATOMIC_SWAP_OFFSET);
}

/** Stages an empty word (0) as the swap operand: the slot is freed. */
export function dittoStageEmpty(operands: usize): void {
  store<u64>(operands, 0, ATOMIC_SWAP_OFFSET);
}

function objectChecksum(object: usize): u32 {
  const valueLength = <i32>load<u16>(object, DITTO_OBJECT_VALUE_LENGTH_OFFSET);
  store<u32>(object, 0, DITTO_OBJECT_CHECKSUM_OFFSET);
  return <u32>murmur3x64(object, objectValueOffset + valueLength, OBJECT_CHECKSUM_SEED);
}

/** Builds the object of the key and value at `object`; returns its size in bytes. */
export function dittoObjectWrite(object: usize, descriptor: usize, value: usize, valueLength: i32): i32 {
  const keyLength = keyLengthOf(descriptor);
  memory.fill(object, 0, <usize>objectValueOffset);
  store<u8>(object, <u8>keyLength, DITTO_OBJECT_KEY_LENGTH_OFFSET);
  store<u16>(object, <u16>valueLength, DITTO_OBJECT_VALUE_LENGTH_OFFSET);
  memory.copy(object + DITTO_OBJECT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, <usize>keyLength);
  memory.copy(object + <usize>objectValueOffset, value, <usize>valueLength);
  store<u32>(object, objectChecksum(object), DITTO_OBJECT_CHECKSUM_OFFSET);
  return objectValueOffset + valueLength;
}

/**
 * Checks a local copy of an object against the key: returns the value length if it is
 * whole (checksum) and holds the key, else -1 (torn, reused for another key, or garbage).
 */
export function dittoObjectMatches(object: usize, descriptor: usize, objectBytes: i32): i32 {
  const keyLength = keyLengthOf(descriptor);
  const valueLength = <i32>load<u16>(object, DITTO_OBJECT_VALUE_LENGTH_OFFSET);
  if (<i32>load<u8>(object, DITTO_OBJECT_KEY_LENGTH_OFFSET) != keyLength) return -1;
  if (objectValueOffset + valueLength > objectBytes) return -1;
  if (!bytesEqual(object + DITTO_OBJECT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, keyLength)) return -1;
  const stored = load<u32>(object, DITTO_OBJECT_CHECKSUM_OFFSET);
  const computed = objectChecksum(object);
  store<u32>(object, stored, DITTO_OBJECT_CHECKSUM_OFFSET);
  return stored == computed ? valueLength : -1;
}
