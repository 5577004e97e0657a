/**
 * Scalio's DRAM cache: slot scanning, state words, checksums and the NIC's 64-bit atomics.
 * Layouts: src/layout/cache-slot.ts (slot, state word), src/layout/verbs.ts (atomic operands).
 *
 * Clients run `cacheScan` on their *local copy* of a bucket (fetched with an RDMA READ);
 * DPU cores run `cacheInvalidate` on the bucket itself in DPU DRAM.
 */
import {
  SLOT_STATE_WORD_OFFSET, SLOT_ACCESS_TIME_OFFSET, SLOT_KEY_LENGTH_OFFSET, SLOT_VALUE_LENGTH_OFFSET,
  SLOT_KEY_OFFSET, SLOT_CHECKSUM_OFFSET, SLOT_STATE_EMPTY, SLOT_STATE_FILLING, SLOT_STATE_VALID,
  SLOT_STATE_FILLING_INVALIDATED, SLOT_STATE_MASK, SLOT_FINGERPRINT_SHIFT, SLOT_FINGERPRINT_MASK,
  SLOT_TAG_SHIFT, SCAN_HIT, SCAN_TORN, SCAN_PENDING, SCAN_MISS, SCAN_NO_VICTIM, SCAN_RECLAIM, SCAN_CODE_SHIFT,
  SLOT_RESERVER_SHIFT, SLOT_RESERVER_MASK, SLOT_LEASE_EPOCH_SHIFT, SLOT_LEASE_EPOCH_MASK, LEASE_AGE_FUTURE,
} from "../src/layout/cache-slot";
import { ATOMIC_COMPARE_OFFSET, ATOMIC_SWAP_OFFSET, ATOMIC_RESULT_OFFSET } from "../src/layout/verbs";
import { KEY_BYTES_OFFSET } from "../src/layout/key";
import { murmur3x64Inline } from "./hash";
import { placementHigh, placementLow, keyLengthOf, bytesEqual } from "./key";

let slotsPerBucket: i32 = 8;
let slotBytes: i32 = 0;
let slotValueOffset: i32 = 0;
let slotKeyBytes: i32 = 0;
let slotValueBytes: i32 = 0;

/** The slot geometry `configureCache` set, for kernels in other files (assembly/fast-path.ts). */
// @ts-ignore: decorator
@inline export function configuredSlotBytes(): i32 {
  return slotBytes;
}
// @ts-ignore: decorator
@inline export function configuredSlotValueOffset(): i32 {
  return slotValueOffset;
}

/** Sets the slot geometry that TypeScript derived from the configuration (per thread). */
export function configureCache(slots: i32, bytesPerSlot: i32, keyBytesMax: i32, valueBytesMax: i32, valueOffset: i32): void {
  slotsPerBucket = slots;
  slotBytes = bytesPerSlot;
  slotKeyBytes = keyBytesMax;
  slotValueBytes = valueBytesMax;
  slotValueOffset = valueOffset;
}

/** Epochs a reservation holds before it may be taken (0: leases off, a reservation is never taken). */
let leaseEpochs: i32 = 0;

/** Sets the lease (per thread): a pending slot expires when its age exceeds `epochs` epochs. */
export function configureCacheLease(epochs: i32): void {
  leaseEpochs = epochs;
}

const CHECKSUM_SEED: u32 = 0x5107;

// @ts-ignore: decorator
@inline function stateOf(word: u64): i32 {
  return <i32>(word & SLOT_STATE_MASK);
}

// @ts-ignore: decorator
@inline function fingerprintOf(word: u64): u32 {
  return <u32>(word >> SLOT_FINGERPRINT_SHIFT) & SLOT_FINGERPRINT_MASK;
}

// @ts-ignore: decorator
@inline function tagOf(word: u64): u32 {
  return <u32>(word >> SLOT_TAG_SHIFT);
}

// @ts-ignore: decorator
@inline function makeWord(state: i32, fingerprint: u32, tag: u32): u64 {
  return <u64>state | (<u64>fingerprint << SLOT_FINGERPRINT_SHIFT) | (<u64>tag << SLOT_TAG_SHIFT);
}

/** A FILLING or FILLING_INVALIDATED word: the key's fingerprint and the reservation (owner, lease epoch). */
// @ts-ignore: decorator
@inline function makeReservationWord(state: i32, fingerprint: u32, owner: i32, epoch: i32): u64 {
  const reservation = ((<u64>(<u32>epoch & SLOT_LEASE_EPOCH_MASK)) << SLOT_LEASE_EPOCH_SHIFT)
    | ((<u64>((<u32>owner + 1) & SLOT_RESERVER_MASK)) << SLOT_RESERVER_SHIFT);
  return <u64>state | (<u64>fingerprint << SLOT_FINGERPRINT_SHIFT) | reservation;
}

