/** Helpers for store tests: keys of YCSB records, value ids, and checks of final values. */
import { buildCluster } from '../src/engine/cluster.js';
import { ABSENT, HISTORY_FIELDS, type ScriptedResult } from '../src/engine/driver.js';
import { instantiateKernels, type Kernels } from '../src/hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../src/hw/memory-plan.js';
import { KEY_BYTES_OFFSET } from '../src/layout/key.js';
import { OPERATION_DELETE, OPERATION_INSERT, OPERATION_UPDATE } from '../src/layout/operations.js';
import { FIELD_LENGTH_CONSTANT } from '../src/layout/ycsb.js';
import { writeInitialValue } from '../src/ycsb/records.js';

let shared: { kernels: Kernels; bytes: Uint8Array } | undefined;

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

/** The id of the value record `record` was loaded with. */
export function loadedValueId(seed: number, record: number, valueBytes: number): number {
  const { kernels: k, bytes } = kernels();
  // Records of one field of valueBytes bytes, hashed key names (the default cluster's).
  k.configureRecords(0, 1, 1, valueBytes, valueBytes, FIELD_LENGTH_CONSTANT);
  const length = writeInitialValue(k, KERNEL_STATIC_BYTES, KERNEL_STATIC_BYTES + 64, seed, record);
  return valueIdOf(bytes.slice(KERNEL_STATIC_BYTES + 64, KERNEL_STATIC_BYTES + 64 + length));
}

interface Write {
  readonly valueId: number;
  readonly call: number;
  readonly returned: number;
}

/**
 * The values each key may hold at the end of a run, from its history (and the writes a
 * crash cut off): any acknowledged write not followed by a later-started acknowledged one,
 * any write in flight, and the loaded value if no write was acknowledged.
 */
export function allowedFinalValues(history: Float64Array, inFlight: Float64Array | null, loaded: (key: number) => number): Map<number, Set<number>> {
  const writes = new Map<number, Write[]>();
  const pending = new Map<number, number[]>();
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    const kind = history[at + 1];
    if (kind !== OPERATION_UPDATE && kind !== OPERATION_DELETE && kind !== OPERATION_INSERT) continue;
    const key = history[at + 2];
    if (!writes.has(key)) writes.set(key, []);
    writes.get(key)?.push({ valueId: history[at + 3], call: history[at + 4], returned: history[at + 5] });
  }
  for (let at = 0; inFlight !== null && at < inFlight.length; at += HISTORY_FIELDS) {
    const kind = inFlight[at + 1];
    if (kind !== OPERATION_UPDATE && kind !== OPERATION_DELETE && kind !== OPERATION_INSERT) continue;
    const key = inFlight[at + 2];
    if (!pending.has(key)) pending.set(key, []);
    pending.get(key)?.push(inFlight[at + 3]);
  }
  const allowed = new Map<number, Set<number>>();
  for (const key of new Set([...writes.keys(), ...pending.keys()])) {
    const acknowledged = writes.get(key) ?? [];
    const values = new Set<number>(pending.get(key) ?? []);
    for (const write of acknowledged) {
      if (!acknowledged.some((later) => later.call > write.returned)) values.add(write.valueId);
    }
    if (acknowledged.length === 0) values.add(loaded(key));
    allowed.set(key, values);
  }
  return allowed;
}

export { buildCluster };
