/**
 * YCSB's request generators, as Java YCSB core computes them (see ../shared/design/toolchain.md
 * and src/ycsb/reference.ts): the operation chooser, the key choosers of CoreWorkload
 * (uniform, scrambled zipfian, latest, hotspot, exponential, sequential), the insert key
 * sequence with acknowledgements, key names `"user" + fnvhash64(n)` (or ordered, zero
 * padded) and record values of `fieldcount` fields. The configuration lives in globals,
 * which are per instance (per thread); each client's random state lives in its arena; the
 * state all threads share (the insert counter, its acknowledgement window, the sequential
 * counter) lives in the shared memory (src/layout/ycsb.ts) and is touched with atomics.
 */
import { KEY_LENGTH_OFFSET, KEY_BYTES_OFFSET } from "../src/layout/key";
import { fnvhash64, murmur3x64To } from "./hash";
import { randomDouble, randomNext } from "./random";
import { prepareKey } from "./key";
import {
  OPERATION_INSERT, OPERATION_READ, OPERATION_READ_MODIFY_WRITE, OPERATION_UPDATE,
} from "../src/layout/operations";
import {
  DISTRIBUTION_EXPONENTIAL, DISTRIBUTION_HOTSPOT, DISTRIBUTION_LATEST, DISTRIBUTION_SEQUENTIAL, DISTRIBUTION_UNIFORM,
  DISTRIBUTION_ZIPFIAN, FIELD_LENGTH_UNIFORM, YCSB_ACK_WINDOW, YCSB_ACKNOWLEDGED_OFFSET, YCSB_LOCK_OFFSET,
  YCSB_NEXT_INSERT_OFFSET, YCSB_SEQUENTIAL_OFFSET, YCSB_WINDOW_OFFSET,
} from "../src/layout/ycsb";

// ---------------------------------------------------------------------------------------
// The zipfian generator (Java `ZipfianGenerator`, Gray et al. SIGMOD'94).

let zipfianItems: f64 = 0;
let zipfianBase: f64 = 0;
let zipfianTheta: f64 = 0;
let zipfianZetan: f64 = 0;
let zipfianCountForZeta: f64 = 0;
let zipfianAlpha: f64 = 0;
let zipfianEta: f64 = 0;
let zipfianZeta2Theta: f64 = 0;
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
  zipfianCountForZeta = items;
  zipfianZeta2Theta = 1.0 + Math.pow(0.5, theta);
  zipfianAlpha = 1.0 / (1.0 - theta);
  zipfianEta = (1.0 - Math.pow(2.0 / items, 1.0 - theta)) / (1.0 - zipfianZeta2Theta / zetan);
  zipfianHalfPowTheta = Math.pow(0.5, theta);
}

/**
 * Java `ZipfianGenerator.nextLong(itemcount)` for a given uniform `u` in [0, 1). When the
 * item count grew (the latest chooser, as inserts are acknowledged), ζ is extended term by
 * term and η recomputed — with the generator's original item count, as Java does.
 */
export function zipfianFromUniformOver(u: f64, itemCount: f64): f64 {
  if (itemCount > zipfianCountForZeta) {
    let sum = zipfianZetan;
    for (let i = zipfianCountForZeta; i < itemCount; i++) sum += 1.0 / Math.pow(i + 1.0, zipfianTheta);
    zipfianZetan = sum;
    zipfianCountForZeta = itemCount;
    zipfianEta = (1.0 - Math.pow(2.0 / zipfianItems, 1.0 - zipfianTheta)) / (1.0 - zipfianZeta2Theta / zipfianZetan);
  }
  const uz = u * zipfianZetan;
  if (uz < 1.0) return zipfianBase;
  if (uz < 1.0 + zipfianHalfPowTheta) return zipfianBase + 1.0;
  // Java truncates the double toward zero with a (long) cast.
  return zipfianBase + Math.floor(itemCount * Math.pow(zipfianEta * u - zipfianEta + 1.0, zipfianAlpha));
}

/** Java `ZipfianGenerator.nextLong(items)` for a given uniform `u` in [0, 1). */
export function zipfianFromUniform(u: f64): f64 {
  return zipfianFromUniformOver(u, zipfianItems);
}

/** Java `ScrambledZipfianGenerator.nextValue()`: `min + fnvhash64(zipfian) % itemCount`. */
export function scrambledZipfianNext(state: usize, min: f64, itemCount: f64): f64 {
  const rank = <i64>zipfianFromUniform(randomDouble(state));
  return min + <f64>(fnvhash64(rank) % <i64>itemCount);
}

// ---------------------------------------------------------------------------------------
// The workload: operation chooser, key chooser, shared insert sequence.

let readUpTo: f64 = 0;
let updateUpTo: f64 = 0;
let insertUpTo: f64 = 0;