/** Epochs since a pending word's reservation, seen from `epoch` (mod 2^16). */
// @ts-ignore: decorator
@inline function leaseAge(word: u64, epoch: i32): i32 {
  return <i32>((<u32>epoch - <u32>(word >> SLOT_LEASE_EPOCH_SHIFT)) & SLOT_LEASE_EPOCH_MASK);
}

/** Whether a pending word's lease has run out as of `epoch` (never with leases off). */
// @ts-ignore: decorator
@inline function leaseExpired(word: u64, epoch: i32): bool {
  if (leaseEpochs <= 0) return false;
  const age = leaseAge(word, epoch);
  return age > leaseEpochs && age < LEASE_AGE_FUTURE;
}

/** The fingerprint that identifies a key in a state word: the low 30 bits of its placement hash. */
export function keyFingerprint(descriptor: usize): u32 {
  return <u32>placementHigh(descriptor) & SLOT_FINGERPRINT_MASK;
}

/** The cache bucket of a key: an independent half of its placement hash, mod the bucket count. */
export function cacheBucketOf(descriptor: usize, bucketCount: i32): i32 {
  return <i32>(placementLow(descriptor) % <u64><u32>bucketCount);
}

/**
 * The checksum a VALID state word carries: 32 bits of a hash over the lengths, the key and
 * the value. Lengths are clamped first: a torn slot can hold any bytes, and the hash must
 * never read past the slot.
 */
export function slotChecksum(slot: usize): u32 {
  return checksumOfSlot(slot);
}

/** `slotChecksum`, compiled into its caller (the scan's hit test, the fill). */
// @ts-ignore: decorator
@inline function checksumOfSlot(slot: usize): u32 {
  const valueLength = min(<i32>load<u16>(slot, SLOT_VALUE_LENGTH_OFFSET), slotValueBytes);
  const length = slotValueOffset + valueLength - SLOT_CHECKSUM_OFFSET;
  return <u32>murmur3x64Inline(slot + SLOT_CHECKSUM_OFFSET, length, CHECKSUM_SEED);
}

// @ts-ignore: decorator
@inline function slotHoldsKey(slot: usize, descriptor: usize): bool {
  const keyLength = keyLengthOf(descriptor);
  return <i32>load<u8>(slot, SLOT_KEY_LENGTH_OFFSET) == keyLength
    && bytesEqual(slot + SLOT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, keyLength);
}


/**
 * Scans a local copy of a bucket for the key. Returns `code << 8 | slot`:
 *
 * - SCAN_HIT: a VALID slot holds the key and its checksum matches;
 * - SCAN_TORN: a VALID slot with the key's fingerprint fails its checksum: the RDMA READ
 *   overlapped a change of that slot, read the bucket again (`slot` is the torn one, and
 *   its state word is staged as the CAS compare operand, for `stageScrub`);
 * - SCAN_PENDING: a slot with the key's fingerprint is FILLING (or FILLING_INVALIDATED):
 *   another reader is filling this key, wait for it;
 * - SCAN_MISS: no slot for the key; `slot` is the victim (the first EMPTY slot, else the
 *   VALID slot with the oldest access time; never a pending slot) and its state word, as
 *   read, is staged as the CAS compare operand at `operands`;
 * - SCAN_NO_VICTIM: every slot is pending;
 * - SCAN_RECLAIM: as SCAN_MISS, but the victim is a pending slot whose lease expired as of
 *   `epoch` (the reader's latest copy of the epoch word); an expired slot is never "the key
 *   being filled". Victims in order: the key's own expired reservation (so a key keeps one
 *   slot), an EMPTY slot, another expired reservation, the oldest VALID slot.
 */
