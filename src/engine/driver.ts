/**
 * What both engines do for a logical client, apart from timing: draw its next operation,
 * start the system's machine for it, and record the outcome (latency histogram, counters,
 * and optionally a history entry).
 */
import { ConfigError, InputError, ScalioError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import type { Machine, Verb } from '../hw/verbs.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from '../layout/key.js';
import {
  OPERATION_DELETE, OPERATION_INSERT, OPERATION_KIND_COUNT, OPERATION_READ, OPERATION_READ_MODIFY_WRITE, OPERATION_UPDATE,
} from '../layout/operations.js';
import { type ClientContext, NOT_FOUND } from '../systems/context.js';
import { GET_NEEDS_MACHINE, type SystemMachines } from '../systems/system.js';
import { configureWorkloadKernels, type WorkloadPlan } from '../ycsb/workloads.js';
import { LatencyHistogram } from './histogram.js';

/** Names of the operation kinds (OPERATION_*), as YCSB reports them. */
export const OPERATION_NAMES = ['read', 'update', 'delete', 'insert', 'read-modify-write'] as const;

/** Where a client's operations come from. */
export interface OperationSource {
  /**
   * Prepares the client's next operation in its arena (key, and value for an update or an
   * insert); returns its kind (OPERATION_*).
   */
  next(context: ClientContext): number;
  /** Bytes of the value an update or insert writes (valid right after `next`). */
  valueLength(context: ClientContext): number;
  /** An identity of the key for histories (the YCSB key number, or a script's key index; valid right after `next`). */
  keyId(context: ClientContext): number;
  /** A read-modify-write's write, after its read: puts the new value in the arena, returns its length. */
  prepareWrite(context: ClientContext): number;
  /**
   * Called when an operation finished; `result` is a read's value length or NOT_FOUND, a
   * delete's 1 (existed) or 0; `keyId` is what `keyId` said when it began.
   */
  completed(context: ClientContext, kind: number, result: number, keyId: number): void;
  /**
   * If defined, an operation that fails with a user-facing error (a write refused by a full
   * store) is handed here and the run goes on; otherwise the error ends the run.
   */
  failed?(context: ClientContext, kind: number, error: ScalioError): void;
  /** If defined, told of an operation a fault cut off (a client's death, a DPU restart): it has no outcome. */
  abandoned?(context: ClientContext, kind: number, keyId: number): void;
}

/** YCSB operations drawn in WebAssembly from each client's own random stream. */
export class YcsbOperations implements OperationSource {
  constructor(kernels: Kernels, plan: WorkloadPlan, sharedState: number) {
    configureWorkloadKernels(kernels, plan, sharedState);
  }

  next(context: ClientContext): number {
    const kind = context.kernels.ycsbNextOperation(context.arena.random, context.arena.key, context.arena.value);
    if (kind < 0) {
      throw new ConfigError('the YCSB key chooser drew no existing key in 1000 tries; check recordcount, insertstart/insertcount and the request distribution');
    }
    return kind;
  }

  valueLength(context: ClientContext): number {
    return context.kernels.ycsbLastValueLength();
  }

  keyId(context: ClientContext): number {
    return context.kernels.ycsbLastRecord();
  }

  prepareWrite(context: ClientContext): number {
    return context.kernels.ycsbWriteValue(context.arena.random, context.arena.value);
  }

  completed(context: ClientContext, kind: number, _result: number, keyId: number): void {
    // Java acknowledges an insert when it is done, so choosers may draw its key from then on.
    if (kind === OPERATION_INSERT && context.kernels.ycsbAcknowledgeInsert(keyId) < 0) {
      throw new ScalioError(`insert of key ${keyId}: more inserts are unacknowledged than the acknowledgement window holds`);
    }
  }

  abandoned(context: ClientContext, kind: number, keyId: number): void {
    // Java acknowledges an insert whatever its outcome (in a finally block): so do we.
    this.completed(context, kind, 0, keyId);
  }
}

/** One scripted operation, for the programmatic API and tests. */
export interface ScriptedOperation {
  readonly kind: 'get' | 'set' | 'delete';
  readonly key: string | Uint8Array;
  readonly value?: string | Uint8Array;
}

/**
 * The outcome of a scripted operation: a GET's value (null if absent); a DELETE's whether
 * the key existed; null for a SET; or the error that refused it (a full store).
 */
export type ScriptedResult = Uint8Array | boolean | null | { readonly error: string };

function asBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/**
 * Checks scripted operations against the configured limits before anything runs, so an
 * oversize key or value is refused with nothing written.
 */
export function validateScript(scripts: readonly (readonly ScriptedOperation[])[], keyBytesMax: number, valueBytesMax: number): void {
  scripts.forEach((script, client) => script.forEach((operation, index) => {
    const where = `client ${client}, operation ${index} (${operation.kind})`;
    if (operation.kind !== 'get' && operation.kind !== 'set' && operation.kind !== 'delete') throw new InputError(`${where}: kind must be "get", "set" or "delete"`);
    const key = asBytes(operation.key);
    if (key.length === 0) throw new InputError(`${where}: the key is empty; keys are 1 to ${keyBytesMax} bytes`);
    if (key.length > keyBytesMax) {
      throw new InputError(`${where}: the key is ${key.length} bytes; the limit is ${keyBytesMax} bytes (keyBytesMax). Nothing was written.`);
    }
    if (operation.kind === 'set') {
      if (operation.value === undefined) throw new InputError(`${where}: a set needs a value`);
      const value = asBytes(operation.value);
      if (value.length > valueBytesMax) {
        throw new InputError(`${where}: the value is ${value.length} bytes; the limit is ${valueBytesMax} bytes (valueBytesMax). Nothing was written.`);
      }
    }
  }));
}

function keyName(key: string | Uint8Array): string {
  return Buffer.from(asBytes(key)).toString('hex');
}

/** Runs given operations per client, in order, collecting GET results. */
export class ScriptedOperations implements OperationSource {
  private readonly positions: number[];
  /**
   * Every key of the scripts numbered once, in order of first appearance over all clients'
   * scripts: each worker thread builds its own ScriptedOperations from the same scripts, so
   * the ids agree across threads (numbering keys as a thread meets them would give
   * different keys the same id in different threads).
   */
  private readonly keyIds: number[][];
  readonly results: ScriptedResult[][];

  constructor(private readonly scripts: readonly (readonly ScriptedOperation[])[]) {
    this.positions = scripts.map(() => 0);
    this.results = scripts.map(() => []);
    // The id of each operation's key, found once here rather than by encoding keys per operation.
    const idOfName = new Map<string, number>();
    this.keyIds = scripts.map((script) => script.map((operation) => {
      const name = keyName(operation.key);
      let id = idOfName.get(name);
      if (id === undefined) {
        id = idOfName.size;
        idOfName.set(name, id);
      }
      return id;
    }));
  }

  /** Operations of client `client`. */
  operationCount(client: number): number {
    return this.scripts[client]?.length ?? 0;
  }

  private current(context: ClientContext): ScriptedOperation {
    return this.scripts[context.client][this.positions[context.client]];
  }

  next(context: ClientContext): number {
    const operation = this.current(context);
    const { bytes } = context.services;
    const key = asBytes(operation.key);
    bytes[context.arena.key + KEY_LENGTH_OFFSET] = key.length;
    bytes.set(key, context.arena.key + KEY_BYTES_OFFSET);
    context.kernels.prepareKey(context.arena.key);
    if (operation.kind === 'set') {
      bytes.set(asBytes(operation.value ?? ''), context.arena.value);
      return OPERATION_UPDATE;
    }
    return operation.kind === 'delete' ? OPERATION_DELETE : OPERATION_READ;
  }

  valueLength(context: ClientContext): number {
    return asBytes(this.current(context).value ?? '').length;
  }

  prepareWrite(): number {
    throw new Error('a script has no read-modify-writes');
  }

  keyId(context: ClientContext): number {
    return this.keyIds[context.client][this.positions[context.client]];
  }

  completed(context: ClientContext, kind: number, result: number): void {
    let outcome: ScriptedResult = null;
    if (kind === OPERATION_READ && result !== NOT_FOUND) outcome = context.services.bytes.slice(context.arena.value, context.arena.value + result);
    if (kind === OPERATION_DELETE) outcome = result === 1;
    this.results[context.client].push(outcome);
    this.positions[context.client]++;
  }

  failed(context: ClientContext, _kind: number, error: ScalioError): void {
    this.results[context.client].push({ error: error.message });
    this.positions[context.client]++;
  }
}

/** Latencies and outcomes of the operations one thread ran. */
export class OperationStats {
  readonly byKind = Array.from({ length: OPERATION_KIND_COUNT }, () => new LatencyHistogram());
  notFound = 0;
  /** Operations refused with a user-facing error (scripted runs that take errors). */
  failed = 0;

  record(kind: number, latencyNs: number): void {
    this.byKind[kind].record(latencyNs);
  }

  get operations(): number {
    return this.byKind.reduce((total, histogram) => total + histogram.count, 0);
  }

  all(): LatencyHistogram {
    const merged = new LatencyHistogram();
    for (const histogram of this.byKind) merged.mergeFrom(histogram);
    return merged;
  }

  mergeFrom(other: OperationStats): void {
    other.byKind.forEach((histogram, kind) => this.byKind[kind].mergeFrom(histogram));
    this.notFound += other.notFound;
    this.failed += other.failed;
  }

  toJSON() {
    return { byKind: this.byKind.map((histogram) => histogram.toJSON()), notFound: this.notFound, failed: this.failed };
  }

  static fromJSON(data: ReturnType<OperationStats['toJSON']>): OperationStats {
    const stats = new OperationStats();
    data.byKind.forEach((histogram, kind) => stats.byKind[kind].mergeFrom(LatencyHistogram.fromJSON(histogram)));
    stats.notFound = data.notFound;
    stats.failed = data.failed;
    return stats;
  }
}

/**
 * A recorded history: six numbers per operation — client, kind (OPERATION_*), key id, value
 * id (the value written or returned; -1 for "absent": a GET that found nothing, or what a
 * DELETE writes), call tick, return tick. Ticks
 * order events in real time: virtual nanoseconds on the simulator, a shared atomic event
 * counter on the live engine (thread clocks are not comparable at nanosecond scale).
 */
export const HISTORY_FIELDS = 6;

/** What `advance` returns as a machine's result when the operation was refused. */
const FAILED = Symbol('failed');

/** The value id of "no value": what a GET of an absent key returns and what a DELETE writes. */
export const ABSENT = -1;

export class HistoryRecorder {
  private data = new Float64Array(HISTORY_FIELDS * 1024);
  length = 0;

  push(client: number, kind: number, keyId: number, valueId: number, callTick: number, returnTick: number): void {
    if ((this.length + 1) * HISTORY_FIELDS > this.data.length) {
      // Grown by half: a history of tens of millions of operations wastes at most a third.
      const grown = new Float64Array(HISTORY_FIELDS * Math.ceil((this.data.length / HISTORY_FIELDS) * 1.5));
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.length * HISTORY_FIELDS;
    this.data[at] = client;
    this.data[at + 1] = kind;
    this.data[at + 2] = keyId;
    this.data[at + 3] = valueId;
    this.data[at + 4] = callTick;
    this.data[at + 5] = returnTick;
    this.length++;
  }

  /** The recorded entries, trimmed (a copy that can cross threads). */
  entries(): Float64Array {
    return this.data.slice(0, this.length * HISTORY_FIELDS);
  }

  /**
   * The recorded entries, in place (no copy: for the thread that recorded them, where a
   * copy of a history of millions of operations would double its memory for a moment).
   */
  view(): Float64Array {
    return this.data.subarray(0, this.length * HISTORY_FIELDS);
  }
}

const tickBits = new Float64Array(1);
const tickWords = new BigInt64Array(tickBits.buffer);

/**
 * `now` if it is later than `previous`, else the first tick after `previous`. The live
 * engine's event counter always moves on; the simulator's virtual clock does not between a
 * read-modify-write's read returning and its write being issued (both happen in the same
 * nanosecond), so the write's call is placed at the next number a double can hold: after
 * the read's return, and before anything that happens later in virtual time.
 */
export function tickAfter(now: number, previous: number): number {
  if (now > previous) return now;
  if (previous === 0) return Number.MIN_VALUE;
  tickBits[0] = previous;
  tickWords[0] += 1n; // ticks are never negative: the next bit pattern is the next double up
  return tickBits[0];
}

/** Engine-independent state of one logical client. */
export class ClientRunner {
  machine: Machine<unknown> | null = null;
  kind = 0;
  startNs = 0;
  private callTick = 0;
  /** When this client's last operation (or read-modify-write's read) returned. */
  private lastReturnTick = Number.NEGATIVE_INFINITY;
  private keyId = 0;
  private valueId = 0;
  /** A read-modify-write has read, and its write is under way. */
  private writing = false;

  constructor(
    readonly context: ClientContext,
    private readonly machines: SystemMachines,
    private readonly source: OperationSource,
    /** Operations this client still has to start (Infinity: until `stopAtNs`). */
    public remaining: number,
    private readonly stats: OperationStats,
    private readonly history: HistoryRecorder | null,
    /** The engine's history clock, read between a read-modify-write's read and its write. */
    private readonly tick: () => number,
    /**
     * The engine applies verbs at once (live): a GET may then complete inside `begin`
     * (SystemMachines.getAtOnce), leaving `machine` null and its result in `resultAtOnce`.
     */
    verbsAtOnce = false,
  ) {
    this.getAtOnce = verbsAtOnce ? machines.getAtOnce ?? null : null;
    this.sourceTakesErrors = source.failed !== undefined;
  }

  /** The system's GET at once where the engine takes it (see `verbsAtOnce`), else null. */
  private readonly getAtOnce: ((context: ClientContext) => number) | null;
  /** Whether the source takes refused operations (`OperationSource.failed`), known once rather than looked up per verb. */
  private readonly sourceTakesErrors: boolean;
  /** The result of an operation `begin` completed at once (see `verbsAtOnce`); finish it with `finish`. */
  resultAtOnce = 0;

  /** No operation starts at or after this time (the engine's clock; Infinity: no limit). */
  stopAtNs = Number.POSITIVE_INFINITY;

  /**
   * Starts the client's next operation; false when it has none left (or its time is up).
   * True with `machine` still null: it completed at once (see `verbsAtOnce`).
   */
  begin(nowNs: number, tick: number): boolean {
    if (this.remaining === 0 || nowNs >= this.stopAtNs) {
      this.remaining = 0;
      return false;
    }
    this.remaining--;
    const context = this.context;
    this.kind = this.source.next(context);
    this.keyId = this.source.keyId(context);
    this.startNs = nowNs;
    // A client calls an operation only after its previous one returned.
    this.callTick = tickAfter(tick, this.lastReturnTick);
    this.writing = false;
    switch (this.kind) {
      case OPERATION_READ:
        if (this.getAtOnce !== null) {
          const length = this.getAtOnce(context);
          if (length !== GET_NEEDS_MACHINE) {
            this.machine = null;
            this.resultAtOnce = length;
            return true;
          }
        }
        this.machine = this.machines.get(context);
        break;
      case OPERATION_DELETE:
        this.machine = this.machines.delete(context);
        this.valueId = ABSENT;
        break;
      case OPERATION_READ_MODIFY_WRITE:
        this.machine = this.readModifyWrite(context);
        break;
      default: {
        // An update, or an insert: a SET of a key no one has written.
        const valueLength = this.source.valueLength(context);
        this.machine = this.machines.set(context, valueLength);
        if (this.history !== null) this.valueId = context.kernels.valueIdOf(context.arena.value, valueLength);
      }
    }
    return true;
  }

  /**
   * YCSB's read-modify-write: a GET, then (if the key was found) a SET of a fresh value,
   * timed as one operation. It is not atomic, so a history records its two halves as a read
   * (called when the operation began, returned when the read did) and an update (called when
   * the client issued it, after the read's return; returned when the operation ended).
   */
  private *readModifyWrite(context: ClientContext): Machine<number> {
    let readLength = this.getAtOnce !== null ? this.getAtOnce(context) : GET_NEEDS_MACHINE;
    if (readLength === GET_NEEDS_MACHINE) readLength = yield* this.machines.get(context);
    let readReturnTick = 0;
    if (this.history !== null) {
      const readValue = readLength === NOT_FOUND ? ABSENT : context.kernels.valueIdOf(context.arena.value, readLength);
      readReturnTick = this.tick();
      this.lastReturnTick = readReturnTick;
      this.history.push(context.client, OPERATION_READ, this.keyId, readValue, this.callTick, readReturnTick);
    }
    if (readLength === NOT_FOUND) {
      this.stats.notFound++;
      return NOT_FOUND;
    }
    const valueLength = this.source.prepareWrite(context);
    if (this.history !== null) {
      this.valueId = context.kernels.valueIdOf(context.arena.value, valueLength);
      // The client issues its write after its read returned, never before: the write's call
      // must follow the read's return, or the checker could order the write first.
      this.callTick = tickAfter(this.tick(), readReturnTick);
    }
    this.writing = true;
    yield* this.machines.set(context, valueLength);
    return 0;
  }

  /**
   * Resumes the current operation's machine with a verb's result. A user-facing error is
   * handed to the source when it takes errors (the operation then ends); otherwise thrown.
   */
  advance(value: number): IteratorResult<Verb, unknown> {
    const machine = this.machine as Machine<unknown>;
    if (!this.sourceTakesErrors) return machine.next(value);
    try {
      return machine.next(value);
    } catch (error) {
      if (!(error instanceof ScalioError)) throw error;
      this.source.failed?.(this.context, this.kind, error);
      this.stats.failed++;
      return { done: true, value: FAILED };
    }
  }

  /**
   * If an operation is under way (a crash cut it off), records it with return tick -1: a
   * write in flight may or may not have taken effect.
   */
  recordInFlight(recorder: HistoryRecorder): void {
    if (this.machine === null) return;
    // A read-modify-write cut off in its read wrote nothing; in its write, it is an update.
    if (this.kind === OPERATION_READ_MODIFY_WRITE && !this.writing) return;
    const kind = this.kind === OPERATION_READ_MODIFY_WRITE ? OPERATION_UPDATE : this.kind;
    recorder.push(this.context.client, kind, this.keyId, this.valueId, this.callTick, -1);
  }

  /**
   * Ends the current operation with no outcome: a fault (the client's death, a DPU restart)
   * cut it off. A history records it with no return: it may or may not have taken effect.
   */
  abandon(): void {
    if (this.machine === null) return;
    if (this.history !== null) this.recordInFlight(this.history);
    this.source.abandoned?.(this.context, this.kind, this.keyId);
    this.machine = null;
  }

  /** Records the end of the current operation; `result` is what its machine returned. */
  finish(nowNs: number, tick: number, result: unknown): void {
    const context = this.context;
    this.machine = null;
    // Refused, and already handed to the source: not a completed operation.
    if (result === FAILED) return;
    this.stats.record(this.kind, nowNs - this.startNs);
    let outcome = 0;
    let recordedKind = this.kind;
    if (this.kind === OPERATION_READ) {
      const length = result as number;
      if (length === NOT_FOUND) this.stats.notFound++;
      if (this.history !== null) this.valueId = length === NOT_FOUND ? ABSENT : context.kernels.valueIdOf(context.arena.value, length);
      outcome = length;
    } else if (this.kind === OPERATION_DELETE) {
      if (result === false) this.stats.notFound++;
      outcome = result === true ? 1 : 0;
    } else if (this.kind === OPERATION_READ_MODIFY_WRITE) {
      // Its read is in the history already; its write is recorded as an update, if it wrote.
      recordedKind = OPERATION_UPDATE;
      outcome = result as number;
    }
    this.source.completed(context, this.kind, outcome, this.keyId);
    if (this.history === null) return;
    this.lastReturnTick = tick;
    // A read-modify-write whose read found nothing wrote nothing.
    if (this.kind === OPERATION_READ_MODIFY_WRITE && outcome === NOT_FOUND) return;
    this.history.push(context.client, recordedKind, this.keyId, this.valueId, this.callTick, tick);
  }
}
