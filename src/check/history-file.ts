/**
 * Saved histories: the self-contained JSON file `scalio check --history` writes and
 * `scalio check --input` reads (format "scalio-history", version 2; the schema is in the
 * README), and an export in Jepsen's EDN history format for Knossos and Elle.
 *
 * A file holds what checking needs and nothing else has to be known: every operation, the
 * value each key it touches held before the run, how to read its ticks, and the
 * configuration it came from. Another tool can write one too: only `format`, `version`,
 * `ticks` and `operations` are required (a key missing from `initial` is checked with an
 * unknown initial value: its first read may return anything).
 */
import { InputError } from '../errors.js';
import { readTextFile, writeFileAtomically } from '../files.js';
import { ABSENT, HISTORY_FIELDS } from '../engine/driver.js';
import { OPERATION_DELETE, OPERATION_INSERT, OPERATION_READ, OPERATION_UPDATE } from '../layout/operations.js';
import { keysOf, NO_RETURN, type TickUnit, UNKNOWN_VALUE } from './history.js';

export const HISTORY_FORMAT = 'scalio-history';
export const HISTORY_VERSION = 2;
/** Files larger than this are refused by --input (a JSON text must fit in one JavaScript string). */
export const HISTORY_FILE_BYTES_MAX = 500 * 1024 * 1024;

type OperationLabel = 'get' | 'set' | 'delete' | 'insert';

export interface HistoryOperationJson {
  readonly client: number;
  /** An insert is a set of a key no one had written; a read-modify-write appears as its get and its set. */
  readonly op: OperationLabel;
  /** The key's id: its YCSB record number, or its index in a script. */
  readonly key: number;
  /** The value's id (a 52-bit hash of its bytes); null for "absent" (a get that found nothing, a delete). */
  readonly value: number | null;
  readonly call: number;
  /** null for an operation cut off by a crash or fault: it may or may not have taken effect. */
  readonly return: number | null;
}

export interface HistoryJson {
  readonly format: typeof HISTORY_FORMAT;
  readonly version: typeof HISTORY_VERSION;
  readonly system?: string;
  readonly engine?: string;
  readonly workload?: string;
  readonly seed?: number;
  /** The configuration of the run (the resolved ClusterConfig), for the record. */
  readonly config?: Record<string, unknown>;
  /** `ns`: virtual time of the simulator; `order`: a counter shared by the live engine's threads. */
  readonly ticks: TickUnit;
  /** What each key touched held before the first operation (null: absent). */
  readonly initial?: readonly { readonly key: number; readonly value: number | null }[];
  readonly operations: readonly HistoryOperationJson[];
}

/** Where a history came from. */
export interface HistorySource {
  readonly system?: string;
  readonly engine?: string;
  readonly workload?: string;
  readonly seed?: number;
  readonly config?: object;
}

const LABELS: Record<number, OperationLabel> = {
  [OPERATION_READ]: 'get', [OPERATION_UPDATE]: 'set', [OPERATION_DELETE]: 'delete', [OPERATION_INSERT]: 'insert',
};
const KINDS: Record<OperationLabel, number> = { get: OPERATION_READ, set: OPERATION_UPDATE, delete: OPERATION_DELETE, insert: OPERATION_INSERT };

function operationJson(history: Float64Array, at: number): HistoryOperationJson {
  return {
    client: history[at],
    op: LABELS[history[at + 1]],
    key: history[at + 2],
    value: history[at + 3] === ABSENT ? null : history[at + 3],
    call: history[at + 4],
    return: history[at + 5] < 0 ? null : history[at + 5],
  };
}

function headerJson(source: HistorySource, ticks: TickUnit, history: Float64Array, initialValue: (key: number) => number) {
  const initial: { key: number; value: number | null }[] = [];
  for (const key of keysOf(history)) {
    const value = initialValue(key);
    if (Number.isNaN(value)) continue; // not known: the checker accepts any first value
    initial.push({ key, value: value === ABSENT ? null : value });
  }
  return {
    format: HISTORY_FORMAT, version: HISTORY_VERSION,
    ...(source.system !== undefined ? { system: source.system } : {}),
    ...(source.engine !== undefined ? { engine: source.engine } : {}),
    ...(source.workload !== undefined ? { workload: source.workload } : {}),
    ...(source.seed !== undefined ? { seed: source.seed } : {}),
    ...(source.config !== undefined ? { config: source.config } : {}),
    ticks, initial,
  };
}

