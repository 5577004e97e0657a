/**
 * The Ditto-style cache of LEED+Ditto (SOSP'23, as the Scalio paper runs it).
 *
 * A bucket is 8 slots of 16 bytes:
 * ```
 *  +0  word        u64  the CAS target: fingerprint (bits 0..7), object length in 64-byte
 *                       units (bits 8..15), object address (bits 16..63); 0 = empty
 *  +8  accessTime  u64  ns, written by readers on a hit; eviction takes the oldest of a sample
 * ```
 * Objects live out of line, in whole 256-byte blocks of a pool in DPU DRAM; each client
 * allocates from its own slice of the pool, round robin:
 * ```
 *  +0  keyLength   u8
 *  +1  (reserved)  u8
 *  +2  valueLength u16
 *  +4  checksum    u32  of lengths, key and value: a reader tells a torn or reused object
 *  +8  key         keyBytesMax bytes (8-byte aligned room)
 *  +8+align8(key)  value
 * ```
 */
export const DITTO_SLOT_BYTES = 16;
export const DITTO_SLOT_WORD_OFFSET = 0;
export const DITTO_SLOT_ACCESS_TIME_OFFSET = 8;
export const DITTO_FINGERPRINT_MASK = 0xff;
export const DITTO_LENGTH_SHIFT = 8;
export const DITTO_LENGTH_MASK = 0xff;
export const DITTO_POINTER_SHIFT = 16;
export const DITTO_LENGTH_UNIT_BYTES = 64;
export const DITTO_OBJECT_BLOCK_BYTES = 256;
export const DITTO_OBJECT_KEY_LENGTH_OFFSET = 0;
export const DITTO_OBJECT_VALUE_LENGTH_OFFSET = 2;
export const DITTO_OBJECT_CHECKSUM_OFFSET = 4;
export const DITTO_OBJECT_KEY_OFFSET = 8;
/** Eviction samples this many slots of the key's bucket and evicts the least recently used. */
export const DITTO_EVICTION_SAMPLES = 5;
