/*
 * Native references for the kernel micro-benchmarks (bench/kernels.ts): C ports of the
 * AssemblyScript kernels in assembly/, doing the same work on the same layouts.
 *
 * - Layout constants (slot, key descriptor, store bucket, atomic operands) are not written
 *   here: bench/native.ts passes each one with -D from src/layout/*.ts, where they are
 *   defined once.
 * - Run-time settings that the WebAssembly kernels keep in globals (slot geometry, lease,
 *   zipfian, operation mix, record shape) arrive on the command line and live in globals
 *   here too, so the compiler cannot specialise on them either.
 * - The memory the kernels work on is the WebAssembly memory the TypeScript bench set up,
 *   dumped to a file: both sides start from the same bytes at the same offsets.
 * - Each kernel call goes through a function pointer to a non-inlined task, as each
 *   JavaScript task calls its kernel through a closure.
 *
 * Usage: kernels IMAGE BASE MODE key=value...  (MODE: "time MS" or "verify"); see bench/native.ts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t i64;
typedef int32_t i32;

#define NOINLINE __attribute__((noinline))
/* Globals a WebAssembly instance has per thread; bench/native/live.c, which includes this file
 * and runs it on several threads, defines THREAD_LOCAL as __thread. */
#ifndef THREAD_LOCAL
#define THREAD_LOCAL
#endif

static u8 *image;          /* the dumped memory */
static u64 imageBase;      /* the WebAssembly address of image[0] */
static u8 *at(u64 address) { return image + (address - imageBase); }

static inline u64 load64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }
static inline u32 load32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline u16 load16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static inline void store64(u8 *p, u64 v) { memcpy(p, &v, 8); }
static inline void store32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static inline void store16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static inline u64 atomicLoad64(const u8 *p) { return __atomic_load_n((const u64 *)p, __ATOMIC_SEQ_CST); }
static inline u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }

/* SsdArray.read's port for the SSD rows; bench/native/sim.c, which includes this file and keeps
 * its SSDs in a layout of its own, defines KERNELS_WITHOUT_SSD. */
#ifndef KERNELS_WITHOUT_SSD
#include "ssd.h"
#endif

/* ---------------------------------------------------------------- assembly/hash.ts */
#define MURMUR_C1 0x87c37b91114253d5ULL
#define MURMUR_C2 0x4cf5ad432745937fULL
static inline u64 finalMix64(u64 k) {
  k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ULL; k ^= k >> 33;
  return k;
}
static THREAD_LOCAL u64 murmurSecondHalf;
static u64 murmur3x64(const u8 *source, i32 length, u32 seed) {
  u64 h1 = seed, h2 = seed;
  const i32 blockCount = length >> 4;
  const u8 *end = source + ((size_t)blockCount << 4);
  const u8 *pairsEnd = source + ((size_t)(blockCount >> 1) << 5);
  const u8 *block = source;
#define MURMUR_BLOCK(at) do { \
    u64 k1 = load64(at), k2 = load64((at) + 8); \
    k1 *= MURMUR_C1; k1 = rotl64(k1, 31); k1 *= MURMUR_C2; h1 ^= k1; \
    h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729; \
    k2 *= MURMUR_C2; k2 = rotl64(k2, 33); k2 *= MURMUR_C1; h2 ^= k2; \
    h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5; \
  } while (0)
  for (; block < pairsEnd; block += 32) { MURMUR_BLOCK(block); MURMUR_BLOCK(block + 16); }
  if (block < end) MURMUR_BLOCK(block);
#undef MURMUR_BLOCK
  const u8 *tail = end;
  const i32 tailLength = length & 15;
  u64 k1 = 0, k2 = 0;
  for (i32 i = tailLength - 1; i >= 8; i--) k2 = (k2 << 8) | tail[i];
  if (tailLength > 8) { k2 *= MURMUR_C2; k2 = rotl64(k2, 33); k2 *= MURMUR_C1; h2 ^= k2; }
  if (tailLength >= 8) k1 = load64(tail);
  else for (i32 i = tailLength - 1; i >= 0; i--) k1 = (k1 << 8) | tail[i];
  if (tailLength > 0) { k1 *= MURMUR_C1; k1 = rotl64(k1, 31); k1 *= MURMUR_C2; h1 ^= k1; }
  h1 ^= (u64)length; h2 ^= (u64)length;
  h1 += h2; h2 += h1;
  h1 = finalMix64(h1); h2 = finalMix64(h2);
  h1 += h2; h2 += h1;
  murmurSecondHalf = h2;
  return h1;
}
static void murmur3x64To(const u8 *source, i32 length, u32 seed, u8 *output) {
  store64(output, murmur3x64(source, length, seed));
  store64(output + 8, murmurSecondHalf);
}
static i64 fnvhash64(i64 value) {
  u64 hash = 0xcbf29ce484222325ULL, rest = (u64)value;
  for (int i = 0; i < 8; i++) { hash ^= rest & 0xff; hash *= 1099511628211ULL; rest >>= 8; }
  i64 s = (i64)hash;
  return s < 0 ? (i64)(0 - (u64)s) : s;
}

