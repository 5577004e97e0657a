/**
 * YCSB's generator settings and the workload state every client thread shares.
 *
 * Request distributions (`requestdistribution`), as Java YCSB's CoreWorkload builds its key
 * chooser:
 */
export const DISTRIBUTION_UNIFORM = 0;
export const DISTRIBUTION_ZIPFIAN = 1;
export const DISTRIBUTION_LATEST = 2;
export const DISTRIBUTION_HOTSPOT = 3;
export const DISTRIBUTION_EXPONENTIAL = 4;
export const DISTRIBUTION_SEQUENTIAL = 5;

/** Field lengths (`fieldlengthdistribution`): every field `fieldlength` bytes, or uniform in [minfieldlength, fieldlength]. */
export const FIELD_LENGTH_CONSTANT = 0;
export const FIELD_LENGTH_UNIFORM = 1;

/**
 * The shared state (one per run, in a plain region of the shared memory, touched only with
 * atomics), Java's `AcknowledgedCounterGenerator` and `SequentialGenerator`:
 *
 * ```
 *  +0   nextInsert        i64  the next key number an insert takes (getAndIncrement)
 *  +8   acknowledged      i64  highest key number below which every insert is acknowledged:
 *                              choosers never draw past it, so a read never targets a key
 *                              whose insert is still under way
 *  +16  lock              i32  held by the thread moving `acknowledged` forward (try-lock)
 *  +24  sequential        i64  the sequential chooser's counter
 *  +64  window            YCSB_ACK_WINDOW bytes: 1 = that key number (mod the window) is
 *                              acknowledged but `acknowledged` has not passed it yet
 * ```
 *
 * The window must hold every insert acknowledged while the oldest one is still under way:
 * 2^20 of them, as Java's. An insert that would overflow it (a stall of seconds) is
 * reported as an error rather than let the limit pass a key still being written.
 */
export const YCSB_NEXT_INSERT_OFFSET = 0;
export const YCSB_ACKNOWLEDGED_OFFSET = 8;
export const YCSB_LOCK_OFFSET = 16;
export const YCSB_SEQUENTIAL_OFFSET = 24;
export const YCSB_WINDOW_OFFSET = 64;
export const YCSB_ACK_WINDOW = 1 << 20;
export const YCSB_SHARED_BYTES = YCSB_WINDOW_OFFSET + YCSB_ACK_WINDOW;
