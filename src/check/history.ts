/**
 * Histories of runs: every operation a client made (client, kind, key, value written or
 * returned, call and return tick), as recorded by `run({ recordHistory: true })`, and checked
 * for linearizability key by key.
 *
 * A history stays compact while it is checked: the recorded Float64Array (HISTORY_FIELDS
 * numbers, 48 bytes, per operation) and an index of 8 bytes per operation grouping it by
 * key. The key being checked is copied out column by column (29 bytes per operation), one
 * key at a time; operation objects are made only for a key the zones test cannot pass
 * (values written twice, or a failure to shrink).
 *
 * An operation without a return (cut off by a crash or a fault, return tick -1) is
 * indeterminate, as in Jepsen's Knossos: a read of it constrains nothing and is left out; a
 * write of it may take effect at any moment after its call, or never.
 */
import { ABSENT, HISTORY_FIELDS } from '../engine/driver.js';
import { OPERATION_READ, OPERATION_DELETE } from '../layout/operations.js';
import {
  type RegisterColumns, type RegisterOperation, UNKNOWN_VALUE, type Verdict, checkRegister, checkRegisterByZones, registerFails, shrinkFailure,
} from './linearizability.js';

/** How to read a history's ticks: virtual nanoseconds (simulator) or a shared event order (live). */
export type TickUnit = 'ns' | 'order';

/** The return tick of an operation that never returned. */
export const NO_RETURN = -1;

/** Row numbers of a history grouped by key: rows of keys[k] are rows[start[k] .. start[k + 1]). */
export interface KeyIndex {
  readonly keys: Float64Array;
  readonly start: Int32Array;
  readonly rows: Int32Array;
}

/**
 * Groups a history's rows by key (a counting sort: 8 bytes per operation), leaving out reads
 * that never returned. Within a key, rows keep their recorded order.
 */
export function indexByKey(history: Float64Array): KeyIndex {
  const count = history.length / HISTORY_FIELDS;
  const denseOf = new Map<number, number>();
  const keyOfRow = new Int32Array(count);
  const sizes: number[] = [];
  const keys: number[] = [];
  for (let row = 0, at = 0; row < count; row++, at += HISTORY_FIELDS) {
    if (history[at + 5] < 0 && history[at + 1] === OPERATION_READ) {
      keyOfRow[row] = -1; // a read that never returned: no value to check
      continue;
    }
    const key = history[at + 2];
    let dense = denseOf.get(key);
    if (dense === undefined) {
      dense = keys.length;
      denseOf.set(key, dense);
      keys.push(key);
      sizes.push(0);
    }
    keyOfRow[row] = dense;
    sizes[dense]++;
  }
  const start = new Int32Array(keys.length + 1);
  for (let dense = 0; dense < keys.length; dense++) start[dense + 1] = start[dense] + sizes[dense];
  const fill = start.slice(0, keys.length);
  const rows = new Int32Array(start[keys.length]);
  for (let row = 0; row < count; row++) {
    const dense = keyOfRow[row];
    if (dense >= 0) rows[fill[dense]++] = row;
  }
  return { keys: Float64Array.from(keys), start, rows };
}

/** One key's operations as register operations (deletes write "absent"), in call order. */
export function registerOperationsOf(history: Float64Array, index: KeyIndex, dense: number): RegisterOperation[] {
  const list: RegisterOperation[] = [];
  for (let position = index.start[dense]; position < index.start[dense + 1]; position++) {
    const at = index.rows[position] * HISTORY_FIELDS;
    const kind = history[at + 1];
    const returned = history[at + 5];
    list.push({
      client: history[at],
      write: kind !== OPERATION_READ,
      value: kind === OPERATION_DELETE ? ABSENT : history[at + 3],
      call: history[at + 4],
      // A write that never returned may take effect at any moment after its call.
      returned: returned < 0 ? Number.POSITIVE_INFINITY : returned,
    });
  }
  list.sort((a, b) => a.call - b.call);
  return list;
}