let chooser: i32 = DISTRIBUTION_ZIPFIAN;
let chooserMin: f64 = 0;
let chooserItemCount: f64 = 0;
let hotItemCount: f64 = 0;
let hotOperationFraction: f64 = 0;
let exponentialGamma: f64 = 0;

/** The run's shared YCSB state (src/layout/ycsb.ts); 0 until configured. */
let shared: usize = 0;
/** Without shared state (a thread that only names keys), the highest key number that exists. */
let lastRecordWithoutShared: f64 = 0;

/**
 * Configures the operation mix: the shares of reads, updates, inserts and
 * read-modify-writes, which sum to 1 (Java's `DiscreteGenerator` normalises its weights;
 * the caller does). A draw below `readShare` reads, and so on in that order.
 */
export function configureOperations(readShare: f64, updateShare: f64, insertShare: f64): void {
  readUpTo = readShare;
  updateUpTo = readShare + updateShare;
  insertUpTo = readShare + updateShare + insertShare;
}

/**
 * Configures the key chooser: `distribution` (DISTRIBUTION_*) over `itemCount` key numbers
 * from `minimum` (for the zipfian chooser, configure the zipfian generator too: its ranks
 * are scrambled onto these keys; for latest, over the acknowledged keys). `parameterA` and
 * `parameterB`: hotspot — the hot set's size in keys and the share of operations that go
 * to it; exponential — γ (and B unused).
 */
export function configureChooser(distribution: i32, minimum: f64, itemCount: f64, parameterA: f64, parameterB: f64): void {
  chooser = distribution;
  chooserMin = minimum;
  chooserItemCount = itemCount;
  hotItemCount = parameterA;
  hotOperationFraction = parameterB;
  exponentialGamma = parameterA;
}

/**
 * Points this thread at the run's shared state. `lastRecord` is used only when `state` is
 * 0 (no shared state: a chooser over a fixed set of loaded keys).
 */
export function configureSharedState(state: usize, lastRecord: f64): void {
  shared = state;
  lastRecordWithoutShared = lastRecord;
}

/**
 * Sets up the shared state for a run whose inserts take key numbers from `firstInsert`
 * (Java: `AcknowledgedCounterGenerator(recordcount)`); done once, before any client runs.
 */
export function initializeSharedState(state: usize, firstInsert: f64): void {
  atomic.store<i64>(state + YCSB_NEXT_INSERT_OFFSET, <i64>firstInsert);
  atomic.store<i64>(state + YCSB_ACKNOWLEDGED_OFFSET, <i64>firstInsert - 1);
  atomic.store<i32>(state + YCSB_LOCK_OFFSET, 0);
  atomic.store<i64>(state + YCSB_SEQUENTIAL_OFFSET, 0);
  // Clear the acknowledgement window without writing words that are zero already: the
  // pages of a fresh memory read as zeros without being resident, and writing them would
  // make its 1 MiB resident in every process before any insert needs it.
  const window = state + YCSB_WINDOW_OFFSET;
  for (let offset: usize = 0; offset < <usize>YCSB_ACK_WINDOW; offset += 8) {
    if (load<u64>(window + offset) != 0) store<u64>(window + offset, 0);
  }
}

/** The highest key number every chooser may draw: all inserts up to it are acknowledged. */
export function ycsbLastAcknowledged(): f64 {
  if (shared == 0) return lastRecordWithoutShared;
  return <f64>atomic.load<i64>(shared + YCSB_ACKNOWLEDGED_OFFSET);
}

/**
 * Java `AcknowledgedCounterGenerator.acknowledge`: marks insert `keyNumber` done, and if no
 * other thread is doing it, moves the acknowledged limit over every contiguous done key.
 * Returns 0, or -1 if the window overflowed (more unacknowledged inserts than it holds).
 */
export function ycsbAcknowledgeInsert(keyNumber: f64): i32 {
  const window = shared + YCSB_WINDOW_OFFSET;
  const mask = <i64>(YCSB_ACK_WINDOW - 1);
  // Keys above the limit share no slot only within one window of it.
  if (<i64>keyNumber - atomic.load<i64>(shared + YCSB_ACKNOWLEDGED_OFFSET) > <i64>YCSB_ACK_WINDOW) return -1;
  const slot = window + <usize>(<i64>keyNumber & mask);
  if (atomic.load<u8>(slot) != 0) return -1;
  atomic.store<u8>(slot, 1);
  const lock = shared + YCSB_LOCK_OFFSET;
  if (atomic.cmpxchg<i32>(lock, 0, 1) != 0) return 0;
  const limit = atomic.load<i64>(shared + YCSB_ACKNOWLEDGED_OFFSET);
  let advanced: i64 = 0;
  while (advanced < <i64>YCSB_ACK_WINDOW) {
    const next = window + <usize>((limit + 1 + advanced) & mask);
    if (atomic.load<u8>(next) == 0) break;
    atomic.store<u8>(next, 0);
    advanced++;
  }
  atomic.store<i64>(shared + YCSB_ACKNOWLEDGED_OFFSET, limit + advanced);
  atomic.store<i32>(lock, 0);
  return 0;
}

