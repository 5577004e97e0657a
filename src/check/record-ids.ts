/**
 * Keys and value ids as histories record them, for code that drives the store by script and
 * checks what it reads back (the durability suite, store tests): the 16-byte key of a YCSB
 * record, the id of a value's bytes, and the id of the value a record was loaded with.
 */
import { ABSENT, type ScriptedResult } from '../engine/driver.js';
import { instantiateKernels, type Kernels } from '../hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../hw/memory-plan.js';
import { KEY_BYTES_OFFSET } from '../layout/key.js';
import { FIELD_LENGTH_CONSTANT } from '../layout/ycsb.js';
import { writeInitialValue } from '../ycsb/records.js';

let shared: { kernels: Kernels; bytes: Uint8Array } | undefined;

/** One small kernel instance for these helpers (scratch space at KERNEL_STATIC_BYTES). */
function kernels(): { kernels: Kernels; bytes: Uint8Array } {
  if (shared === undefined) {
    const memory = new WebAssembly.Memory({ initial: 8, maximum: 8, shared: true });
    shared = { kernels: instantiateKernels(memory), bytes: new Uint8Array(memory.buffer) };
  }
  return shared;
}

/** The 16-byte key of YCSB record `record`. */
export function recordKey(record: number): Uint8Array {
  const { kernels: k, bytes } = kernels();
  k.ycsbKey(record, KERNEL_STATIC_BYTES);
  return bytes.slice(KERNEL_STATIC_BYTES + KEY_BYTES_OFFSET, KERNEL_STATIC_BYTES + KEY_BYTES_OFFSET + 16);
}

/** The value id (as histories record it) of some bytes. */
export function valueIdOf(value: Uint8Array): number {
  const { kernels: k, bytes } = kernels();
  bytes.set(value, KERNEL_STATIC_BYTES);
  return k.valueIdOf(KERNEL_STATIC_BYTES, value.length);
}

/** The value id of a script result: a value's id, ABSENT for null. */
export function resultId(result: ScriptedResult): number {
  if (result instanceof Uint8Array) return valueIdOf(result);
  if (result === null) return ABSENT;
  throw new Error(`not a GET result: ${JSON.stringify(result)}`);
}

/** The id of the value record `record` was loaded with (one field of `valueBytes` bytes, hashed key names). */
export function loadedValueId(seed: number, record: number, valueBytes: number): number {
  const { kernels: k, bytes } = kernels();
  k.configureRecords(0, 1, 1, valueBytes, valueBytes, FIELD_LENGTH_CONSTANT);
  const length = writeInitialValue(k, KERNEL_STATIC_BYTES, KERNEL_STATIC_BYTES + 64, seed, record);
  return valueIdOf(bytes.slice(KERNEL_STATIC_BYTES + 64, KERNEL_STATIC_BYTES + 64 + length));
}