/** A history as a JSON object (for small histories and tests; files are written a piece at a time). */
export function historyToJson(history: Float64Array, source: HistorySource, ticks: TickUnit, initialValue: (key: number) => number): HistoryJson {
  const operations: HistoryOperationJson[] = [];
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) operations.push(operationJson(history, at));
  return { ...headerJson(source, ticks, history, initialValue), operations } as HistoryJson;
}

/**
 * Writes text made of pieces to `path` through a temporary file renamed into place, so a
 * failure never leaves a partial file, and a history of millions of operations is never one
 * string.
 */
function writeAtomically(path: string, pieces: Iterable<string>): void {
  try {
    writeFileAtomically(path, pieces);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new InputError(`${path}: cannot write it (${code}); nothing was written`);
    throw error;
  }
}

const OPERATIONS_PER_PIECE = 10_000;

/** Writes a history as a self-contained JSON file (one operation per line). */
export function writeHistoryJson(path: string, history: Float64Array, source: HistorySource, ticks: TickUnit, initialValue: (key: number) => number): void {
  function* pieces(): Generator<string> {
    const header = JSON.stringify(headerJson(source, ticks, history, initialValue));
    yield `${header.slice(0, -1)},"operations":[\n`;
    const count = history.length / HISTORY_FIELDS;
    for (let first = 0; first < count; first += OPERATIONS_PER_PIECE) {
      const lines: string[] = [];
      for (let row = first; row < Math.min(count, first + OPERATIONS_PER_PIECE); row++) {
        lines.push(`${JSON.stringify(operationJson(history, row * HISTORY_FIELDS))}${row + 1 < count ? ',' : ''}`);
      }
      yield `${lines.join('\n')}\n`;
    }
    yield ']}\n';
  }
  writeAtomically(path, pieces());
}

/** A history read back from a file. */
export interface LoadedHistory {
  readonly history: Float64Array;
  readonly initialValue: (key: number) => number;
  readonly ticks: TickUnit;
  readonly source: HistorySource;
}

