/**
 * The records YCSB loads: record `n` has key `hash16("user" + fnvhash64(n))` and an initial
 * value of random printable bytes determined by (seed, n), so any thread can recompute the
 * value a key was loaded with (tests and histories do).
 */
import type { Kernels } from '../hw/kernels.js';

/**
 * Writes the initial value of `record` at `output`, using 8 bytes at `randomState` as
 * scratch. Load streams are negative numbers; client streams are their ids (≥ 0), so the
 * two never share a stream.
 */
export function writeInitialValue(kernels: Kernels, randomState: number, output: number, seed: number, record: number, length: number): void {
  kernels.randomSeed(randomState, seed, -1 - record);
  kernels.ycsbValue(randomState, output, length);
}
