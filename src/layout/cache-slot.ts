/**
 * Scalio's DRAM cache slot and its 64-bit state word.
 *
 * A cache bucket is `slotsPerBucket` consecutive slots (8 by default, as in the paper).
 * One slot, `slotBytes = SLOT_KEY_OFFSET + align8(keyBytesMax) + align8(valueBytesMax)`:
 *
 * ```
 *  +0  stateWord      u64  the RDMA CAS target, see the bit fields below
 *  +8  accessTime     u64  nanoseconds; written by readers on a hit (posted RDMA WRITE);
 *                          only steers eviction, so it is not covered by the checksum
 *  +16 keyLength      u8
 *  +17 (reserved)     u8
 *  +18 valueLength    u16
 *  +20 (reserved)     u32
 *  +24 key            keyBytesMax bytes, zero padded
 *  +24+align8(keyBytesMax) value   valueBytesMax bytes
 * ```
 *
 * State word (little endian u64):
 *
 * ```
 *  bits 0..1   state        EMPTY | FILLING | VALID | FILLING_INVALIDATED
 *  bits 2..31  fingerprint  30 bits of the key's placement hash; identifies the key while
 *                           the slot is FILLING (its key bytes are not written yet)
 *  bits 32..63 tag          VALID: checksum of lengths + key + value, so a reader can tell
 *                           a torn RDMA READ from a consistent one; FILLING and
 *                           FILLING_INVALIDATED: the owning client's id + 1 (diagnostics)
 * ```
 *
 * EMPTY is the all-zero word, so a freshly zeroed cache is a cache of empty slots.
 */
export const SLOT_STATE_WORD_OFFSET = 0;
export const SLOT_ACCESS_TIME_OFFSET = 8;
export const SLOT_KEY_LENGTH_OFFSET = 16;
export const SLOT_VALUE_LENGTH_OFFSET = 18;
export const SLOT_KEY_OFFSET = 24;
/** The bytes a fill writes with one RDMA WRITE start here: access time, lengths, key, value. */
export const SLOT_FILL_OFFSET = 8;
/** The checksum covers the bytes from here to the end of the value. */
export const SLOT_CHECKSUM_OFFSET = 16;

export const SLOT_STATE_EMPTY = 0;
export const SLOT_STATE_FILLING = 1;
export const SLOT_STATE_VALID = 2;
export const SLOT_STATE_FILLING_INVALIDATED = 3;

export const SLOT_STATE_BITS = 2;
export const SLOT_STATE_MASK = 3;
export const SLOT_FINGERPRINT_SHIFT = 2;
export const SLOT_FINGERPRINT_BITS = 30;
export const SLOT_FINGERPRINT_MASK = 0x3fffffff;
export const SLOT_TAG_SHIFT = 32;

/**
 * Results of the `cacheScan` kernel, returned as `code << SCAN_CODE_SHIFT | slot`.
 * HIT: the key is VALID in `slot`; TORN: a slot claiming the key failed its checksum (the
 * READ overlapped a change); PENDING: the key is being filled by another reader; MISS: the
 * key is absent and `slot` is the victim; NO_VICTIM: every slot is pending.
 */
export const SCAN_HIT = 1;
export const SCAN_TORN = 2;
export const SCAN_PENDING = 3;
export const SCAN_MISS = 4;
export const SCAN_NO_VICTIM = 5;
export const SCAN_CODE_SHIFT = 8;
export const SCAN_SLOT_MASK = 0xff;