export function cacheScan(bucket: usize, descriptor: usize, operands: usize, epoch: i32): i32 {
  // The steady state first: slots VALID and none the key's (the victim: the oldest). This
  // loop makes no call and keeps little state, so the compiled loop keeps it in registers (a
  // call inside a loop makes the engine keep the loop's values in memory). Any other slot
  // (EMPTY, pending, or VALID with the key's fingerprint: a hit, another key, or torn) ends
  // it: a hit returns, and otherwise `cacheScanFrom` goes on from that slot with the oldest
  // so far.
  const fingerprint = keyFingerprint(descriptor);
  const slots = slotsPerBucket;
  const stride = <usize>slotBytes;
  // The steady state's test in one compare: a state word's low 32 bits XOR those of the
  // key's VALID word, rotated so the state bits come last, are 0 for the key's fingerprint,
  // at least 2^30 for another state, and in between for the common slot.
  const keyValidWord = (fingerprint << SLOT_FINGERPRINT_SHIFT) | SLOT_STATE_VALID;
  let oldestSlot = -1;
  let oldestWord: u64 = 0;
  let oldestTime: u64 = u64.MAX_VALUE;
  let index = 0;
  let slot = bucket;
  for (; index < slots; index++, slot += stride) {
    const word = load<u64>(slot, SLOT_STATE_WORD_OFFSET);
    if (rotr<u32>(<u32>word ^ keyValidWord, SLOT_FINGERPRINT_SHIFT) - 1 >= <u32>SLOT_FINGERPRINT_MASK) {
      // A hit ends the scan here; anything else goes on in `cacheScanFrom`.
      if (stateOf(word) == SLOT_STATE_VALID && validSlotMatch(slot, descriptor, word) > 0) return (SCAN_HIT << SCAN_CODE_SHIFT) | index;
      return cacheScanFrom(bucket, descriptor, operands, epoch, index, oldestSlot, oldestWord, oldestTime);
    }
    // (Two branches, not one on `a || b`: the engine would compute both sides with flags.)
    const accessTime = load<u64>(slot, SLOT_ACCESS_TIME_OFFSET);
    if (accessTime < oldestTime) {
      oldestTime = accessTime;
      oldestSlot = index;
      oldestWord = word;
    } else if (oldestSlot < 0) {
      oldestTime = accessTime;
      oldestSlot = index;
      oldestWord = word;
    }
  }
  if (oldestSlot < 0) return SCAN_NO_VICTIM << SCAN_CODE_SHIFT;
  store<u64>(operands, oldestWord, ATOMIC_COMPARE_OFFSET);
  return (SCAN_MISS << SCAN_CODE_SHIFT) | oldestSlot;
}

/**
 * `cacheScan` from slot `first` on, every kind of slot; the slots before it are VALID and
 * not the key's, `oldestSlotBefore` (-1: none) the oldest of them.
 */
