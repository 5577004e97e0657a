/**
 * The values keys held before a run: YCSB key number n was loaded with a value determined by
 * (seed, n), so its id can be recomputed; a key number outside the loaded range was never
 * written (absent until an insert writes it).
 */
import type { ResolvedConfig } from '../config.js';
import { instantiateKernels, type Kernels } from '../hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../hw/memory-plan.js';
import { VALUE_BYTES_MAX } from '../layout/store.js';
import { ABSENT } from '../engine/driver.js';
import { writeInitialValue } from '../ycsb/records.js';
import { configureRecordKernels } from '../ycsb/workloads.js';
import { UNKNOWN_VALUE } from './linearizability.js';

let scratch: { kernels: Kernels; base: number } | undefined;

/** A function from a YCSB key number to the id of the value it held before the run. */
export function loadedValues(config: ResolvedConfig): (record: number) => number {
  if (scratch === undefined) {
    const pages = 1 + Math.ceil((KERNEL_STATIC_BYTES + 64 + VALUE_BYTES_MAX) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    scratch = { kernels: instantiateKernels(memory), base: KERNEL_STATIC_BYTES };
  }
  const { kernels, base } = scratch;
  const cache = new Map<number, number>();
  const loadEnd = config.loadFirst + config.loadCount;
  return (record: number) => {
    if (!Number.isInteger(record) || record < 0) return UNKNOWN_VALUE;
    if (record < config.loadFirst || record >= loadEnd) return ABSENT;
    let id = cache.get(record);
    if (id === undefined) {
      configureRecordKernels(kernels, config);
      const length = writeInitialValue(kernels, base, base + 64, config.seed, record);
      id = kernels.valueIdOf(base + 64, length);
      cache.set(record, id);
    }
    return id;
  };
}
