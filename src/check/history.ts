/**
 * Histories of runs: every operation a client made (client, kind, key, value written or
 * returned, call and return tick), as recorded by `run({ recordHistory: true })`, exported
 * as JSON, and checked for linearizability key by key.
 */
import { writeFileSync } from 'node:fs';
import { ABSENT, HISTORY_FIELDS } from '../engine/driver.js';
import { OPERATION_DELETE, OPERATION_INSERT, OPERATION_READ, OPERATION_UPDATE } from '../layout/operations.js';
import { type RegisterOperation, UNKNOWN_VALUE, type Verdict, checkRegister, checkRegisterByZones, registerFails, shrinkFailure } from './linearizability.js';

/** How to read a history's ticks: virtual nanoseconds (simulator) or a shared event order (live). */
export type TickUnit = 'ns' | 'order';

export interface HistoryJson {
  readonly format: 'scalio-history';
  readonly version: 1;
  readonly system: string;
  readonly engine: string;
  readonly workload: string;
  readonly seed: number;
  /** `ns`: virtual time of the simulator; `order`: a counter shared by the live engine's threads. */
  readonly ticks: TickUnit;
  readonly operations: readonly {
    readonly client: number;
    /** An insert is a set of a key no one had written; a read-modify-write appears as its get and its set. */
    readonly op: 'get' | 'set' | 'delete' | 'insert';
    /** The key's id: its YCSB record number, or its index in a script. */
    readonly key: number;
    /** The value's id (a 52-bit hash of its bytes); null for "absent". */
    readonly value: number | null;
    readonly call: number;
    /** null for an operation a crash cut off. */
    readonly return: number | null;
  }[];
}

const OPERATION_LABELS: Record<number, 'get' | 'set' | 'delete' | 'insert'> = {
  [OPERATION_READ]: 'get', [OPERATION_UPDATE]: 'set', [OPERATION_DELETE]: 'delete', [OPERATION_INSERT]: 'insert',
};

export function historyToJson(history: Float64Array, about: { system: string; engine: string; workload: string; seed: number }): HistoryJson {
  const operations: HistoryJson['operations'][number][] = [];
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    operations.push({
      client: history[at],
      op: OPERATION_LABELS[history[at + 1]],
      key: history[at + 2],
      value: history[at + 3] === ABSENT ? null : history[at + 3],
      call: history[at + 4],
      return: history[at + 5] < 0 ? null : history[at + 5],
    });
  }
  return { format: 'scalio-history', version: 1, ...about, ticks: about.engine === 'sim' ? 'ns' : 'order', operations };
}

export function writeHistoryJson(path: string, json: HistoryJson): void {
  writeFileSync(path, `${JSON.stringify(json)}\n`);
}

/** Each key's operations as register operations (deletes write "absent"), in call order. */
export function splitByKey(history: Float64Array): Map<number, RegisterOperation[]> {
  const byKey = new Map<number, RegisterOperation[]>();
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    const kind = history[at + 1];
    const cut = history[at + 5] < 0;
    // Cut off by a crash or a fault: a read returned nothing to check; a write may or may
    // not have taken effect, which is a write that returns at the end of time (taking effect
    // after every other operation is as good as never).
    if (cut && kind === OPERATION_READ) continue;
    const key = history[at + 2];
    let list = byKey.get(key);
    if (list === undefined) {
      list = [];
      byKey.set(key, list);
    }
    list.push({
      client: history[at],
      write: kind !== OPERATION_READ,
      value: kind === OPERATION_DELETE ? ABSENT : history[at + 3],
      call: history[at + 4],
      returned: cut ? Number.POSITIVE_INFINITY : history[at + 5],
    });
  }
  for (const list of byKey.values()) list.sort((a, b) => a.call - b.call);
  return byKey;
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
  /** Keys whose history is not linearizable. */
  readonly failingKeys: number;
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
  const byKey = splitByKey(history);
  const failures: KeyFailure[] = [];
  const unknownKeys: number[] = [];
  let operations = 0;
  let checkedOperations = 0;
  let failingKeys = 0;
  // Small keys first: most of a history's keys are decided quickly even if one is hard.
  const keys = [...byKey.keys()].sort((a, b) => (byKey.get(a)?.length ?? 0) - (byKey.get(b)?.length ?? 0));
  for (const key of keys) {
    const list = byKey.get(key) as RegisterOperation[];
    operations += list.length;
    const initial = options.initialValue(key);
    // Unique written values (the usual case): the zones test decides exactly and fast.
    const zones = checkRegisterByZones(list, initial);
    const outcome = zones !== null ? { verdict: zones.verdict, failTime: Number.NaN } : checkRegister(list, initial, deadline);
    if (outcome.verdict === 'unknown') {
      unknownKeys.push(key);
      continue;
    }
    checkedOperations += list.length;
    if (outcome.verdict === 'pass') continue;
    if (failures.length >= (options.witnessesMax ?? 3)) {
      failingKeys++;
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
    failingKeys++;
    failures.push({ key, initial, operations: list.length, witness });
  }
  const verdict: Verdict = failingKeys > 0 ? 'fail' : unknownKeys.length > 0 ? 'unknown' : 'pass';
  return { verdict, keys: byKey.size, operations, checkedOperations, failingKeys, failures, unknownKeys, elapsedMs: performance.now() - started };
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
  const time = (tick: number) => (ticks === 'ns' ? `${(tick / 1000).toFixed(3)} µs` : `#${tick}`);
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
    '  No order of these operations, each taking effect between its call and its return, lets every get return the latest set.',
  ].join('\n');
}

export { UNKNOWN_VALUE };