function isIdentity(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTick(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Reads and validates a saved history. Anything wrong is an InputError of one line naming
 * the file and, for an operation, its index and what it is.
 */
export function readHistoryJson(path: string): LoadedHistory {
  // The shared reader refuses directories, pipes, devices, oversized files and non-text.
  const text = readTextFile(path, {
    what: '--input history file',
    bytesMax: HISTORY_FILE_BYTES_MAX,
    hint: 'give the JSON file scalio check --history wrote (at most 500 MB, about 4 million operations; check a larger run itself with scalio check --ops N)',
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--input ${path}: not valid JSON (${(error as Error).message})`);
  }
  const where = `--input ${path}`;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(`${where}: not a history: the file must hold one JSON object`);
  const file = parsed as Record<string, unknown>;
  if (file.format !== HISTORY_FORMAT) throw new InputError(`${where}: not a scalio history: "format" must be "${HISTORY_FORMAT}", got ${JSON.stringify(file.format)}`);
  if (file.version !== HISTORY_VERSION) {
    const old = file.version === 1 ? ' (version 1 files do not say what keys held before the run: record the history again)' : '';
    throw new InputError(`${where}: history format version ${JSON.stringify(file.version)} is not supported; this scalio reads version ${HISTORY_VERSION}${old}`);
  }
  if (file.ticks !== 'ns' && file.ticks !== 'order') throw new InputError(`${where}: "ticks" must be "ns" or "order", got ${JSON.stringify(file.ticks)}`);
  for (const field of ['system', 'engine', 'workload'] as const) {
    if (file[field] !== undefined && typeof file[field] !== 'string') throw new InputError(`${where}: "${field}" must be a string`);
  }
  if (file.seed !== undefined && !isIdentity(file.seed)) throw new InputError(`${where}: "seed" must be a non-negative integer`);
  if (file.config !== undefined && (typeof file.config !== 'object' || file.config === null || Array.isArray(file.config))) throw new InputError(`${where}: "config" must be an object`);

  const initial = new Map<number, number>();
  if (file.initial !== undefined) {
    if (!Array.isArray(file.initial)) throw new InputError(`${where}: "initial" must be an array of {"key", "value"}`);
    file.initial.forEach((entry: unknown, index) => {
      const item = entry as Record<string, unknown> | null;
      if (typeof item !== 'object' || item === null || !isIdentity(item.key)) throw new InputError(`${where}: initial[${index}]: "key" must be a non-negative integer`);
      if (item.value !== null && !isIdentity(item.value)) throw new InputError(`${where}: initial[${index}] (key ${item.key}): "value" must be a non-negative integer value id or null (absent)`);
      if (initial.has(item.key)) throw new InputError(`${where}: initial[${index}]: key ${item.key} is listed twice`);
      initial.set(item.key, item.value === null ? ABSENT : item.value);
    });
  }

  if (!Array.isArray(file.operations)) throw new InputError(`${where}: "operations" must be an array`);
  const operations = file.operations as unknown[];
  const history = new Float64Array(operations.length * HISTORY_FIELDS);
  const written = new Map<number, Set<number>>();
  operations.forEach((entry, index) => {
    const item = entry as Record<string, unknown> | null;
    const label = `${where}: operation ${index}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InputError(`${label}: must be an object {client, op, key, value, call, return}`);
    const op = item.op as OperationLabel;
    if (!Object.hasOwn(KINDS, op as string)) throw new InputError(`${label}: "op" must be get, set, delete or insert, got ${JSON.stringify(item.op)}`);
    if (!isIdentity(item.client)) throw new InputError(`${label} (${op}): "client" must be a non-negative integer`);
    const what = `${label} (client ${item.client}, ${op}`;
    if (!isIdentity(item.key)) throw new InputError(`${what}): "key" must be a non-negative integer`);
    const named = `${what} of key ${item.key})`;
    const value = item.value;
    if (op === 'delete') {
      if (value !== null && value !== undefined) throw new InputError(`${named}: a delete's "value" must be null`);
    } else if (op === 'get') {
      if (value !== null && !isIdentity(value)) throw new InputError(`${named}: "value" must be a non-negative integer value id or null (absent)`);
    } else if (!isIdentity(value)) {
      throw new InputError(`${named}: "value" must be a non-negative integer value id (to write "absent", use delete)`);
    }
    if (!isTick(item.call)) throw new InputError(`${named}: "call" must be a non-negative number`);
    if (item.return !== null && !isTick(item.return)) throw new InputError(`${named}: "return" must be a non-negative number, or null if it never returned`);
    if (item.return !== null && (item.return as number) < item.call) throw new InputError(`${named}: returns at ${item.return}, before its call at ${item.call}`);
    const at = index * HISTORY_FIELDS;
    history[at] = item.client;
    history[at + 1] = KINDS[op];
    history[at + 2] = item.key;
    history[at + 3] = op === 'delete' || value === null ? ABSENT : (value as number);
    history[at + 4] = item.call;
    history[at + 5] = item.return === null ? NO_RETURN : (item.return as number);
    if (op === 'set' || op === 'insert') {
      let values = written.get(item.key);
      if (values === undefined) {
        values = new Set();
        written.set(item.key, values);
      }
      values.add(value as number);
    }
  });
  // A get of a value that no operation writes and the key did not hold: the file is not a
  // history of this register (checked after all writes are known: a get may precede its write).
  for (let index = 0; index < operations.length; index++) {
    const at = index * HISTORY_FIELDS;
    if (history[at + 1] !== OPERATION_READ || history[at + 3] === ABSENT || history[at + 5] < 0) continue;
    const key = history[at + 2];
    const value = history[at + 3];
    if (written.get(key)?.has(value) === true || !initial.has(key) || initial.get(key) === value) continue;
    throw new InputError(`${where}: operation ${index} (client ${history[at]}, get of key ${key}): returns value ${value}, which no operation writes to key ${key} and which is not its initial value`);
  }
  const source: HistorySource = {
    ...(typeof file.system === 'string' ? { system: file.system } : {}),
    ...(typeof file.engine === 'string' ? { engine: file.engine } : {}),
    ...(typeof file.workload === 'string' ? { workload: file.workload } : {}),
    ...(typeof file.seed === 'number' ? { seed: file.seed } : {}),
    ...(file.config !== undefined ? { config: file.config as object } : {}),
  };
  return { history, initialValue: (key) => initial.get(key) ?? UNKNOWN_VALUE, ticks: file.ticks, source };
}

/**
 * Writes a history in Jepsen's EDN history format: one map per event, in real-time order
 * (`:index` 0, 1, …), an `:invoke` at each call and an `:ok` at each return, an `:info` for
 * an operation that never returned (at the end, as Jepsen records an indeterminate
 * outcome). Each key is an independent register (jepsen.independent): `:f` is `:read` or
 * `:write`, `:value` the tuple `[key value]` (nil: absent; a read's invocation has nil).
 * `:process` is the client, renumbered after an `:info` (a process whose operation is
 * indeterminate never runs again, so the client's later operations get process + clients).
 * `:time` is the tick, rounded down to an integer (nanoseconds on the simulator; the live
 * engine's event number). A refused operation is not recorded, so no `:fail` occurs.
 */
export function writeHistoryEdn(path: string, history: Float64Array): void {
  const count = history.length / HISTORY_FIELDS;
  let clients = 0;
  for (let row = 0; row < count; row++) clients = Math.max(clients, history[row * HISTORY_FIELDS] + 1);
  // Events: 2 × row for a call, 2 × row + 1 for a return; returns that never came go last.
  const events = new Int32Array(2 * count);
  for (let event = 0; event < 2 * count; event++) events[event] = event;
  const timeOf = (event: number) => {
    const tick = history[(event >> 1) * HISTORY_FIELDS + 4 + (event & 1)];
    return (event & 1) === 1 && tick < 0 ? Number.POSITIVE_INFINITY : tick;
  };
  events.sort((a, b) => {
    const timeA = timeOf(a);
    const timeB = timeOf(b);
    if (timeA !== timeB) return timeA < timeB ? -1 : 1;
    return (a & 1) - (b & 1) || a - b; // calls before returns at the same tick, as the checker
  });
  // A client's process number: renumbered when an operation of its never returned.
  const generation = new Int32Array(clients);
  const processOfRow = new Float64Array(count);
  // Rows of a client in call order decide the renumbering.
  const byCall = Int32Array.from({ length: count }, (_, row) => row).sort((a, b) => history[a * HISTORY_FIELDS + 4] - history[b * HISTORY_FIELDS + 4] || a - b);
  for (const row of byCall) {
    const client = history[row * HISTORY_FIELDS];
    processOfRow[row] = client + generation[client] * clients;
    if (history[row * HISTORY_FIELDS + 5] < 0) generation[client]++;
  }
  const valueText = (value: number) => (value === ABSENT ? 'nil' : String(value));
  function* pieces(): Generator<string> {
    const lines: string[] = [];
    let lastTime = 0;
    for (let index = 0; index < events.length; index++) {
      const event = events[index];
      const row = event >> 1;
      const at = row * HISTORY_FIELDS;
      const kind = history[at + 1];
      const read = kind === OPERATION_READ;
      const key = history[at + 2];
      const value = kind === OPERATION_DELETE ? ABSENT : history[at + 3];
      const isReturn = (event & 1) === 1;
      const pending = history[at + 5] < 0;
      const time = isReturn && pending ? lastTime : Math.floor(timeOf(event));
      lastTime = Math.max(lastTime, time);
      const type = !isReturn ? ':invoke' : pending ? ':info' : ':ok';
      const shown = read && (!isReturn || pending) ? 'nil' : valueText(value);
      lines.push(`{:index ${index}, :time ${time}, :type ${type}, :process ${processOfRow[row]}, :f ${read ? ':read' : ':write'}, :value [${key} ${shown}]}`);
      if (lines.length === OPERATIONS_PER_PIECE) yield `${lines.splice(0).join('\n')}\n`;
    }
    if (lines.length > 0) yield `${lines.join('\n')}\n`;
  }
  writeAtomically(path, pieces());
}
