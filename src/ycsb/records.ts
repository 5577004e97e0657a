/**
 * The records YCSB loads: key number `n` has the key of its name (`src/ycsb/reference.ts`
 * `keyName`, hashed to 16 bytes) and an initial value of random printable bytes, its length
 * and bytes determined by (seed, n), so any thread can recompute the value a key was loaded
 * with (tests and histories do). The thread's kernels must be configured for the cluster's
 * records first (`configureRecordKernels`).
 */
import type { Kernels } from '../hw/kernels.js';

/**
 * Writes the initial value of key number `record` at `output`, using 8 bytes at
 * `randomState` as scratch; returns its length. Load streams are negative numbers; client
 * streams are their ids (≥ 0), so the two never share a stream.
 */
export function writeInitialValue(kernels: Kernels, randomState: number, output: number, seed: number, record: number): number {
  kernels.randomSeed(randomState, seed, -1 - record);
  return kernels.ycsbWriteValue(randomState, output);
}
