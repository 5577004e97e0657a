/**
 * What both engines do for a logical client, apart from timing: draw its next operation,
 * start the system's machine for it, and record the outcome (latency histogram, counters,
 * and optionally a history entry).
 */
import { InputError, ScalioError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import type { Machine, Verb } from '../hw/verbs.js';
import { KEY_BYTES_OFFSET, KEY_LENGTH_OFFSET } from '../layout/key.js';
import { OPERATION_DELETE, OPERATION_KIND_COUNT, OPERATION_READ, OPERATION_UPDATE } from '../layout/operations.js';
import { type ClientContext, NOT_FOUND } from '../systems/context.js';
import type { SystemMachines } from '../systems/system.js';
import { configureWorkloadKernels, type Workload } from '../ycsb/workloads.js';
import { LatencyHistogram } from './histogram.js';

export const OPERATION_NAMES = ['read', 'update', 'delete'] as const;

/** Where a client's operations come from. */
export interface OperationSource {
  /** Prepares the client's next operation in its arena (key, and value for an update); returns its kind. */
  next(context: ClientContext): number;
  /** Bytes of the value an update writes (valid after `next`). */
  valueLength(context: ClientContext): number;
  /** An identity of the key for histories (the YCSB record number, or a script's key index). */
  keyId(context: ClientContext): number;
  /** Called when an operation finished; `result` is a read's value length or NOT_FOUND, a delete's 1 (existed) or 0. */
  completed(context: ClientContext, kind: number, result: number): void;
  /**
   * If defined, an operation that fails with a user-facing error (a write refused by a full
   * store) is handed here and the run goes on; otherwise the error ends the run.
   */
  failed?(context: ClientContext, kind: number, error: ScalioError): void;
}

/** YCSB operations drawn in WebAssembly from each client's own random stream. */
export class YcsbOperations implements OperationSource {
  constructor(kernels: Kernels, workload: Workload, records: number, private readonly valueBytes: number, zetan?: number) {
    configureWorkloadKernels(kernels, workload, records, zetan);
  }

  next(context: ClientContext): number {
    const kind = context.kernels.ycsbNextOperation(context.arena.random, context.arena.key, context.arena.value, this.valueBytes);
    if (kind < 0) throw new ScalioError('the YCSB key chooser drew no loaded record in 1000 tries; check records and the request distribution');
    return kind;
  }

  valueLength(): number {
    return this.valueBytes;
  }

  keyId(context: ClientContext): number {
    return context.kernels.ycsbLastRecord();
  }

  completed(): void {}
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

/** Runs given operations per client, in order, collecting GET results. */
export class ScriptedOperations implements OperationSource {
  private readonly positions: number[];
  private readonly keyIds = new Map<string, number>();
  readonly results: ScriptedResult[][];

  constructor(private readonly scripts: readonly (readonly ScriptedOperation[])[]) {
    this.positions = scripts.map(() => 0);
    this.results = scripts.map(() => []);
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

  keyId(context: ClientContext): number {
    const name = Buffer.from(asBytes(this.current(context).key)).toString('hex');
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.keyIds.size;
      this.keyIds.set(name, id);
    }
    return id;
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
      const grown = new Float64Array(this.data.length * 2);
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
}

/** Engine-independent state of one logical client. */
export class ClientRunner {
  machine: Machine<unknown> | null = null;
  kind = 0;
  startNs = 0;
  private callTick = 0;
  private keyId = 0;
  private valueId = 0;

  constructor(
    readonly context: ClientContext,
    private readonly machines: SystemMachines,
    private readonly source: OperationSource,
    /** Operations this client still has to start. */
    public remaining: number,
    private readonly stats: OperationStats,
    private readonly history: HistoryRecorder | null,
  ) {}

  /** Starts the client's next operation; false when it has none left. */
  begin(nowNs: number, tick: number): boolean {
    if (this.remaining === 0) return false;
    this.remaining--;
    const context = this.context;
    this.kind = this.source.next(context);
    this.startNs = nowNs;
    if (this.kind === OPERATION_READ) {
      this.machine = this.machines.get(context);
    } else if (this.kind === OPERATION_DELETE) {
      this.machine = this.machines.delete(context);
      this.valueId = ABSENT;
    } else {
      const valueLength = this.source.valueLength(context);
      this.machine = this.machines.set(context, valueLength);
      if (this.history !== null) this.valueId = context.kernels.valueIdOf(context.arena.value, valueLength);
    }
    if (this.history !== null) {
      this.keyId = this.source.keyId(context);
      this.callTick = tick;
    }
    return true;
  }

  /**
   * Resumes the current operation's machine with a verb's result. A user-facing error is
   * handed to the source when it takes errors (the operation then ends); otherwise thrown.
   */
  advance(value: number): IteratorResult<Verb, unknown> {
    const machine = this.machine as Machine<unknown>;
    if (this.source.failed === undefined) return machine.next(value);
    try {
      return machine.next(value);
    } catch (error) {
      if (!(error instanceof ScalioError)) throw error;
      this.source.failed(this.context, this.kind, error);
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
    recorder.push(this.context.client, this.kind, this.keyId, this.valueId, this.callTick, -1);
  }

  /** Records the end of the current operation; `result` is what its machine returned. */
  finish(nowNs: number, tick: number, result: unknown): void {
    const context = this.context;
    if (result === FAILED) {
      // Refused, and already handed to the source: not a completed operation.
      this.machine = null;
      return;
    }
    this.stats.record(this.kind, nowNs - this.startNs);
    if (this.kind === OPERATION_READ) {
      const length = result as number;
      if (length === NOT_FOUND) this.stats.notFound++;
      if (this.history !== null) {
        this.valueId = length === NOT_FOUND ? ABSENT : context.kernels.valueIdOf(context.arena.value, length);
      }
      this.source.completed(context, this.kind, length);
    } else if (this.kind === OPERATION_DELETE) {
      if (result === false) this.stats.notFound++;
      this.source.completed(context, this.kind, result === true ? 1 : 0);
    } else {
      this.source.completed(context, this.kind, 0);
    }
    if (this.history !== null) this.history.push(context.client, this.kind, this.keyId, this.valueId, this.callTick, tick);
    this.machine = null;
  }
}