function cacheScanFrom(bucket: usize, descriptor: usize, operands: usize, epoch: i32, first: i32, oldestSlotBefore: i32, oldestWordBefore: u64, oldestTimeBefore: u64): i32 {
  const fingerprint = keyFingerprint(descriptor);
  // As `cacheScan`'s loop, from slot `first`: the inner loop takes the steady state's slot
  // and makes no call; every other slot is handled after it, and the inner loop resumes at
  // the next slot.
  const slots = slotsPerBucket;
  const stride = <usize>slotBytes;
  // The steady state's test in one compare: a state word's low 32 bits XOR those of the
  // key's VALID word, rotated so the state bits come last, are 0 for the key's fingerprint,
  // at least 2^30 for another state, and in between for the common slot.
  const keyValidWord = (fingerprint << SLOT_FINGERPRINT_SHIFT) | SLOT_STATE_VALID;
  let oldestSlot = oldestSlotBefore;
  let oldestWord = oldestWordBefore;
  let oldestTime = oldestTimeBefore;
  let tornSlot = -1;
  let tornWord: u64 = 0;
  let pending = false;
  let emptySlot = -1;
  let emptyWord: u64 = 0;
  let expiredSlot = -1;
  let expiredWord: u64 = 0;
  let index = first;
  let slot = bucket + <usize>first * stride;
  while (true) {
    let word: u64 = 0;
    for (; index < slots; index++, slot += stride) {
      word = load<u64>(slot, SLOT_STATE_WORD_OFFSET);
      if (rotr<u32>(<u32>word ^ keyValidWord, SLOT_FINGERPRINT_SHIFT) - 1 >= <u32>SLOT_FINGERPRINT_MASK) break;
      // (Two branches, not one on `a || b`: the engine would compute both sides with flags.)
      const accessTime = load<u64>(slot, SLOT_ACCESS_TIME_OFFSET);
      if (accessTime < oldestTime) {
        oldestTime = accessTime;
        oldestSlot = index;
        oldestWord = word;
      } else if (oldestSlot < 0) {
        oldestTime = accessTime;
        oldestSlot = index;
        oldestWord = word;
      }
    }
    if (index == slots) break;
    const state = stateOf(word);
    if (state == SLOT_STATE_VALID) {
      // The key's fingerprint (the inner loop took the others).
      const match = validSlotMatch(slot, descriptor, word);
      if (match > 0) return (SCAN_HIT << SCAN_CODE_SHIFT) | index;
      if (match < 0 && tornSlot < 0) {
        tornSlot = index;
        tornWord = word;
      }
      const accessTime = load<u64>(slot, SLOT_ACCESS_TIME_OFFSET);
      if (accessTime < oldestTime || oldestSlot < 0) {
        oldestTime = accessTime;
        oldestSlot = index;
        oldestWord = word;
      }
    } else if (state == SLOT_STATE_EMPTY) {
      if (emptySlot < 0) {
        emptySlot = index;
        emptyWord = word;
      }
    } else if (leaseExpired(word, epoch)) {
      // The key's own dead reservation first, then any other.
      const sameFingerprint = fingerprintOf(word) == fingerprint;
      if (expiredSlot < 0 || (sameFingerprint && fingerprintOf(expiredWord) != fingerprint)) {
        expiredSlot = index;
        expiredWord = word;
      }
    } else if (fingerprintOf(word) == fingerprint) {
      pending = true;
    }
    index++;
    slot += stride;
  }
  if (tornSlot >= 0) {
    store<u64>(operands, tornWord, ATOMIC_COMPARE_OFFSET);
    return (SCAN_TORN << SCAN_CODE_SHIFT) | tornSlot;
  }
  if (pending) return SCAN_PENDING << SCAN_CODE_SHIFT;
  // Stage the word the decision was made on, not a second load of it: when the scan runs on
  // the bucket in DPU DRAM itself (the artifact's DPU core), the slot may have changed since,
  // and a CAS comparing against a fresh load would take a slot another reader just reserved.
  const ownExpired = expiredSlot >= 0 && fingerprintOf(expiredWord) == fingerprint;
  if (emptySlot >= 0 && !ownExpired) {
    store<u64>(operands, emptyWord, ATOMIC_COMPARE_OFFSET);
    return (SCAN_MISS << SCAN_CODE_SHIFT) | emptySlot;
  }
  if (expiredSlot >= 0) {
    store<u64>(operands, expiredWord, ATOMIC_COMPARE_OFFSET);
    return (SCAN_RECLAIM << SCAN_CODE_SHIFT) | expiredSlot;
  }
  if (oldestSlot < 0) return SCAN_NO_VICTIM << SCAN_CODE_SHIFT;
  store<u64>(operands, oldestWord, ATOMIC_COMPARE_OFFSET);
  return (SCAN_MISS << SCAN_CODE_SHIFT) | oldestSlot;
}

/**
 * A VALID slot with the key's fingerprint: 1 if it holds the key (checksum matching), 0 if
 * it holds another key, -1 if it is torn (its bytes fail the checksum its state word carries).
 */
function validSlotMatch(slot: usize, descriptor: usize, word: u64): i32 {
  if (checksumOfSlot(slot) != tagOf(word)) return -1;
  return slotHoldsKey(slot, descriptor) ? 1 : 0;
}

/**
 * After a reader reserved `ownSlot` for the key, in a fresh local copy of the bucket: is
 * another slot also claiming the key (pending with its fingerprint, VALID with the key, or
 * VALID with its fingerprint but torn)? Two readers that missed at once may both reserve a
 * slot; the one that sees the other backs off, so a key never has two slots being filled.
 */
export function cacheOtherClaim(bucket: usize, descriptor: usize, ownSlot: i32, epoch: i32): i32 {
  const fingerprint = keyFingerprint(descriptor);
  for (let index = 0; index < slotsPerBucket; index++) {
    if (index == ownSlot) continue;
    const slot = bucket + <usize>(index * slotBytes);
    const word = load<u64>(slot, SLOT_STATE_WORD_OFFSET);
    const state = stateOf(word);
    if (state == SLOT_STATE_EMPTY || fingerprintOf(word) != fingerprint) continue;
    if (state != SLOT_STATE_VALID) {
      // An expired reservation is no claim: its owner's fill can no longer publish once taken.
      if (leaseExpired(word, epoch)) continue;
      return 1;
    }
    if (slotChecksum(slot) != tagOf(word) || slotHoldsKey(slot, descriptor)) return 1;
  }
  return 0;
}

