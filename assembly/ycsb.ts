/**
 * YCSB's request generators, as Java YCSB core computes them (see ../shared/design/toolchain.md):
 * the zipfian generator of Gray et al. with YCSB's constants, the scrambled zipfian that
 * spreads popular ranks over the key space with FNV-1a, and key names
 * `"user" + fnvhash64(recordNumber)`. The configuration lives in globals, which are per
 * instance (per thread); the random state lives in each client's arena.
 */
import { KEY_LENGTH_OFFSET, KEY_BYTES_OFFSET } from "../src/layout/key";
import { fnvhash64, murmur3x64To } from "./hash";
import { randomDouble, randomNext } from "./random";
import { prepareKey } from "./key";
import { OPERATION_READ, OPERATION_UPDATE } from "../src/layout/operations";

let zipfianItems: f64 = 0;
let zipfianBase: f64 = 0;
let zipfianTheta: f64 = 0;
let zipfianZetan: f64 = 0;
let zipfianAlpha: f64 = 0;
let zipfianEta: f64 = 0;
let zipfianHalfPowTheta: f64 = 0;

/**
 * Configures the zipfian generator over `items` items starting at `base`, with constant
 * `theta` and ζ(items, theta) = `zetan` (Java: `ZipfianGenerator(min, max, theta, zetan)`
 * with items = max - min + 1).
 */
export function configureZipfian(items: f64, base: f64, theta: f64, zetan: f64): void {
  zipfianItems = items;
  zipfianBase = base;
  zipfianTheta = theta;
  zipfianZetan = zetan;
  const zeta2theta = 1.0 + Math.pow(0.5, theta);
  zipfianAlpha = 1.0 / (1.0 - theta);
  zipfianEta = (1.0 - Math.pow(2.0 / items, 1.0 - theta)) / (1.0 - zeta2theta / zetan);
  zipfianHalfPowTheta = Math.pow(0.5, theta);
}

/** Java `ZipfianGenerator.nextLong(items)` for a given uniform `u` in [0, 1). */
export function zipfianFromUniform(u: f64): f64 {
  const uz = u * zipfianZetan;
  if (uz < 1.0) return zipfianBase;
  if (uz < 1.0 + zipfianHalfPowTheta) return zipfianBase + 1.0;
  // Java truncates the double toward zero with a (long) cast.
  return zipfianBase + Math.floor(zipfianItems * Math.pow(zipfianEta * u - zipfianEta + 1.0, zipfianAlpha));
}

/** Java `ScrambledZipfianGenerator.nextValue()`: `min + fnvhash64(zipfian) % itemCount`. */
export function scrambledZipfianNext(state: usize, min: f64, itemCount: f64): f64 {
  const rank = <i64>zipfianFromUniform(randomDouble(state));
  return min + <f64>(fnvhash64(rank) % <i64>itemCount);
}

let chooserMin: f64 = 0;
let chooserItemCount: f64 = 0;
let lastInsertedRecord: f64 = 0;
let readProportion: f64 = 0;

/**
 * Configures a workload of reads and updates over a scrambled zipfian key chooser of
 * `chooserItemCount` items from `chooserMinimum`; keys above `lastRecord` are redrawn, as
 * Java's CoreWorkload does with the insert counter.
 */
export function configureWorkload(readShare: f64, chooserMinimum: f64, itemCount: f64, lastRecord: f64): void {
  readProportion = readShare;
  chooserMin = chooserMinimum;
  chooserItemCount = itemCount;
  lastInsertedRecord = lastRecord;
}

let lastRecordNumber: f64 = 0;

/** The record number the last `ycsbNextOperation` chose. */
export function ycsbLastRecord(): f64 {
  return lastRecordNumber;
}

/** Bound on redraws of keys that are not inserted yet; YCSB redraws without a bound. */
const KEY_REDRAWS_MAX = 1000;

