/** Helpers for store tests: keys of YCSB records, value ids, and checks of final values. */
import { buildCluster } from '../src/engine/cluster.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { OPERATION_DELETE, OPERATION_INSERT, OPERATION_UPDATE } from '../src/layout/operations.js';

export { loadedValueId, recordKey, resultId, valueIdOf } from '../src/check/record-ids.js';

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