/** Stages slot `index`'s word, as read into a local copy of its bucket, as the CAS compare operand. */
export function stageCompareFromSlot(operands: usize, bucket: usize, index: i32): void {
  store<u64>(operands, load<u64>(bucket + <usize>(index * slotBytes), SLOT_STATE_WORD_OFFSET), ATOMIC_COMPARE_OFFSET);
}

/**
 * Stages the reservation CAS: the victim's word (already the compare operand) → FILLING,
 * carrying the reservation: `owner` (a client id) and `epoch`, the start of its lease.
 */
export function stageReserve(operands: usize, descriptor: usize, owner: i32, epoch: i32): void {
  store<u64>(operands, makeReservationWord(SLOT_STATE_FILLING, keyFingerprint(descriptor), owner, epoch), ATOMIC_SWAP_OFFSET);
}

/**
 * Builds the slot image a fill writes (from SLOT_ACCESS_TIME_OFFSET to the end of the
 * value) at `image` (a slot-sized local buffer) and stages the publishing CAS
 * FILLING → VALID(checksum).
 */
export function stageFill(image: usize, descriptor: usize, value: usize, valueLength: i32, accessTimeNs: f64, operands: usize, owner: i32, epoch: i32): void {
  const keyLength = keyLengthOf(descriptor);
  store<u64>(image, <u64>accessTimeNs, SLOT_ACCESS_TIME_OFFSET);
  store<u64>(image, 0, SLOT_KEY_LENGTH_OFFSET);
  store<u8>(image, <u8>keyLength, SLOT_KEY_LENGTH_OFFSET);
  store<u16>(image, <u16>valueLength, SLOT_VALUE_LENGTH_OFFSET);
  memory.copy(image + SLOT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, <usize>slotKeyBytes);
  memory.fill(image + SLOT_KEY_OFFSET + <usize>slotKeyBytes, 0, <usize>(slotValueOffset - SLOT_KEY_OFFSET - slotKeyBytes));
  memory.copy(image + <usize>slotValueOffset, value, <usize>valueLength);
  const fingerprint = keyFingerprint(descriptor);
  store<u64>(operands, makeReservationWord(SLOT_STATE_FILLING, fingerprint, owner, epoch), ATOMIC_COMPARE_OFFSET);
  store<u64>(operands, makeWord(SLOT_STATE_VALID, fingerprint, checksumOfSlot(image)), ATOMIC_SWAP_OFFSET);
}

/**
 * Stages the CAS by which an owner gives its reserved slot back: FILLING → EMPTY, or
 * FILLING_INVALIDATED → EMPTY when a writer invalidated the fill.
 */
export function stageRelease(operands: usize, descriptor: usize, owner: i32, epoch: i32, invalidated: i32): void {
  const state = invalidated != 0 ? SLOT_STATE_FILLING_INVALIDATED : SLOT_STATE_FILLING;
  store<u64>(operands, makeReservationWord(state, keyFingerprint(descriptor), owner, epoch), ATOMIC_COMPARE_OFFSET);
  store<u64>(operands, makeWord(SLOT_STATE_EMPTY, 0, 0), ATOMIC_SWAP_OFFSET);
}

/**
 * Stages a scrub: the staged compare operand (a VALID word whose slot failed its checksum)
 * → EMPTY. Emptying a slot is always safe (it is what a writer's invalidation does); a
 * reader scrubs a slot it found torn twice with the same state word: not a READ that
 * overlapped a fill, but bytes a late fill wrote after its lease was taken.
 */
export function stageScrub(operands: usize): void {
  store<u64>(operands, makeWord(SLOT_STATE_EMPTY, 0, 0), ATOMIC_SWAP_OFFSET);
}

/** The staged compare operand's low or high 32 bits (`high` 0 or 1), to remember a word seen. */
export function stagedCompareHalf(operands: usize, high: i32): u32 {
  return <u32>(load<u64>(operands, ATOMIC_COMPARE_OFFSET) >> (high != 0 ? 32 : 0));
}

/** The state (EMPTY, FILLING, VALID, FILLING_INVALIDATED) of the previous value an atomic returned. */
export function atomicResultState(operands: usize): i32 {
  return stateOf(load<u64>(operands, ATOMIC_RESULT_OFFSET));
}

/**
 * The NIC's RDMA compare-and-swap on the 8-byte word at `remote`: the previous value lands
 * in the result operand, as with a real RDMA atomic. Returns 1 when the swap happened.
 */