/**
 * Draws the next operation of a client: returns OPERATION_READ or OPERATION_UPDATE, writes
 * the key into the descriptor (prepared) and, for an update, a fresh value of
 * `valueLength` bytes at `value`. Returns -1 if no inserted key was drawn in
 * KEY_REDRAWS_MAX tries (an impossible configuration, reported by the caller).
 */
export function ycsbNextOperation(state: usize, descriptor: usize, value: usize, valueLength: i32): i32 {
  const operation = randomDouble(state) < readProportion ? OPERATION_READ : OPERATION_UPDATE;
  let record: f64 = 0;
  let draws = 0;
  do {
    if (draws++ == KEY_REDRAWS_MAX) return -1;
    record = scrambledZipfianNext(state, chooserMin, chooserItemCount);
  } while (record > lastInsertedRecord);
  lastRecordNumber = record;
  ycsbKey(record, descriptor);
  if (operation == OPERATION_UPDATE) ycsbValue(state, value, valueLength);
  return operation;
}

/** Writes `digits` decimal digits of `value` (zero padded) ending just before `end`. */
// @ts-ignore: decorator
@inline function writeDigits(end: usize, value: u32, digits: i32): void {
  for (let i = 1; i <= digits; i++) {
    store<u8>(end - <usize>i, <u8>(48 + value % 10));
    value /= 10;
  }
}

/** Decimal digits of a u32 (1 for zero). */
// @ts-ignore: decorator
@inline function digitCount(value: u32): i32 {
  let digits = 1;
  while (value >= 10) {
    value /= 10;
    digits++;
  }
  return digits;
}

const TEN_TO_THE_8: u64 = 100_000_000;

/**
 * Writes `"user" + fnvhash64(record)` at `output`; returns its length in bytes. The number
 * is cut into 8-digit chunks first: two 64-bit divisions instead of one per digit (64-bit
 * division is the slow part of this kernel).
 */
export function ycsbKeyName(record: f64, output: usize): i32 {
  store<u32>(output, 0x72657375); // "user", little endian
  const number = <u64>fnvhash64(<i64>record);
  const low = <u32>(number % TEN_TO_THE_8);
  const upper = number / TEN_TO_THE_8;
  const middle = <u32>(upper % TEN_TO_THE_8);
  const top = <u32>(upper / TEN_TO_THE_8);
  let length = 4;
  if (top != 0) {
    const digits = digitCount(top);
    writeDigits(output + <usize>(length + digits), top, digits);
    length += digits;
    writeDigits(output + <usize>(length + 8), middle, 8);
    length += 8;
    writeDigits(output + <usize>(length + 8), low, 8);
    return length + 8;
  }
  if (middle != 0) {
    const digits = digitCount(middle);
    writeDigits(output + <usize>(length + digits), middle, digits);
    length += digits;
    writeDigits(output + <usize>(length + 8), low, 8);
    return length + 8;
  }
  const digits = digitCount(low);
  writeDigits(output + <usize>(length + digits), low, digits);
  return length + digits;
}

/** Writes the 16-byte key of YCSB record `record` into the descriptor and prepares it. */
export function ycsbKey(record: f64, descriptor: usize): void {
  const key = descriptor + KEY_BYTES_OFFSET;
  const nameLength = ycsbKeyName(record, key);
  murmur3x64To(key, nameLength, 0, key);
  store<u8>(descriptor, 16, KEY_LENGTH_OFFSET);
  prepareKey(descriptor);
}

/** Writes `length` random printable ASCII bytes (0x21..0x7e) at `output`. */
export function ycsbValue(state: usize, output: usize, length: i32): void {
  let bits: u64 = 0;
  let bitsLeft = 0;
  for (let i = 0; i < length; i++) {
    if (bitsLeft < 8) {
      bits = randomNext(state);
      bitsLeft = 64;
    }
    store<u8>(output + <usize>i, <u8>(0x21 + <u32>((bits & 0xff) * 94 >> 8)));
    bits >>= 8;
    bitsLeft -= 8;
  }
}