/** One key's operations column by column (deletes write "absent"; no return: Infinity), in recorded order. */
export function registerColumnsOf(history: Float64Array, index: KeyIndex, dense: number): RegisterColumns {
  const first = index.start[dense];
  const count = index.start[dense + 1] - first;
  const columns = { count, write: new Uint8Array(count), value: new Float64Array(count), call: new Float64Array(count), returned: new Float64Array(count) };
  for (let position = 0; position < count; position++) {
    const at = index.rows[first + position] * HISTORY_FIELDS;
    const kind = history[at + 1];
    const returned = history[at + 5];
    columns.write[position] = kind !== OPERATION_READ ? 1 : 0;
    columns.value[position] = kind === OPERATION_DELETE ? ABSENT : history[at + 3];
    columns.call[position] = history[at + 4];
    columns.returned[position] = returned < 0 ? Number.POSITIVE_INFINITY : returned;
  }
  return columns;
}

/** Each key's operations as register operations (for tests and small histories). */
export function splitByKey(history: Float64Array): Map<number, RegisterOperation[]> {
  const index = indexByKey(history);
  const byKey = new Map<number, RegisterOperation[]>();
  for (let dense = 0; dense < index.keys.length; dense++) byKey.set(index.keys[dense], registerOperationsOf(history, index, dense));
  return byKey;
}

/** Every key a history touches (its reads that never returned included). */
export function keysOf(history: Float64Array): number[] {
  const keys = new Set<number>();
  for (let at = 2; at < history.length; at += HISTORY_FIELDS) keys.add(history[at]);
  return [...keys].sort((a, b) => a - b);
}

export interface KeyFailure {
  readonly key: number;
  readonly initial: number;
  readonly operations: number;
  /** The shortest failing sub-history found. */
  readonly witness: readonly RegisterOperation[];
}

export interface CheckReport {
  readonly verdict: Verdict;
  readonly keys: number;
  readonly operations: number;
  /** Operations in keys decided (pass or fail) within the time limit. */
  readonly checkedOperations: number;
  /** Writes that never returned (checked as possibly effective, or not). */
  readonly pendingWrites: number;
  /** Keys whose history is not linearizable. */
  readonly failingKeys: number;
  /** Every failing key, in ascending order. */
  readonly failingKeyIds: readonly number[];
  /** Witnesses of the first failing keys (at most `witnessesMax`). */
  readonly failures: readonly KeyFailure[];
  readonly unknownKeys: readonly number[];
  readonly elapsedMs: number;
}

export interface CheckOptions {
  /** The value a key held before the history began (UNKNOWN_VALUE if not known). */
  readonly initialValue: (key: number) => number;
  /** Bound on the whole check; keys left undecided are reported unknown. */
  readonly timeLimitMs: number;
  /** Shrink and report witnesses for at most this many failing keys (shrinking takes time). */
  readonly witnessesMax?: number;
}