/* ---------------------------------------------------------------- assembly/random.ts */
#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL
static inline u64 mix(u64 z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline u64 randomNext(u8 *state) { u64 next = load64(state) + GOLDEN_GAMMA; store64(state, next); return mix(next); }
static inline double randomDouble(u8 *state) { return (double)(randomNext(state) >> 11) * 1.1102230246251565e-16; }

/* ---------------------------------------------------------------- assembly/key.ts */
static int bytesEqual(const u8 *a, const u8 *b, i32 length) {
  if (length == 16) return load64(a) == load64(b) && load64(a + 8) == load64(b + 8);
  i32 i = 0;
  for (; i + 8 <= length; i += 8) if (load64(a + i) != load64(b + i)) return 0;
  for (; i < length; i++) if (a[i] != b[i]) return 0;
  return 1;
}
static void prepareKey(u8 *descriptor) {
  const i32 keyLength = descriptor[KEY_LENGTH_OFFSET];
  u8 *key = descriptor + KEY_BYTES_OFFSET;
  memset(key + keyLength, 0, (size_t)(KEY_DESCRIPTOR_KEY_BYTES - keyLength));
  store64(descriptor + KEY_PLACEMENT_HIGH_OFFSET, murmur3x64(key, keyLength, PLACEMENT_SEED));
  store64(descriptor + KEY_PLACEMENT_LOW_OFFSET, murmurSecondHalf);
}
#define placementHigh(d) load64((d) + KEY_PLACEMENT_HIGH_OFFSET)
#define keyLengthOf(d) ((i32)(d)[KEY_LENGTH_OFFSET])

/* ---------------------------------------------------------------- assembly/ycsb.ts (workload draws) */
static double zipfianItems, zipfianBase, zipfianTheta, zipfianZetan, zipfianCountForZeta, zipfianAlpha, zipfianEta,
  zipfianZeta2Theta, zipfianHalfPowTheta;
static void configureZipfian(double items, double base, double theta, double zetan) {
  zipfianItems = items; zipfianBase = base; zipfianTheta = theta; zipfianZetan = zetan; zipfianCountForZeta = items;
  zipfianZeta2Theta = 1.0 + pow(0.5, theta);
  zipfianAlpha = 1.0 / (1.0 - theta);
  zipfianEta = (1.0 - pow(2.0 / items, 1.0 - theta)) / (1.0 - zipfianZeta2Theta / zetan);
  zipfianHalfPowTheta = pow(0.5, theta);
}
static double zipfianFromUniformOver(double u, double itemCount) {
  if (itemCount > zipfianCountForZeta) {
    double sum = zipfianZetan;
    for (double i = zipfianCountForZeta; i < itemCount; i++) sum += 1.0 / pow(i + 1.0, zipfianTheta);
    zipfianZetan = sum;
    zipfianCountForZeta = itemCount;
    zipfianEta = (1.0 - pow(2.0 / zipfianItems, 1.0 - zipfianTheta)) / (1.0 - zipfianZeta2Theta / zipfianZetan);
  }
  const double uz = u * zipfianZetan;
  if (uz < 1.0) return zipfianBase;
  if (uz < 1.0 + zipfianHalfPowTheta) return zipfianBase + 1.0;
  return zipfianBase + floor(itemCount * pow(zipfianEta * u - zipfianEta + 1.0, zipfianAlpha));
}
static double scrambledZipfianNext(u8 *state, double min, double itemCount) {
  const i64 rank = (i64)zipfianFromUniformOver(randomDouble(state), zipfianItems);
  return min + (double)(fnvhash64(rank) % (i64)itemCount);
}

static double readUpTo, updateUpTo, insertUpTo, chooserMin, chooserItemCount;
static u64 shared; /* the address of the run's shared YCSB state */
static int orderedKeyNames, keyZeroPadding, fieldCount, fieldLengthMin, fieldLengthMax, fieldLengthDistribution;
static THREAD_LOCAL double lastRecordNumber;
static THREAD_LOCAL i32 lastValueLength;

/* Only the zipfian chooser is ported: the benchmark draws YCSB-C (see bench/kernels.ts). */
static double nextKeyNumber(u8 *state) {
  const double lastAcknowledged = (double)(i64)atomicLoad64(at(shared) + YCSB_ACKNOWLEDGED_OFFSET);
  for (int draws = 0; draws < 1000; draws++) {
    const double keyNumber = scrambledZipfianNext(state, chooserMin, chooserItemCount);
    if (keyNumber >= 0 && keyNumber <= lastAcknowledged) return keyNumber;
  }
  return -1;
}

static inline void writeDigits(u8 *end, u32 value, int digits) {
  for (int i = 1; i <= digits; i++) { end[-i] = (u8)(48 + value % 10); value /= 10; }
}
static inline void writeEightDigits(u8 *output, u32 value) {
  output[7] = (u8)(48 + value % 10); value /= 10; output[6] = (u8)(48 + value % 10); value /= 10;
  output[5] = (u8)(48 + value % 10); value /= 10; output[4] = (u8)(48 + value % 10); value /= 10;
  output[3] = (u8)(48 + value % 10); value /= 10; output[2] = (u8)(48 + value % 10); value /= 10;
  output[1] = (u8)(48 + value % 10); value /= 10; output[0] = (u8)(48 + value);
}
static inline int digitCount(u32 value) { int digits = 1; while (value >= 10) { value /= 10; digits++; } return digits; }
#define TEN_TO_THE_8 100000000ULL
static i32 ycsbKeyName(double record, u8 *output) {
  store32(output, 0x72657375);
  const u64 number = orderedKeyNames ? (u64)record : (u64)fnvhash64((i64)record);
  const u32 low = (u32)(number % TEN_TO_THE_8);
  const u64 upper = number / TEN_TO_THE_8;
  const u32 middle = (u32)(upper % TEN_TO_THE_8);
  const u32 top = (u32)(upper / TEN_TO_THE_8);
  const int digits = top != 0 ? digitCount(top) + 16 : middle != 0 ? digitCount(middle) + 8 : digitCount(low);
  int length = 4;
  for (int fill = keyZeroPadding - digits; fill > 0; fill--) output[length++] = 48;
  if (top != 0) {
    const int topDigits = digits - 16;
    writeDigits(output + length + topDigits, top, topDigits); length += topDigits;
    writeEightDigits(output + length, middle); length += 8;
    writeEightDigits(output + length, low);
    return length + 8;
  }
  if (middle != 0) {
    const int middleDigits = digits - 8;
    writeDigits(output + length + middleDigits, middle, middleDigits); length += middleDigits;
    writeEightDigits(output + length, low);
    return length + 8;
  }
  writeDigits(output + length + digits, low, digits);
  return length + digits;
}
static NOINLINE void ycsbKey(double record, u8 *descriptor) {
  u8 *key = descriptor + KEY_BYTES_OFFSET;
  const i32 nameLength = ycsbKeyName(record, key);
  murmur3x64To(key, nameLength, 0, key);
  descriptor[KEY_LENGTH_OFFSET] = 16;
  prepareKey(descriptor);
}
static void ycsbValue(u8 *state, u8 *output, i32 length) {
  u64 bits = 0; int bitsLeft = 0;
  for (i32 i = 0; i < length; i++) {
    if (bitsLeft < 8) { bits = randomNext(state); bitsLeft = 64; }
    output[i] = (u8)(0x21 + (u32)(((bits & 0xff) * 94) >> 8));
    bits >>= 8; bitsLeft -= 8;
  }
}
static i32 ycsbWriteValue(u8 *state, u8 *output) {
  i32 length = fieldCount * fieldLengthMax;
  if (fieldLengthDistribution == FIELD_LENGTH_UNIFORM) {
    length = 0;
    const double span = (double)(fieldLengthMax - fieldLengthMin + 1);
    for (int f = 0; f < fieldCount; f++) length += fieldLengthMin + (i32)floor(randomDouble(state) * span);
  }
  ycsbValue(state, output, length);
  lastValueLength = length;
  return length;
}
static NOINLINE i32 ycsbNextOperation(u8 *state, u8 *descriptor, u8 *value) {
  const double draw = randomDouble(state);
  i32 operation = OPERATION_READ_MODIFY_WRITE;
  if (draw < readUpTo) operation = OPERATION_READ;
  else if (draw < updateUpTo) operation = OPERATION_UPDATE;
  else if (draw < insertUpTo) operation = OPERATION_INSERT;
  double record;
  if (operation == OPERATION_INSERT) {
    record = (double)(i64)__atomic_fetch_add((u64 *)(at(shared) + YCSB_NEXT_INSERT_OFFSET), 1, __ATOMIC_SEQ_CST);
  } else {
    record = nextKeyNumber(state);
    if (record < 0) return -1;
  }
  lastRecordNumber = record;
  ycsbKey(record, descriptor);
  if (operation == OPERATION_UPDATE || operation == OPERATION_INSERT) ycsbWriteValue(state, value);
  return operation;
}

/* ---------------------------------------------------------------- assembly/cache.ts */
static i32 slotsPerBucket, slotBytes, slotValueOffset, slotKeyBytes, slotValueBytes, leaseEpochs;
#define CHECKSUM_SEED 0x5107
#define stateOf(w) ((i32)((w) & SLOT_STATE_MASK))
#define fingerprintOf(w) ((u32)((w) >> SLOT_FINGERPRINT_SHIFT) & SLOT_FINGERPRINT_MASK)
#define tagOf(w) ((u32)((w) >> SLOT_TAG_SHIFT))
static inline u64 makeWord(i32 state, u32 fingerprint, u32 tag) {
  return (u64)state | ((u64)fingerprint << SLOT_FINGERPRINT_SHIFT) | ((u64)tag << SLOT_TAG_SHIFT);
}
static inline u64 makeReservationWord(i32 state, u32 fingerprint, i32 owner, i32 epoch) {
  const u64 reservation = ((u64)((u32)epoch & SLOT_LEASE_EPOCH_MASK) << SLOT_LEASE_EPOCH_SHIFT)
    | ((u64)(((u32)owner + 1) & SLOT_RESERVER_MASK) << SLOT_RESERVER_SHIFT);
  return (u64)state | ((u64)fingerprint << SLOT_FINGERPRINT_SHIFT) | reservation;
}
static inline int leaseExpired(u64 word, i32 epoch) {
  if (leaseEpochs <= 0) return 0;
  const i32 age = (i32)(((u32)epoch - (u32)(word >> SLOT_LEASE_EPOCH_SHIFT)) & SLOT_LEASE_EPOCH_MASK);
  return age > leaseEpochs && age < LEASE_AGE_FUTURE;
}
static inline u32 keyFingerprint(const u8 *descriptor) { return (u32)placementHigh(descriptor) & SLOT_FINGERPRINT_MASK; }
static u32 slotChecksum(const u8 *slot) {
  i32 valueLength = load16(slot + SLOT_VALUE_LENGTH_OFFSET);
  if (valueLength > slotValueBytes) valueLength = slotValueBytes;
  return (u32)murmur3x64(slot + SLOT_CHECKSUM_OFFSET, slotValueOffset + valueLength - SLOT_CHECKSUM_OFFSET, CHECKSUM_SEED);
}
static inline int slotHoldsKey(const u8 *slot, const u8 *descriptor) {
  const i32 keyLength = keyLengthOf(descriptor);
  return (i32)slot[SLOT_KEY_LENGTH_OFFSET] == keyLength && bytesEqual(slot + SLOT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, keyLength);
}
/* A VALID slot with the key's fingerprint: 1 holds the key, 0 another key, -1 torn. */
static i32 validSlotMatch(const u8 *slot, const u8 *descriptor, u64 word) {
  if (slotChecksum(slot) != tagOf(word)) return -1;
  return slotHoldsKey(slot, descriptor) ? 1 : 0;
}
/* cacheScanFrom of assembly/cache.ts, from slot 0. */
static i32 cacheScanAll(u8 *bucket, const u8 *descriptor, u8 *operands, i32 epoch) {
  const u32 fingerprint = keyFingerprint(descriptor);
  const i32 slots = slotsPerBucket;
  const size_t stride = (size_t)slotBytes;
  const u32 keyValidWord = (fingerprint << SLOT_FINGERPRINT_SHIFT) | SLOT_STATE_VALID;
  i32 oldestSlot = -1, tornSlot = -1, emptySlot = -1, expiredSlot = -1, index = 0;
  u64 oldestWord = 0, oldestTime = UINT64_MAX, tornWord = 0, emptyWord = 0, expiredWord = 0;
  int pending = 0;
  const u8 *slot = bucket;
  for (;;) {
    u64 word = 0;
    for (; index < slots; index++, slot += stride) {
      word = load64(slot + SLOT_STATE_WORD_OFFSET);
      const u32 difference = (u32)word ^ keyValidWord;
      if (((difference >> SLOT_FINGERPRINT_SHIFT) | (difference << (32 - SLOT_FINGERPRINT_SHIFT))) - 1 >= SLOT_FINGERPRINT_MASK) break;
      const u64 accessTime = load64(slot + SLOT_ACCESS_TIME_OFFSET);
      if (accessTime < oldestTime || oldestSlot < 0) { oldestTime = accessTime; oldestSlot = index; oldestWord = word; }
    }
    if (index == slots) break;
    const i32 state = stateOf(word);
    if (state == SLOT_STATE_VALID) {
      const i32 match = validSlotMatch(slot, descriptor, word);
      if (match > 0) return (SCAN_HIT << SCAN_CODE_SHIFT) | index;
      if (match < 0 && tornSlot < 0) { tornSlot = index; tornWord = word; }
      const u64 accessTime = load64(slot + SLOT_ACCESS_TIME_OFFSET);
      if (accessTime < oldestTime || oldestSlot < 0) { oldestTime = accessTime; oldestSlot = index; oldestWord = word; }
    } else if (state == SLOT_STATE_EMPTY) {
      if (emptySlot < 0) { emptySlot = index; emptyWord = word; }
    } else if (leaseExpired(word, epoch)) {
      const int sameFingerprint = fingerprintOf(word) == fingerprint;
      if (expiredSlot < 0 || (sameFingerprint && fingerprintOf(expiredWord) != fingerprint)) { expiredSlot = index; expiredWord = word; }
    } else if (fingerprintOf(word) == fingerprint) {
      pending = 1;
    }
    index++;
    slot += stride;
  }
  if (tornSlot >= 0) { store64(operands + ATOMIC_COMPARE_OFFSET, tornWord); return (SCAN_TORN << SCAN_CODE_SHIFT) | tornSlot; }
  if (pending) return SCAN_PENDING << SCAN_CODE_SHIFT;
  const int ownExpired = expiredSlot >= 0 && fingerprintOf(expiredWord) == fingerprint;
  if (emptySlot >= 0 && !ownExpired) { store64(operands + ATOMIC_COMPARE_OFFSET, emptyWord); return (SCAN_MISS << SCAN_CODE_SHIFT) | emptySlot; }
  if (expiredSlot >= 0) { store64(operands + ATOMIC_COMPARE_OFFSET, expiredWord); return (SCAN_RECLAIM << SCAN_CODE_SHIFT) | expiredSlot; }
  if (oldestSlot < 0) return SCAN_NO_VICTIM << SCAN_CODE_SHIFT;
  store64(operands + ATOMIC_COMPARE_OFFSET, oldestWord);
  return (SCAN_MISS << SCAN_CODE_SHIFT) | oldestSlot;
}
static NOINLINE void stageReserve(u8 *operands, const u8 *descriptor, i32 owner, i32 epoch) {
  store64(operands + ATOMIC_SWAP_OFFSET, makeReservationWord(SLOT_STATE_FILLING, keyFingerprint(descriptor), owner, epoch));
}
static NOINLINE void stageFill(u8 *image_, const u8 *descriptor, const u8 *value, i32 valueLength, double accessTimeNs, u8 *operands, i32 owner, i32 epoch) {
  const i32 keyLength = keyLengthOf(descriptor);
  store64(image_ + SLOT_ACCESS_TIME_OFFSET, (u64)accessTimeNs);
  store64(image_ + SLOT_KEY_LENGTH_OFFSET, 0);
  image_[SLOT_KEY_LENGTH_OFFSET] = (u8)keyLength;
  store16(image_ + SLOT_VALUE_LENGTH_OFFSET, (u16)valueLength);
  memcpy(image_ + SLOT_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, (size_t)slotKeyBytes);
  memset(image_ + SLOT_KEY_OFFSET + slotKeyBytes, 0, (size_t)(slotValueOffset - SLOT_KEY_OFFSET - slotKeyBytes));
  memcpy(image_ + slotValueOffset, value, (size_t)valueLength);
  const u32 fingerprint = keyFingerprint(descriptor);
  store64(operands + ATOMIC_COMPARE_OFFSET, makeReservationWord(SLOT_STATE_FILLING, fingerprint, owner, epoch));
  store64(operands + ATOMIC_SWAP_OFFSET, makeWord(SLOT_STATE_VALID, fingerprint, slotChecksum(image_)));
}
/*
 * Same results as assembly/cache.ts (a steady-state pass that returns a hit or a full
 * bucket's oldest slot, then cacheScanFrom from the slot that stopped it), in the shape gcc
 * compiles best: the steady-state pass with an inline hit test, anything else handed to the
 * full pass from slot 0, which decides the same on the same words. Continuing from the slot
 * instead (as the WebAssembly does) made gcc's steady state slower (8.3 against 7.6 ns a
 * full-bucket miss), so the reference keeps this: never a slower C.
 */
static NOINLINE i32 cacheScan(u8 *bucket, const u8 *descriptor, u8 *operands, i32 epoch) {
  const u32 fingerprint = keyFingerprint(descriptor);
  i32 fastOldestSlot = 0, fastIndex = 0;
  u64 fastOldestWord = 0, fastOldestTime = UINT64_MAX;
  for (; fastIndex < slotsPerBucket; fastIndex++) {
    const u8 *slot = bucket + (size_t)(fastIndex * slotBytes);
    const u64 word = load64(slot + SLOT_STATE_WORD_OFFSET);
    if (stateOf(word) != SLOT_STATE_VALID) break;
    if (fingerprintOf(word) == fingerprint) {
      if (slotChecksum(slot) != tagOf(word)) break;
      if (slotHoldsKey(slot, descriptor)) return (SCAN_HIT << SCAN_CODE_SHIFT) | fastIndex;
    }
    const u64 accessTime = load64(slot + SLOT_ACCESS_TIME_OFFSET);
    if (accessTime < fastOldestTime || fastIndex == 0) { fastOldestTime = accessTime; fastOldestSlot = fastIndex; fastOldestWord = word; }
  }
  if (fastIndex == slotsPerBucket && fastIndex > 0) {
    store64(operands + ATOMIC_COMPARE_OFFSET, fastOldestWord);
    return (SCAN_MISS << SCAN_CODE_SHIFT) | fastOldestSlot;
  }
  return cacheScanAll(bucket, descriptor, operands, epoch);
}
/* stageScrub of assembly/cache.ts, the bench's floor row. Named apart: bench/native/live.c and
 * sim.c, which include this file, define their own stageScrub. */
static NOINLINE void benchStageScrub(u8 *operands) { store64(operands + ATOMIC_SWAP_OFFSET, makeWord(SLOT_STATE_EMPTY, 0, 0)); }
static NOINLINE i32 compareAndSwap64(u8 *remote, u8 *operands) {
  u64 compare = load64(operands + ATOMIC_COMPARE_OFFSET);
  const u64 expected = compare;
  __atomic_compare_exchange_n((u64 *)remote, &compare, load64(operands + ATOMIC_SWAP_OFFSET), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  store64(operands + ATOMIC_RESULT_OFFSET, compare);
  return compare == expected ? 1 : 0;
}
static NOINLINE i32 cacheSweep(u8 *table, i32 firstSlot, i32 slotCount, i32 epoch) {
  i32 reclaimed = 0;
  const size_t stride = (size_t)slotBytes;
  u8 *end = table + (size_t)(firstSlot + slotCount) * stride + SLOT_STATE_WORD_OFFSET;
  for (u8 *address = table + (size_t)firstSlot * stride + SLOT_STATE_WORD_OFFSET; address < end; address += stride) {
    u64 word = __atomic_load_n((u64 *)address, __ATOMIC_SEQ_CST);
    if ((word & 1) == 0) continue;
    if (!leaseExpired(word, epoch)) continue;
    if (__atomic_compare_exchange_n((u64 *)address, &word, makeWord(SLOT_STATE_EMPTY, 0, 0), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) reclaimed++;
  }
  return reclaimed;
}

/* ---------------------------------------------------------------- assembly/memory.ts */
/* The word-atomic READ: every aligned 8-byte word loaded whole, eight per iteration. */
static NOINLINE void rdmaReadCopy(u8 *destination, const u8 *source, i32 length) {
  if ((((uintptr_t)destination | (uintptr_t)source | (uintptr_t)length) & 7) != 0) { memmove(destination, source, (size_t)length); return; }
  size_t offset = 0;
  for (; offset + 64 <= (size_t)length; offset += 64) {
    const u8 *from = source + offset;
    u8 *to = destination + offset;
    store64(to, atomicLoad64(from)); store64(to + 8, atomicLoad64(from + 8));
    store64(to + 16, atomicLoad64(from + 16)); store64(to + 24, atomicLoad64(from + 24));
    store64(to + 32, atomicLoad64(from + 32)); store64(to + 40, atomicLoad64(from + 40));
    store64(to + 48, atomicLoad64(from + 48)); store64(to + 56, atomicLoad64(from + 56));
  }
  for (; offset < (size_t)length; offset += 8) store64(destination + offset, atomicLoad64(source + offset));
}
/* The READ of a region whose only words the protocol needs whole are one every `stride`
 * bytes from `regionBase` (the cache's state words): a bulk copy, then those words again. */
static NOINLINE void rdmaReadCopyStrided(u8 *destination, const u8 *source, i32 length, const u8 *regionBase, i32 stride) {
  memmove(destination, source, (size_t)length);
  const size_t into = (size_t)(source - regionBase) % (size_t)stride;
  size_t offset = into == 0 ? 0 : (size_t)stride - into;
  for (; offset + 8 <= (size_t)length; offset += (size_t)stride) store64(destination + offset, atomicLoad64(source + offset));
}

/* ---------------------------------------------------------------- assembly/store.ts */
static inline u64 load48(const u8 *p) { return (u64)load32(p) | ((u64)load16(p + 4) << 32); }
static inline void store48(u8 *p, u64 v) { store32(p, (u32)v); store16(p + 4, (u16)(v >> 32)); }
#define blockAt(chain, block) ((chain) + (size_t)((block) * BLOCK_BYTES))
static inline u8 *itemAddress(u8 *chain, i32 item) {
  const i32 block = item / BUCKET_ITEMS_PER_BLOCK, slot = item % BUCKET_ITEMS_PER_BLOCK;
  return chain + (size_t)(block * BLOCK_BYTES + BUCKET_HEADER_BYTES + slot * ITEM_BYTES);
}
#define itemCountOf(chain, block) ((i32)blockAt(chain, block)[BUCKET_ITEM_COUNT_OFFSET])
static i32 chainFindSixteen(const u8 *chain, i32 blocks, const u8 *key) {
  const u64 low = load64(key), high = load64(key + 8);
  const u64 first = (low << 8) | 16, second = (low >> 56) | (high << 8);
  const u32 last = (u32)(high >> 56);
  for (i32 block = 0; block < blocks; block++) {
    i32 count = itemCountOf(chain, block);
    if (count > BUCKET_ITEMS_PER_BLOCK) count = BUCKET_ITEMS_PER_BLOCK;
    const u8 *start = blockAt(chain, block) + BUCKET_HEADER_BYTES + ITEM_KEY_LENGTH_OFFSET;
    const u8 *end = start + (size_t)(count * ITEM_BYTES);
    for (const u8 *address = start; address < end; address += ITEM_BYTES) {
      if (load64(address) == first) {
        if (load64(address + 8) == second && (u32)address[16] == last) return block * BUCKET_ITEMS_PER_BLOCK + (i32)((u32)(address - start) / ITEM_BYTES);
      }
    }
  }
  return -1;
}
static i32 chainFindAnyLength(const u8 *chain, i32 blocks, const u8 *key, i32 keyLength);
static NOINLINE i32 chainFind(u8 *chain, i32 blocks, const u8 *descriptor) {
  const i32 keyLength = keyLengthOf(descriptor);
  const u8 *key = descriptor + KEY_BYTES_OFFSET;
  if (keyLength == 16 && ITEM_KEY_OFFSET == ITEM_KEY_LENGTH_OFFSET + 1) return chainFindSixteen(chain, blocks, key);
  return chainFindAnyLength(chain, blocks, key, keyLength);
}
static i32 chainFindAnyLength(const u8 *chain, i32 blocks, const u8 *key, i32 keyLength) {
  for (i32 block = 0; block < blocks; block++) {
    i32 count = itemCountOf(chain, block);
    if (count > BUCKET_ITEMS_PER_BLOCK) count = BUCKET_ITEMS_PER_BLOCK;
    const u8 *address = blockAt(chain, block) + BUCKET_HEADER_BYTES;
    for (i32 slot = 0; slot < count; slot++, address += ITEM_BYTES) {
      if ((i32)address[ITEM_KEY_LENGTH_OFFSET] != keyLength) continue;
      if (bytesEqual(address + ITEM_KEY_OFFSET, key, keyLength)) return block * BUCKET_ITEMS_PER_BLOCK + slot;
    }
  }
  return -1;
}
static NOINLINE i32 chainUpsert(u8 *chain, i32 blocks, const u8 *descriptor, i32 valueLength, double valueOffset) {
  i32 item = chainFind(chain, blocks, descriptor);
  if (item < 0) {
    const i32 lastBlock = blocks - 1;
    const i32 count = itemCountOf(chain, lastBlock);
    if (count >= BUCKET_ITEMS_PER_BLOCK) return -1;
    item = lastBlock * BUCKET_ITEMS_PER_BLOCK + count;
    u8 *address = itemAddress(chain, item);
    const i32 keyLength = keyLengthOf(descriptor);
    memset(address, 0, ITEM_BYTES);
    address[ITEM_KEY_LENGTH_OFFSET] = (u8)keyLength;
    memcpy(address + ITEM_KEY_OFFSET, descriptor + KEY_BYTES_OFFSET, (size_t)keyLength);
    blockAt(chain, lastBlock)[BUCKET_ITEM_COUNT_OFFSET] = (u8)(count + 1);
  }
  u8 *address = itemAddress(chain, item);
  store16(address + ITEM_VALUE_LENGTH_OFFSET, (u16)valueLength);
  store48(address + ITEM_VALUE_OFFSET_OFFSET, (u64)valueOffset);
  return item;
}

/* ---------------------------------------------------------------- src/engine/histogram.ts */
#define LINEAR_BUCKETS 128
#define SUB_BUCKET_BITS 6
#define SUB_BUCKETS 64
#define FIRST_OCTAVE 7
#define HISTOGRAM_BUCKETS (LINEAR_BUCKETS + (52 - FIRST_OCTAVE + 1) * SUB_BUCKETS)
static double histogramCounts[HISTOGRAM_BUCKETS];
static double histogramCount, histogramTotalNs, histogramMaxNs;
static int bucketOf(double valueNs) {
  if (valueNs < LINEAR_BUCKETS) return valueNs < 0 ? 0 : (int)valueNs;
  if (valueNs < 2147483648.0) {
    const u32 value = (u32)valueNs;
    const int octave = 31 - __builtin_clz(value);
    return LINEAR_BUCKETS + (octave - FIRST_OCTAVE) * SUB_BUCKETS + (int)((value >> (octave - SUB_BUCKET_BITS)) - SUB_BUCKETS);
  }
  const int octave = (int)floor(log2(valueNs));
  const int sub = (int)floor(valueNs / ldexp(1.0, octave - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  const int bucket = LINEAR_BUCKETS + (octave - FIRST_OCTAVE) * SUB_BUCKETS + sub;
  return bucket < HISTOGRAM_BUCKETS - 1 ? bucket : HISTOGRAM_BUCKETS - 1;
}
static NOINLINE void histogramRecord(double valueNs) {
  histogramCounts[bucketOf(valueNs)]++;
  histogramCount++;
  histogramTotalNs += valueNs;
  if (valueNs > histogramMaxNs) histogramMaxNs = valueNs;
}

/* ---------------------------------------------------------------- the bench's tasks */
/* Addresses of the bench's scratch layout (bench/kernels.ts), from the command line. */
static u64 aRandom, aKey, aValue, aBucket, aImage, aOperands, aChain, aExpiredBucket, aMissingKey, aCache;
static i32 bucketBytes, bucketCount, tableSlots, sweepFrom;
/* Wrapped to 32 bits, as the JavaScript tasks keep theirs (bench/kernels.ts). */
static u32 sink;
static u64 randomSink = 0;
static u64 word = 0;

static NOINLINE void taskYcsbNext(void) { sink += ycsbNextOperation(at(aRandom), at(aKey + 512), at(aValue)); }
static NOINLINE void taskKey(void) { ycsbKey((double)(sink & 0xfffff), at(aKey + 512)); sink++; }
static NOINLINE void taskScanHit(void) { sink += cacheScan(at(aBucket), at(aKey), at(aOperands), 0); }
static NOINLINE void taskScanMiss(void) { sink += cacheScan(at(aBucket), at(aMissingKey), at(aOperands), 0); }
static NOINLINE void taskScanReclaim(void) { sink += cacheScan(at(aExpiredBucket), at(aMissingKey), at(aOperands), 100); }
static NOINLINE void taskSweep(void) {
  sink += cacheSweep(at(aCache), sweepFrom, 4096, 100);
  sweepFrom = (sweepFrom + 4096) % (tableSlots - 4096);
}
static NOINLINE void taskCopyCached(void) { rdmaReadCopy(at(aBucket + 4096), at(aBucket), bucketBytes); }
static NOINLINE void taskCopyRandom(void) {
  randomSink = (randomSink * 1103515245 + 12345) & 0x7fffffff;
  rdmaReadCopy(at(aBucket + 4096), at(aCache + (randomSink % (u64)bucketCount) * (u64)bucketBytes), bucketBytes);
}
static NOINLINE void taskCopyCachedStrided(void) { rdmaReadCopyStrided(at(aBucket + 4096), at(aBucket), bucketBytes, at(aBucket), slotBytes); }
static NOINLINE void taskCopyRandomStrided(void) {
  randomSink = (randomSink * 1103515245 + 12345) & 0x7fffffff;
  rdmaReadCopyStrided(at(aBucket + 4096), at(aCache + (randomSink % (u64)bucketCount) * (u64)bucketBytes), bucketBytes, at(aCache), slotBytes);
}
static NOINLINE void taskCas(void) {
  stageReserve(at(aOperands), at(aKey), (i32)(word & 1), 0);
  compareAndSwap64(at(aCache), at(aOperands));
  word++;
}
static NOINLINE void taskFill(void) { stageFill(at(aImage), at(aKey), at(aValue), 64, 1, at(aOperands), 3, 0); }
static NOINLINE void taskChainFind(void) { sink += chainFind(at(aChain), 1, at(aKey + 256)); }
static NOINLINE void taskChainUpsert(void) { sink += chainUpsert(at(aChain), 1, at(aKey + 256), 64, 12345); }
static NOINLINE void taskScrub(void) { benchStageScrub(at(aOperands)); }
static NOINLINE void taskHistogram(void) { histogramRecord((double)((sink & 0xffff) * 37)); sink++; }
#ifndef KERNELS_WITHOUT_SSD
/* A random one of the loaded SSDs' written blocks (blocks 0..ssdBlocksWritten − 1 of every device),
 * drawn as bench/kernels.ts draws it, read into the memory at aSsdTarget. */
static i32 ssdDevices, ssdBlocksWritten;
static u64 aSsdTarget, ssdRandom = 0;
static i32 ssdSeen[SSD_STRIPES];
static NOINLINE void taskSsdRead(void) {
  ssdRandom = (ssdRandom * 1103515245 + 12345) & 0x7fffffff;
  const u64 index = ssdRandom % ((u64)ssdDevices * (u64)ssdBlocksWritten);
  ssdRead(ssdSeen, (i32)(index % (u64)ssdDevices), (i64)(index / (u64)ssdDevices), 1, at(aSsdTarget));
}
/* The same sequence, each read waiting for the last one's bytes (its first byte & ssdChainMask,
 * which is 0 but comes from the command line): the processor cannot start a read's misses
 * before the last read is done, as in an engine, where the next read depends on this one. */
static u64 ssdChainMask, ssdChainRandom = 0;
static NOINLINE void taskSsdReadChained(void) {
  ssdChainRandom = (ssdChainRandom * 1103515245 + 12345 + (at(aSsdTarget)[0] & ssdChainMask)) & 0x7fffffff;
  const u64 index = ssdChainRandom % ((u64)ssdDevices * (u64)ssdBlocksWritten);
  ssdRead(ssdSeen, (i32)(index % (u64)ssdDevices), (i64)(index / (u64)ssdDevices), 1, at(aSsdTarget));
}
/* One block again and again (a value block: its slot, then 48 bytes of zeros), in cache. */
static NOINLINE void taskSsdReadCached(void) { ssdRead(ssdSeen, 1, 2, 1, at(aSsdTarget)); }

#define SSD_TASKS { "ssdRead", taskSsdRead }, { "ssdReadChained", taskSsdReadChained }, { "ssdReadCached", taskSsdReadCached },
#else
#define SSD_TASKS
#endif

typedef struct { const char *id; void (*run)(void); } Task;
static const Task TASKS[] = {
  { "ycsbNext", taskYcsbNext }, { "key", taskKey }, { "scanHit", taskScanHit }, { "scanMiss", taskScanMiss }, { "scanReclaim", taskScanReclaim },
  { "sweep", taskSweep }, { "copyCached", taskCopyCached }, { "copyRandom", taskCopyRandom },
  { "copyCachedStrided", taskCopyCachedStrided }, { "copyRandomStrided", taskCopyRandomStrided },
  { "cas", taskCas }, { "fill", taskFill }, { "chainFind", taskChainFind }, { "chainUpsert", taskChainUpsert },
  { "histogram", taskHistogram }, { "scrub", taskScrub }, SSD_TASKS
};
#define TASK_COUNT (sizeof(TASKS) / sizeof(TASKS[0]))
#define LOOP 2000

static double nowNs(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec * 1e9 + (double)t.tv_nsec; }
static int compareDoubles(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* Loops of LOOP calls for `timeMs` after a warm-up, as tinybench runs the JavaScript tasks. */
static void timeTask(const Task *task, double timeMs) {
  static double samples[1 << 20];
  size_t count = 0;
  const double warmupEnd = nowNs() + (timeMs < 800 ? timeMs / 4 : 200) * 1e6;
  while (nowNs() < warmupEnd) for (int i = 0; i < LOOP; i++) task->run();
  const double end = nowNs() + timeMs * 1e6;
  while (nowNs() < end && count < (1 << 20)) {
    const double started = nowNs();
    for (int i = 0; i < LOOP; i++) task->run();
    samples[count++] = (nowNs() - started) / LOOP;
  }
  qsort(samples, count, sizeof(double), compareDoubles);
  const size_t p99 = (size_t)ceil(0.99 * (double)count) - 1;
  printf("{\"id\":\"%s\",\"nsPerCallMedian\":%.3f,\"nsPerCallP99\":%.3f,\"samples\":%zu}\n",
    task->id, samples[count / 2], samples[p99 < count ? p99 : count - 1], count);
  fflush(stdout);
}

/* Fixed computations whose results bench/native.ts compares with the WebAssembly kernels'. */
static void verify(void) {
  for (int record = 0; record < 200; record++) {
    ycsbKey(record * 7919.0, at(aKey + 512));
    printf("key %d %016llx %016llx\n", record, (unsigned long long)load64(at(aKey + 512)), (unsigned long long)load64(at(aKey + 512) + 8));
  }
  for (int draw = 0; draw < 200; draw++) {
    const i32 operation = ycsbNextOperation(at(aRandom), at(aKey + 512), at(aValue));
    printf("next %d %d %.0f %016llx\n", draw, operation, lastRecordNumber, (unsigned long long)load64(at(aKey + 512)));
  }
  printf("scanHit %d\n", cacheScan(at(aBucket), at(aKey), at(aOperands), 0));
  const i32 miss = cacheScan(at(aBucket), at(aMissingKey), at(aOperands), 0);
  printf("scanMiss %d %016llx\n", miss, (unsigned long long)load64(at(aOperands) + ATOMIC_COMPARE_OFFSET));
  const i32 reclaim = cacheScan(at(aExpiredBucket), at(aMissingKey), at(aOperands), 100); /* before the operand is read */
  printf("scanReclaim %d %016llx\n", reclaim, (unsigned long long)load64(at(aOperands) + ATOMIC_COMPARE_OFFSET));
  rdmaReadCopy(at(aBucket + 4096), at(aBucket), bucketBytes);
  printf("copy %016llx\n", (unsigned long long)murmur3x64(at(aBucket + 4096), bucketBytes, 1));
  memset(at(aBucket + 4096), 0, (size_t)bucketBytes);
  rdmaReadCopyStrided(at(aBucket + 4096), at(aBucket + slotBytes), bucketBytes - slotBytes, at(aBucket), slotBytes);
  printf("copyStrided %016llx\n", (unsigned long long)murmur3x64(at(aBucket + 4096), bucketBytes, 1));
  memset(at(aBucket + 4096), 0, (size_t)bucketBytes);
  rdmaReadCopyStrided(at(aBucket + 4096), at(aBucket + 40), bucketBytes - 40, at(aBucket), slotBytes);
  printf("copyStridedInside %016llx\n", (unsigned long long)murmur3x64(at(aBucket + 4096), bucketBytes, 1));
  stageFill(at(aImage), at(aKey), at(aValue), 64, 1, at(aOperands), 3, 0);
  printf("fill %016llx %016llx\n", (unsigned long long)load64(at(aOperands) + ATOMIC_COMPARE_OFFSET), (unsigned long long)load64(at(aOperands) + ATOMIC_SWAP_OFFSET));
  stageReserve(at(aOperands), at(aKey), 1, 0);
  const i32 swapped = compareAndSwap64(at(aCache), at(aOperands));
  printf("cas %d %016llx\n", swapped, (unsigned long long)load64(at(aOperands) + ATOMIC_RESULT_OFFSET));
  benchStageScrub(at(aOperands));
  printf("scrub %016llx\n", (unsigned long long)load64(at(aOperands) + ATOMIC_SWAP_OFFSET));
  printf("sweep %d\n", cacheSweep(at(aCache), 0, 4096, 100));
  printf("chainFind %d\n", chainFind(at(aChain), 1, at(aKey + 256)));
  const i32 upserted = chainUpsert(at(aChain), 1, at(aKey + 256), 64, 12345);
  printf("chainUpsert %d %d\n", upserted, chainUpsert(at(aChain), 1, at(aKey), 64, 777));
  const double values[] = { 0, 5, 127, 128, 129, 1000, 4095, 65536, 1234567, 2147483647.0, 3e9, 1e15 };
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) printf("histogram %.0f %d\n", values[i], bucketOf(values[i]));
#ifndef KERNELS_WITHOUT_SSD
  /* The SSD reads' first blocks, when there is a store: their 512 bytes hashed. */
  for (int read = 0; read < 256 && ssdDevices > 0; read++) {
    taskSsdRead();
    printf("ssd %d %016llx\n", read, (unsigned long long)murmur3x64(at(aSsdTarget), BLOCK_BYTES, 1));
  }
#endif
}

/* The value of `name=` on the command line, or NULL. */
static const char *optionalArg(int argc, char **argv, const char *name) {
  const size_t length = strlen(name);
  for (int i = 1; i < argc; i++) if (strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') return argv[i] + length + 1;
  return NULL;
}
/* The program named in messages: live.c and sim.c, which include this file, set their own. */
static const char *programName = "kernels";
/* The number given as `name=`; a missing argument or one that is not wholly a number exits 2. */
static double numberArg(int argc, char **argv, const char *name) {
  const char *text = optionalArg(argc, argv, name);
  if (text == NULL) { fprintf(stderr, "%s: missing argument %s=\n", programName, name); exit(2); }
  char *end;
  const double value = strtod(text, &end);
  if (end == text || *end != '\0') { fprintf(stderr, "%s: %s=%s is not a number\n", programName, name, text); exit(2); }
  return value;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: kernels IMAGE BASE verify|time MS|only ID MS key=value...\n"); return 2; }
  FILE *file = fopen(argv[1], "rb");
  if (file == NULL) { fprintf(stderr, "kernels: cannot open %s\n", argv[1]); return 2; }
  fseek(file, 0, SEEK_END);
  const long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  image = aligned_alloc(64, ((size_t)size + 63) / 64 * 64);
  if (image == NULL || fread(image, 1, (size_t)size, file) != (size_t)size) { fprintf(stderr, "kernels: cannot read %s\n", argv[1]); return 2; }
  fclose(file);
  imageBase = (u64)strtoull(argv[2], NULL, 10);
#define ARG(name) numberArg(argc, argv, name)
  slotsPerBucket = (i32)ARG("slotsPerBucket"); slotBytes = (i32)ARG("slotBytes"); slotKeyBytes = (i32)ARG("keyBytesMax");
  slotValueBytes = (i32)ARG("valueBytesMax"); slotValueOffset = (i32)ARG("valueOffset"); leaseEpochs = (i32)ARG("leaseEpochs");
  configureZipfian(ARG("zipfianItems"), 0, ARG("zipfianTheta"), ARG("zipfianZetan"));
  readUpTo = ARG("readShare"); updateUpTo = readUpTo + ARG("updateShare"); insertUpTo = updateUpTo + ARG("insertShare");
  chooserMin = ARG("chooserMin"); chooserItemCount = ARG("chooserItemCount"); shared = (u64)ARG("shared");
  orderedKeyNames = (int)ARG("orderedKeys"); keyZeroPadding = (int)ARG("keyZeroPadding"); fieldCount = (int)ARG("fields");
  fieldLengthMin = (int)ARG("fieldLengthMin"); fieldLengthMax = (int)ARG("fieldLengthMax"); fieldLengthDistribution = (int)ARG("fieldLengthDistribution");
  aRandom = (u64)ARG("random"); aKey = (u64)ARG("key"); aValue = (u64)ARG("value"); aBucket = (u64)ARG("bucket");
  aImage = (u64)ARG("image"); aOperands = (u64)ARG("operands"); aChain = (u64)ARG("chain");
  aExpiredBucket = (u64)ARG("expiredBucket"); aMissingKey = (u64)ARG("missingKey"); aCache = (u64)ARG("cache");
  bucketBytes = (i32)ARG("bucketBytes"); bucketCount = (i32)ARG("bucketCount"); tableSlots = (i32)ARG("tableSlots");
#ifndef KERNELS_WITHOUT_SSD
  /* The SSD read's store, when the bench dumped one (ssdDump=PATH); its task is skipped without. */
  const char *ssdDump = optionalArg(argc, argv, "ssdDump");
  if (ssdDump != NULL) {
    ssdChainMask = (u64)ARG("ssdChainMask");
    ssdDevices = (i32)ARG("ssdDevices"); ssdBlocksWritten = (i32)ARG("ssdBlocksWritten"); aSsdTarget = (u64)ARG("ssdTarget");
    ssdConfigure((i32)ARG("ssdBlocksPerDevice"), (u64)ARG("ssdChunkBytes"), (i32)ARG("ssdPoolChunks"));
    loadSsds(ssdDump, ssdDevices, "kernels");
  }
#else
  const char *ssdDump = NULL;
#endif
  if (strcmp(argv[3], "verify") == 0) { verify(); return 0; }
  if (strcmp(argv[3], "time") == 0 && argc > 4) {
    const double timeMs = strtod(argv[4], NULL);
    for (size_t t = 0; t < TASK_COUNT; t++) if (ssdDump != NULL || strncmp(TASKS[t].id, "ssd", 3) != 0) timeTask(&TASKS[t], timeMs);
    fprintf(stderr, "(sink %g)\n", (double)sink + (double)word + histogramCount);
    return 0;
  }
  if (strcmp(argv[3], "only") == 0 && argc > 5) {
    const double timeMs = strtod(argv[5], NULL);
    for (size_t t = 0; t < TASK_COUNT; t++) if (strcmp(TASKS[t].id, argv[4]) == 0) { timeTask(&TASKS[t], timeMs); return 0; }
    fprintf(stderr, "kernels: no task %s\n", argv[4]);
    return 2;
  }
  fprintf(stderr, "kernels: mode must be verify, time MS or only ID MS\n");
  return 2;
}