/** Bound on redraws of keys that are not inserted yet; YCSB redraws without a bound. */
const KEY_REDRAWS_MAX = 1000;

/** Java `Math.abs(random.nextLong()) % interval` as a uniform integer in [0, interval). */
// @ts-ignore: decorator
@inline function uniformBelow(state: usize, interval: f64): f64 {
  return Math.floor(randomDouble(state) * interval);
}

/** One draw of the key chooser, before the check against the acknowledged limit. */
function drawKeyNumber(state: usize, lastAcknowledged: f64): f64 {
  switch (chooser) {
    case DISTRIBUTION_ZIPFIAN:
      return scrambledZipfianNext(state, chooserMin, chooserItemCount);
    case DISTRIBUTION_UNIFORM:
      return chooserMin + uniformBelow(state, chooserItemCount);
    case DISTRIBUTION_LATEST:
      // Java `SkewedLatestGenerator`: the newest acknowledged key is the most popular.
      return lastAcknowledged - zipfianFromUniformOver(randomDouble(state), lastAcknowledged);
    case DISTRIBUTION_HOTSPOT: {
      const coldItemCount = chooserItemCount - hotItemCount;
      if (coldItemCount <= 0 || (hotItemCount > 0 && randomDouble(state) < hotOperationFraction)) {
        return chooserMin + uniformBelow(state, hotItemCount);
      }
      return chooserMin + hotItemCount + uniformBelow(state, coldItemCount);
    }
    case DISTRIBUTION_EXPONENTIAL:
      // Java: lastValue - (int) (-ln(u) / γ), redrawn while negative.
      return lastAcknowledged - Math.floor(-Math.log(randomDouble(state)) / exponentialGamma);
    default: {
      // DISTRIBUTION_SEQUENTIAL: one counter for all clients, cycling over the loaded keys.
      const count = atomic.add<i64>(shared + YCSB_SEQUENTIAL_OFFSET, 1);
      return chooserMin + <f64>(count % <i64>chooserItemCount);
    }
  }
}

/** Java `CoreWorkload.nextKeynum()`: a key number no greater than the acknowledged limit. */
function nextKeyNumber(state: usize): f64 {
  const lastAcknowledged = ycsbLastAcknowledged();
  for (let draws = 0; draws < KEY_REDRAWS_MAX; draws++) {
    const keyNumber = drawKeyNumber(state, lastAcknowledged);
    if (keyNumber >= 0 && keyNumber <= lastAcknowledged) return keyNumber;
  }
  return -1;
}

let lastRecordNumber: f64 = 0;
let lastValueLength: i32 = 0;

/** The key number the last `ycsbNextOperation` chose. */
export function ycsbLastRecord(): f64 {
  return lastRecordNumber;
}

/** The length of the value the last `ycsbNextOperation` or `ycsbWriteValue` wrote. */
export function ycsbLastValueLength(): i32 {
  return lastValueLength;
}

/**
 * Draws the next operation of a client: returns OPERATION_READ, _UPDATE, _INSERT or
 * _READ_MODIFY_WRITE, writes the key into the descriptor (prepared) and, for an update or
 * an insert, a fresh record value at `value` (its length: `ycsbLastValueLength`). An insert
 * takes the next key number of the shared sequence; acknowledge it with
 * `ycsbAcknowledgeInsert` when it is done. A read-modify-write's value is written later,
 * after its read (`ycsbWriteValue`). Returns -1 if no acknowledged key was drawn in
 * KEY_REDRAWS_MAX tries (an impossible configuration, reported by the caller).
 */
export function ycsbNextOperation(state: usize, descriptor: usize, value: usize): i32 {
  const draw = randomDouble(state);
  let operation = OPERATION_READ_MODIFY_WRITE;
  if (draw < readUpTo) operation = OPERATION_READ;
  else if (draw < updateUpTo) operation = OPERATION_UPDATE;
  else if (draw < insertUpTo) operation = OPERATION_INSERT;
  let record: f64;
  if (operation == OPERATION_INSERT) {
    record = <f64>atomic.add<i64>(shared + YCSB_NEXT_INSERT_OFFSET, 1);
  } else {
    record = nextKeyNumber(state);
    if (record < 0) return -1;
  }
  lastRecordNumber = record;
  ycsbKey(record, descriptor);
  if (operation == OPERATION_UPDATE || operation == OPERATION_INSERT) ycsbWriteValue(state, value);
  return operation;
}