/** Checks every key of a history; a key fails only if an exact re-check confirms it. */
export function checkHistory(history: Float64Array, options: CheckOptions): CheckReport {
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  const index = indexByKey(history);
  const failures: KeyFailure[] = [];
  const failingKeyIds: number[] = [];
  const unknownKeys: number[] = [];
  let operations = 0;
  let checkedOperations = 0;
  let pendingWrites = 0;
  // Small keys first: most of a history's keys are decided quickly even if one is hard.
  const order = new Int32Array(index.keys.length);
  for (let dense = 0; dense < order.length; dense++) order[dense] = dense;
  order.sort((a, b) => (index.start[a + 1] - index.start[a]) - (index.start[b + 1] - index.start[b]));
  for (const dense of order) {
    const key = index.keys[dense];
    const columns = registerColumnsOf(history, index, dense);
    operations += columns.count;
    for (let position = 0; position < columns.count; position++) if (columns.returned[position] === Number.POSITIVE_INFINITY) pendingWrites++;
    const initial = options.initialValue(key);
    // Unique written values (the usual case): the zones test decides exactly and fast, from
    // the columns. Operation objects are made only for the search and for shrinking.
    const zones = checkRegisterByZones(columns, initial);
    if (zones !== null && zones.verdict === 'pass') {
      checkedOperations += columns.count;
      continue;
    }
    const list = registerOperationsOf(history, index, dense);
    const outcome = zones !== null ? { verdict: zones.verdict, failTime: Number.NaN } : checkRegister(list, initial, deadline);
    if (outcome.verdict === 'unknown') {
      unknownKeys.push(key);
      continue;
    }
    checkedOperations += list.length;
    if (outcome.verdict === 'pass') continue;
    if (failures.length >= (options.witnessesMax ?? 3)) {
      failingKeyIds.push(key);
      continue;
    }
    // Start shrinking from the fewest operations known to fail: the culprit clusters of the
    // zones test, or the operations called before the search got stuck; else all of them.
    const shrinkDeadline = Math.min(deadline, performance.now() + 5_000);
    let start: RegisterOperation[] = list;
    const narrowed = zones !== null
      ? list.filter((operation) => zones.culprits.includes(operation.value))
      : list.filter((operation) => operation.call <= outcome.failTime);
    if (narrowed.length > 0 && registerFails(narrowed, initial, shrinkDeadline)) start = narrowed;
    const witness = shrinkFailure(start, initial, shrinkDeadline);
    if (witness.length <= 64) {
      // Confirm with exact memoisation: the search above remembers configurations by hash.
      const confirmed = checkRegister(witness, initial, Math.max(deadline, performance.now() + 1_000), true).verdict;
      if (confirmed === 'pass') continue;
      if (confirmed === 'unknown') {
        unknownKeys.push(key);
        checkedOperations -= list.length;
        continue;
      }
    }
    failingKeyIds.push(key);
    failures.push({ key, initial, operations: list.length, witness });
  }
  failingKeyIds.sort((a, b) => a - b);
  unknownKeys.sort((a, b) => a - b);
  const failingKeys = failingKeyIds.length;
  const verdict: Verdict = failingKeys > 0 ? 'fail' : unknownKeys.length > 0 ? 'unknown' : 'pass';
  return {
    verdict, keys: index.keys.length, operations, checkedOperations, pendingWrites, failingKeys, failingKeyIds, failures, unknownKeys,
    elapsedMs: performance.now() - started,
  };
}

/** A failure as a person reads it: values named v0, v1, … per key, times in the history's unit. */
export function describeFailure(failure: KeyFailure, ticks: TickUnit, keyName: (key: number) => string): string {
  const names = new Map<number, string>();
  const nameOf = (value: number) => {
    if (value === ABSENT) return 'absent';
    if (Number.isNaN(value)) return 'unknown';
    let name = names.get(value);
    if (name === undefined) {
      name = `v${names.size}`;
      names.set(value, name);
    }
    return name;
  };
  const initial = nameOf(failure.initial);
  const time = (tick: number) => {
    if (tick === Number.POSITIVE_INFINITY) return 'no return';
    return ticks === 'ns' ? `${(tick / 1000).toFixed(3)} µs` : `#${tick}`;
  };
  const width = Math.max(...failure.witness.map((operation) => time(operation.call).length), ...failure.witness.map((operation) => time(operation.returned).length));
  const lines = [...failure.witness]
    .sort((a, b) => a.call - b.call)
    .map((operation) => {
      const span = `[${time(operation.call).padStart(width)} .. ${time(operation.returned).padStart(width)}]`;
      const action = operation.write ? (operation.value === ABSENT ? 'delete' : `set ${nameOf(operation.value)}`) : `get → ${nameOf(operation.value)}`;
      return `  ${span}  client ${String(operation.client).padEnd(4)} ${action}`;
    });
  return [
    `key ${keyName(failure.key)}: not linearizable (${failure.witness.length} of its ${failure.operations} operations suffice; it held ${initial} before):`,
    ...lines,
    '  No order of these operations, each taking effect between its call and its return (a write with no return: at any moment after its call, or never), lets every get return the latest set.',
  ].join('\n');
}

export { UNKNOWN_VALUE };
