/*
 * The store and cache kernels that bench/native/live.c and bench/native/sim.c both port
 * (from assembly/cache.ts, memory.ts and store.ts; kernels.c holds the ones the kernel
 * benchmarks time), included by both after kernels.c, so that they cannot drift apart.
 *
 * STORE_ACCESSOR is how the small accessors are declared: each is a WebAssembly export the
 * JavaScript calls, so live.c keeps each a call (the default, `static NOINLINE`), while the
 * simulator's replica lets the compiler inline them (it defines `static inline` first).
 */
#ifndef STORE_ACCESSOR
#define STORE_ACCESSOR static NOINLINE
#endif

STORE_ACCESSOR i32 cacheBucketOf(const u8 *descriptor, i32 count) { return (i32)(load64(descriptor + KEY_PLACEMENT_LOW_OFFSET) % (u64)(u32)count); }
STORE_ACCESSOR i32 slotValueLength(const u8 *bucket, i32 index) {
  const i32 length = (i32)load16(bucket + (size_t)(index * slotBytes) + SLOT_VALUE_LENGTH_OFFSET);
  return length < slotValueBytes ? length : slotValueBytes;
}
static NOINLINE i32 cacheOtherClaim(u8 *bucket, const u8 *descriptor, i32 ownSlot, i32 epoch) {
  const u32 fingerprint = keyFingerprint(descriptor);
  for (i32 index = 0; index < slotsPerBucket; index++) {
    if (index == ownSlot) continue;
    const u8 *slot = bucket + (size_t)(index * slotBytes);
    const u64 word = load64(slot + SLOT_STATE_WORD_OFFSET);
    const i32 state = stateOf(word);
    if (state == SLOT_STATE_EMPTY || fingerprintOf(word) != fingerprint) continue;
    if (state != SLOT_STATE_VALID) {
      if (leaseExpired(word, epoch)) continue;
      return 1;
    }
    if (slotChecksum(slot) != tagOf(word) || slotHoldsKey(slot, descriptor)) return 1;
  }
  return 0;
}
static NOINLINE void stageRelease(u8 *operands, const u8 *descriptor, i32 owner, i32 epoch, i32 invalidated) {
  const i32 state = invalidated != 0 ? SLOT_STATE_FILLING_INVALIDATED : SLOT_STATE_FILLING;
  store64(operands + ATOMIC_COMPARE_OFFSET, makeReservationWord(state, keyFingerprint(descriptor), owner, epoch));
  store64(operands + ATOMIC_SWAP_OFFSET, makeWord(SLOT_STATE_EMPTY, 0, 0));
}
STORE_ACCESSOR void stageScrub(u8 *operands) { store64(operands + ATOMIC_SWAP_OFFSET, makeWord(SLOT_STATE_EMPTY, 0, 0)); }
STORE_ACCESSOR u32 stagedCompareHalf(const u8 *operands, int high) { return (u32)(load64(operands + ATOMIC_COMPARE_OFFSET) >> (high ? 32 : 0)); }
STORE_ACCESSOR i32 atomicResultState(const u8 *operands) { return stateOf(load64(operands + ATOMIC_RESULT_OFFSET)); }
STORE_ACCESSOR double storeBucketIdOf(const u8 *descriptor, i32 bits) { return (double)(placementHigh(descriptor) >> (u64)(64 - bits)); }
STORE_ACCESSOR double indexEntryBlock(const u8 *entry) { return (double)(atomicLoad64(entry) & ((1ULL << INDEX_BLOCK_BITS) - 1)); }
STORE_ACCESSOR i32 indexEntryChainLength(const u8 *entry) { return (i32)((atomicLoad64(entry) >> INDEX_CHAIN_LENGTH_SHIFT) & INDEX_CHAIN_LENGTH_MASK); }
static NOINLINE i32 chainCheck(const u8 *chain, i32 blocks, double bucketId) {
  const u64 sequence = load48(chain + BUCKET_SEQUENCE_OFFSET);
  if (sequence == 0) return 0;
  for (i32 i = 0; i < blocks; i++) {
    const u8 *block = chain + (size_t)i * BLOCK_BYTES;
    if (load48(block + BUCKET_ID_OFFSET) != (u64)bucketId) return 0;
    if ((i32)block[BUCKET_CHAIN_LENGTH_OFFSET] != blocks) return 0;
    if ((i32)block[BUCKET_CHAIN_INDEX_OFFSET] != i) return 0;
    if (load48(block + BUCKET_SEQUENCE_OFFSET) != sequence) return 0;
  }
  return 1;
}
STORE_ACCESSOR double blockSequence(const u8 *block) { return (double)load48(block + BUCKET_SEQUENCE_OFFSET); }
STORE_ACCESSOR double itemValueOffset(u8 *chain, i32 item) { return (double)load48(itemAddress(chain, item) + ITEM_VALUE_OFFSET_OFFSET); }
STORE_ACCESSOR i32 itemValueLength(u8 *chain, i32 item) { return (i32)load16(itemAddress(chain, item) + ITEM_VALUE_LENGTH_OFFSET); }
static inline i32 recordBlocks(i32 keyLength, i32 valueLength) {
  const i32 bytes = VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
  return bytes <= BLOCK_BYTES ? 1 : 1 + (bytes - BLOCK_BYTES + VALUE_CONTINUATION_PAYLOAD_BYTES - 1) / VALUE_CONTINUATION_PAYLOAD_BYTES;
}
static inline i32 firstBlockValueBytes(i32 keyLength, i32 valueLength) {
  const i32 room = BLOCK_BYTES - VALUE_RECORD_HEADER_BYTES - keyLength;
  return valueLength < room ? valueLength : room;
}
static NOINLINE i32 valueRecordCopyValue(const u8 *record, u8 *output) {
  const i32 keyLength = record[VALUE_RECORD_KEY_LENGTH_OFFSET];
  const i32 valueLength = load16(record + VALUE_RECORD_VALUE_LENGTH_OFFSET);
  const i32 first = firstBlockValueBytes(keyLength, valueLength);
  memmove(output, record + VALUE_RECORD_HEADER_BYTES + keyLength, (size_t)first);
  i32 copied = first;
  for (i32 piece = 1; copied < valueLength; piece++) {
    const i32 chunk = valueLength - copied < VALUE_CONTINUATION_PAYLOAD_BYTES ? valueLength - copied : VALUE_CONTINUATION_PAYLOAD_BYTES;
    memmove(output + copied, record + (size_t)piece * BLOCK_BYTES + VALUE_CONTINUATION_HEADER_BYTES, (size_t)chunk);
    copied += chunk;
  }
  return valueLength;
}
static NOINLINE i32 valueRecordComplete(const u8 *record) {
  const u64 sequence = load48(record + VALUE_RECORD_SEQUENCE_OFFSET);
  const i32 blocks = recordBlocks(record[VALUE_RECORD_KEY_LENGTH_OFFSET], load16(record + VALUE_RECORD_VALUE_LENGTH_OFFSET));
  for (i32 piece = 1; piece < blocks; piece++) {
    const u8 *block = record + (size_t)piece * BLOCK_BYTES;
    if (block[VALUE_CONTINUATION_ZERO_OFFSET] != 0 || block[VALUE_CONTINUATION_MARKER_OFFSET] != VALUE_CONTINUATION_MARKER) return 0;
    if ((i32)load16(block + VALUE_CONTINUATION_PIECE_OFFSET) != piece) return 0;
    if (load48(block + VALUE_CONTINUATION_SEQUENCE_OFFSET) != sequence) return 0;
  }
  return 1;
}
static NOINLINE i32 valueRecordMatches(const u8 *record, const u8 *descriptor, i32 valueLength) {
  const i32 keyLength = keyLengthOf(descriptor);
  if ((i32)record[VALUE_RECORD_KEY_LENGTH_OFFSET] != keyLength) return 0;
  if ((i32)load16(record + VALUE_RECORD_VALUE_LENGTH_OFFSET) != valueLength) return 0;
  return bytesEqual(record + VALUE_RECORD_HEADER_BYTES, descriptor + KEY_BYTES_OFFSET, keyLength);
}
STORE_ACCESSOR double valueRecordSequence(const u8 *record) { return (double)load48(record + VALUE_RECORD_SEQUENCE_OFFSET); }
static NOINLINE void rdmaWriteCopy(u8 *destination, const u8 *source, i32 length) {
  if ((((uintptr_t)destination | (uintptr_t)source | (uintptr_t)length) & 7) != 0) { memmove(destination, source, (size_t)length); return; }
  for (size_t offset = 0; offset < (size_t)length; offset += 8) __atomic_store_n((u64 *)(destination + offset), load64(source + offset), __ATOMIC_SEQ_CST);
}
