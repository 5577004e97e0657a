/**
 * A key descriptor: a key and the hashes every layer places it by, computed once per
 * operation by the client (kernel `prepareKey`) in its own arena.
 *
 * ```
 *  +0  placementHigh  u64  high half of MurmurHash3-x64-128(key, PLACEMENT_SEED):
 *                          its top bits pick the store bucket (and so the SSD),
 *                          its low 30 bits are the cache fingerprint
 *  +8  placementLow   u64  low half: picks the cache bucket
 *  +16 keyLength      u8
 *  +17 (reserved)     7 bytes
 *  +24 key            KEY_DESCRIPTOR_KEY_BYTES bytes, zero padded
 * ```
 */
export const KEY_PLACEMENT_HIGH_OFFSET = 0;
export const KEY_PLACEMENT_LOW_OFFSET = 8;
export const KEY_LENGTH_OFFSET = 16;
export const KEY_BYTES_OFFSET = 24;
export const KEY_DESCRIPTOR_KEY_BYTES = 24;
export const KEY_DESCRIPTOR_BYTES = 48;
export const PLACEMENT_SEED = 0x5ca1;