// ---------------------------------------------------------------------------------------
// Records: key names and values.

let orderedKeyNames: bool = false;
let keyZeroPadding: i32 = 1;
let fieldCount: i32 = 1;
let fieldLengthMin: i32 = 64;
let fieldLengthMax: i32 = 64;
let fieldLengthDistribution: i32 = 0;

/**
 * Configures the records: key names (`ordered`: `"user" + n`; else `"user" + fnvhash64(n)`,
 * zero padded to `zeroPadding` digits, Java `CoreWorkload.buildKeyName`) and values of
 * `fields` fields of `lengthMax` bytes each, or of uniform lengths in [lengthMin, lengthMax]
 * (`distribution` FIELD_LENGTH_*). A record is stored as one value, its fields concatenated.
 */
export function configureRecords(ordered: i32, zeroPadding: i32, fields: i32, lengthMin: i32, lengthMax: i32, distribution: i32): void {
  orderedKeyNames = ordered != 0;
  keyZeroPadding = zeroPadding;
  fieldCount = fields;
  fieldLengthMin = lengthMin;
  fieldLengthMax = lengthMax;
  fieldLengthDistribution = distribution;
}

/** Draws a record value's length: the sum of its fields' lengths. */
export function ycsbValueLength(state: usize): i32 {
  if (fieldLengthDistribution != FIELD_LENGTH_UNIFORM) return fieldCount * fieldLengthMax;
  let length = 0;
  const span = <f64>(fieldLengthMax - fieldLengthMin + 1);
  for (let field = 0; field < fieldCount; field++) length += fieldLengthMin + <i32>Math.floor(randomDouble(state) * span);
  return length;
}

/** Writes a fresh record value at `output` (length drawn, then bytes); returns its length. */
export function ycsbWriteValue(state: usize, output: usize): i32 {
  const length = ycsbValueLength(state);
  ycsbValue(state, output, length);
  lastValueLength = length;
  return length;
}

/** Writes `digits` decimal digits of `value` (zero padded) ending just before `end`. */
// @ts-ignore: decorator
@inline function writeDigits(end: usize, value: u32, digits: i32): void {
  for (let i = 1; i <= digits; i++) {
    store<u8>(end - <usize>i, <u8>(48 + value % 10));
    value /= 10;
  }
}

/** Writes the 8 decimal digits of `value` (< 10^8, zero padded) at `output`, unrolled (no loop). */
// @ts-ignore: decorator
@inline function writeEightDigits(output: usize, value: u32): void {
  store<u8>(output, <u8>(48 + value % 10), 7); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 6); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 5); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 4); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 3); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 2); value /= 10;
  store<u8>(output, <u8>(48 + value % 10), 1); value /= 10;
  store<u8>(output, <u8>(48 + value), 0);
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
 * Writes the key name of key number `record` at `output`; returns its length in bytes:
 * "user" and at most max(20, zeroPadding) digits (the caller keeps zeroPadding ≤ 20, so a
 * name fits the descriptor's 24 key bytes, where `ycsbKey` hashes it in place).
 * The number is cut into 8-digit chunks first: two 64-bit divisions instead of one per
 * digit (64-bit division is the slow part of this kernel).
 */
export function ycsbKeyName(record: f64, output: usize): i32 {
  store<u32>(output, 0x72657375); // "user", little endian
  const number = orderedKeyNames ? <u64>record : <u64>fnvhash64(<i64>record);
  const low = <u32>(number % TEN_TO_THE_8);
  const upper = number / TEN_TO_THE_8;
  const middle = <u32>(upper % TEN_TO_THE_8);
  const top = <u32>(upper / TEN_TO_THE_8);
  const digits = top != 0 ? digitCount(top) + 16 : middle != 0 ? digitCount(middle) + 8 : digitCount(low);
  let length = 4;
  for (let fill = keyZeroPadding - digits; fill > 0; fill--) {
    store<u8>(output + <usize>length, 48);
    length++;
  }
  if (top != 0) {
    const topDigits = digits - 16;
    writeDigits(output + <usize>(length + topDigits), top, topDigits);
    length += topDigits;
    writeEightDigits(output + <usize>length, middle);
    length += 8;
    writeEightDigits(output + <usize>length, low);
    return length + 8;
  }
  if (middle != 0) {
    const middleDigits = digits - 8;
    writeDigits(output + <usize>(length + middleDigits), middle, middleDigits);
    length += middleDigits;
    writeEightDigits(output + <usize>length, low);
    return length + 8;
  }
  writeDigits(output + <usize>(length + digits), low, digits);
  return length + digits;
}

/** Writes the 16-byte key of key number `record` into the descriptor and prepares it. */
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
