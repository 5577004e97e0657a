/**
 * The values keys held before a run: YCSB record n was loaded with a value determined by
 * (seed, n), so its id can be recomputed; a key no one loaded (a script's) is unknown.
 */
import type { ResolvedConfig } from '../config.js';
import { instantiateKernels, type Kernels } from '../hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../hw/memory-plan.js';
import { writeInitialValue } from '../ycsb/records.js';
import { UNKNOWN_VALUE } from './linearizability.js';

let scratch: { kernels: Kernels; base: number } | undefined;

/** A function from a YCSB record number to the id of the value it was loaded with. */
export function loadedValues(config: ResolvedConfig): (record: number) => number {
  if (scratch === undefined) {
    const pages = 1 + Math.ceil((KERNEL_STATIC_BYTES + 8 + 4096 + 64) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    scratch = { kernels: instantiateKernels(memory), base: KERNEL_STATIC_BYTES };
  }
  const { kernels, base } = scratch;
  const cache = new Map<number, number>();
  return (record: number) => {
    if (!Number.isInteger(record) || record < 0 || record >= config.records) return UNKNOWN_VALUE;
    let id = cache.get(record);
    if (id === undefined) {
      writeInitialValue(kernels, base, base + 64, config.seed, record, config.valueBytes);
      id = kernels.valueIdOf(base + 64, config.valueBytes);
      cache.set(record, id);
    }
    return id;
  };
}
