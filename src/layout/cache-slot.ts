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
 *                           FILLING_INVALIDATED: the reservation, two fields:
 *    bits 32..47 reserver     the reserving client's id + 1
 *    bits 48..63 leaseEpoch   the cache epoch (mod 2^16) the reserver last read from the
 *                             epoch word below when it reserved: the start of its lease
 * ```
 *
 * EMPTY is the all-zero word, so a freshly zeroed cache is a cache of empty slots.
 *
 * Leases (src/systems/scalio/lease.ts). A reservation whose owner died would stay FILLING
 * forever; instead it holds for a lease. The DPU core counts epochs in a word of DPU DRAM
 * (the `cacheEpoch` region, CACHE_EPOCH_WORD_OFFSET) that clients read with RDMA; a pending
 * slot whose leaseEpoch is more than `leaseEpochs` behind the current epoch has expired, and
 * any reader (taking it as its victim) or the DPU core's sweep may take it by CAS. The owner's
 * publishing CAS compares the whole word, reservation included, so once its slot was taken
 * a late fill can never become visible. Ages are computed mod 2^16; an age of 2^15 or more
 * is a stamp from the future (a reader whose epoch is older than the reserver's) and never
 * counts as expired.
 */
export const SLOT_STATE_WORD_OFFSET = 0;
export const SLOT_ACCESS_TIME_OFFSET = 8;
/** A hit refreshes the access time with a posted WRITE of this whole word. */
export const SLOT_ACCESS_TIME_BYTES = 8;
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
export const SLOT_RESERVER_SHIFT = 32;
export const SLOT_RESERVER_MASK = 0xffff;
export const SLOT_LEASE_EPOCH_SHIFT = 48;
export const SLOT_LEASE_EPOCH_MASK = 0xffff;
/** Ages (current epoch − leaseEpoch, mod 2^16) at or above this are stamps from the future. */
export const LEASE_AGE_FUTURE = 0x8000;

/** The epoch word: a u64 at this offset of the `cacheEpoch` region, advanced by the DPU core. */
export const CACHE_EPOCH_WORD_OFFSET = 0;
/** The `cacheEpoch` region's size: the word alone on its cache line. */
export const CACHE_EPOCH_REGION_BYTES = 64;

/**
 * Results of the `cacheScan` kernel, returned as `code << SCAN_CODE_SHIFT | slot`.
 * HIT: the key is VALID in `slot`; TORN: a slot claiming the key failed its checksum (the
 * READ overlapped a change); PENDING: the key is being filled by another reader; MISS: the
 * key is absent and `slot` is the victim; NO_VICTIM: every slot is pending; RECLAIM: as
 * MISS, but the victim is a pending slot whose lease has expired (its reservation is taken
 * over by the same CAS that reserves it).
 */
export const SCAN_HIT = 1;
export const SCAN_TORN = 2;
export const SCAN_PENDING = 3;
export const SCAN_MISS = 4;
export const SCAN_NO_VICTIM = 5;
export const SCAN_RECLAIM = 6;
export const SCAN_CODE_SHIFT = 8;
export const SCAN_SLOT_MASK = 0xff;
