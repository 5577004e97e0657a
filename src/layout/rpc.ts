/**
 * RPC messages between clients and DPU cores (two-sided SEND/RECV).
 *
 * A client writes its request into its own request slot in DPU DRAM and posts its id on the
 * ring of the core it addresses; the core answers into the client's response area.
 *
 * Request:
 * ```
 *  +0  operation     u8   RPC_SET | RPC_GET | RPC_DELETE | RPC_METADATA
 *  +1  (reserved)    u8
 *  +2  valueLength   u16
 *  +4  (reserved)    u32
 *  +8  key           a key descriptor (src/layout/key.ts); the core recomputes its hashes
 *  +56 value         valueLength bytes
 * ```
 *
 * Response:
 * ```
 *  +0  status        i32  RPC_STATUS_*
 *  +4  valueLength   u32
 *  +8  value         valueLength bytes
 * ```
 *
 * Ring of a core (a bounded multi-producer queue of client ids, Vyukov's algorithm):
 * ```
 *  +0    tail       u32  next position producers claim (CAS)
 *  +64   head       u32  next position the core takes (core only)
 *  +128  doorbell   i32  bumped after every post; the core sleeps on it when idle
 *  +132  sleepers   i32  1 while the core sleeps, so producers notify only then
 *  +192  cells      capacity × { sequence u32, clientId u32 }
 * ```
 */
export const RPC_REQUEST_OPERATION_OFFSET = 0;
export const RPC_REQUEST_VALUE_LENGTH_OFFSET = 2;
export const RPC_REQUEST_KEY_OFFSET = 8;
export const RPC_REQUEST_VALUE_OFFSET = 56;

export const RPC_RESPONSE_STATUS_OFFSET = 0;
export const RPC_RESPONSE_VALUE_LENGTH_OFFSET = 4;
export const RPC_RESPONSE_VALUE_OFFSET = 8;

export const RPC_SET = 1;
export const RPC_GET = 2;
export const RPC_DELETE = 3;
/**
 * The Scalio artifact's metadata RPC: on a cache miss the DPU core reserves a slot for the
 * key and answers where the key's bucket chain is. Response value:
 * ```
 *  +0  outcome      u32  METADATA_* (src/layout/rpc.ts)
 *  +4  slot         u32  the reserved slot (METADATA_RESERVED)
 *  +8  block        f64  first block of the bucket chain
 *  +16 chainLength  u32  0 = the bucket holds nothing
 * ```
 */
export const RPC_METADATA = 4;
export const METADATA_RESERVED = 1;
export const METADATA_CACHED = 2;
export const METADATA_PENDING = 3;
export const METADATA_NO_VICTIM = 4;
export const METADATA_OUTCOME_OFFSET = 0;
export const METADATA_SLOT_OFFSET = 4;
export const METADATA_BLOCK_OFFSET = 8;
export const METADATA_CHAIN_LENGTH_OFFSET = 16;
export const METADATA_BYTES = 24;

export const RPC_STATUS_OK = 0;
export const RPC_STATUS_NOT_FOUND = 1;
/** The key is new and its bucket's chain is at its longest (127 blocks) and full. */
export const RPC_STATUS_CHAIN_FULL = -1;
export const RPC_STATUS_DEVICE_FULL = -2;
export const RPC_STATUS_BAD_REQUEST = -3;
export const RPC_STATUS_INTERNAL_ERROR = -4;

export const RING_TAIL_OFFSET = 0;
export const RING_HEAD_OFFSET = 64;
export const RING_DOORBELL_OFFSET = 128;
export const RING_SLEEPERS_OFFSET = 132;
export const RING_CELLS_OFFSET = 192;
export const RING_CELL_BYTES = 8;
