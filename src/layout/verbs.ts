/**
 * Operands of the NIC's 64-bit atomics (RDMA CAS and FAA) in the issuer's registered
 * buffer. 64-bit values never cross into JavaScript (BigInt costs 45–90 ns an operation):
 * kernels write the operands here, the NIC writes the remote word's previous value back
 * here, as a real RDMA atomic does.
 *
 * ```
 *  +0  compare   u64  CAS: the expected value
 *  +8  swap      u64  CAS: the new value; FAA: the addend
 *  +16 result    u64  the remote word's value before the operation
 * ```
 */
export const ATOMIC_COMPARE_OFFSET = 0;
export const ATOMIC_SWAP_OFFSET = 8;
export const ATOMIC_RESULT_OFFSET = 16;
export const ATOMIC_OPERAND_BYTES = 24;