export function compareAndSwap64(remote: usize, operands: usize): i32 {
  const compare = load<u64>(operands, ATOMIC_COMPARE_OFFSET);
  const previous = atomic.cmpxchg<u64>(remote, compare, load<u64>(operands, ATOMIC_SWAP_OFFSET));
  store<u64>(operands, previous, ATOMIC_RESULT_OFFSET);
  return previous == compare ? 1 : 0;
}

/** The NIC's RDMA fetch-and-add on the 8-byte word at `remote` (addend in the swap operand). */
export function fetchAndAdd64(remote: usize, operands: usize): void {
  store<u64>(operands, atomic.add<u64>(remote, load<u64>(operands, ATOMIC_SWAP_OFFSET)), ATOMIC_RESULT_OFFSET);
}

/** Bound on CAS retries per slot in `cacheInvalidate`; each retry needs a concurrent change. */
const INVALIDATE_TRIES_MAX = 64;

/**
 * A writer's invalidation, run by a DPU core on the bucket in DPU DRAM after the new value
 * is committed on the SSD: every slot claiming the key's fingerprint goes VALID → EMPTY
 * (its value is stale) or FILLING → FILLING_INVALIDATED (the fill may have read the old
 * value; its owner will release the slot instead of publishing it). Returns the number of
 * slots changed, or -1 if a slot kept changing for INVALIDATE_TRIES_MAX tries.
 */
export function cacheInvalidate(bucket: usize, descriptor: usize): i32 {
  const fingerprint = keyFingerprint(descriptor);
  let changed = 0;
  for (let index = 0; index < slotsPerBucket; index++) {
    const slot = bucket + <usize>(index * slotBytes);
    let tries = 0;
    while (true) {
      if (tries++ == INVALIDATE_TRIES_MAX) return -1;
      const word = atomic.load<u64>(slot, SLOT_STATE_WORD_OFFSET);
      const state = stateOf(word);
      if (state == SLOT_STATE_EMPTY || state == SLOT_STATE_FILLING_INVALIDATED) break;
      if (fingerprintOf(word) != fingerprint) break;
      const replacement = state == SLOT_STATE_VALID
        ? makeWord(SLOT_STATE_EMPTY, 0, 0)
        : (word & ~(<u64>SLOT_STATE_MASK)) | <u64>SLOT_STATE_FILLING_INVALIDATED;
      if (atomic.cmpxchg<u64>(slot + SLOT_STATE_WORD_OFFSET, word, replacement) == word) {
        changed++;
        break;
      }
    }
  }
  return changed;
}

/**
 * The value length of slot `index` in a local copy of a bucket, at most a slot's value bytes:
 * the checksum covers only that many, so a torn length that still passed it (about one torn
 * read in 2^32) must not make a reader copy past the slot.
 */
export function slotValueLength(bucket: usize, index: i32): i32 {
  const length = <i32>load<u16>(bucket + <usize>(index * slotBytes), SLOT_VALUE_LENGTH_OFFSET);
  return length < slotValueBytes ? length : slotValueBytes;
}

/** The state of slot `index` of a bucket (local copy or DPU DRAM; an atomic load). */
export function slotState(bucket: usize, index: i32): i32 {
  return stateOf(atomic.load<u64>(bucket + <usize>(index * slotBytes), SLOT_STATE_WORD_OFFSET));
}

/**
 * The DPU core's sweep over `slotCount` slots of the cache table from slot `firstSlot`:
 * every pending slot whose lease expired as of `epoch` goes to EMPTY by CAS (a slot that
 * changed meanwhile is left alone: someone else took it). Returns the slots reclaimed.
 */
export function cacheSweep(table: usize, firstSlot: i32, slotCount: i32, epoch: i32): i32 {
  let reclaimed = 0;
  // The stride in a local and the address the loop's variable (a global is a load from the
  // instance on every use).
  const stride = <usize>slotBytes;
  const end = table + <usize>(firstSlot + slotCount) * stride + SLOT_STATE_WORD_OFFSET;
  for (let address = table + <usize>firstSlot * stride + SLOT_STATE_WORD_OFFSET; address < end; address += stride) {
    const word = atomic.load<u64>(address);
    // EMPTY and VALID, the steady state, are the even states; the pending ones are odd
    // (test/slot-states.test.ts checks the layout keeps it so).
    if ((word & 1) == 0) continue;
    if (!leaseExpired(word, epoch)) continue;
    if (atomic.cmpxchg<u64>(address, word, makeWord(SLOT_STATE_EMPTY, 0, 0)) == word) reclaimed++;
  }
  return reclaimed;
}
