/**
 * Messages between the live engine's main thread and its workers, and the control words
 * they share. Everything here crosses threads by structured clone; the cluster itself
 * (memory, module, SSD buffers) is shared, not copied.
 */
import type { ClusterSpec } from '../cluster.js';
import { CLIENT_WORKER_BELLS_OFFSET, CLIENT_WORKER_BELL_STRIDE, ControlWord } from '../cluster.js';
import type { ScriptedOperation, ScriptedResult } from '../driver.js';
import type { WorkloadPlan } from '../../ycsb/workloads.js';
import type { CrashPlan } from '../sim/engine.js';

export interface ClientThreadTask {
  readonly role: 'client';
  readonly spec: ClusterSpec;
  /** The main thread's `performance.timeOrigin`: every thread measures time from it. */
  readonly timeOriginMs: number;
  readonly thread: number;
  readonly threads: number;
  readonly plan: WorkloadPlan | null;
  readonly script: readonly (readonly ScriptedOperation[])[] | null;
  readonly operationsPerClient: readonly number[];
  readonly recordHistory: boolean;
  /** Keep the clients' random streams where a previous phase left them instead of seeding them. */
  readonly continueRandomStreams: boolean;
  /** No operation starts this long after the thread starts (Infinity: run the operations given). */
  readonly durationNs: number;
}

export interface CoreThreadTask {
  readonly role: 'core';
  readonly spec: ClusterSpec;
  readonly timeOriginMs: number;
  readonly core: number;
  readonly clientThreads: number;
  /** Die during the cores' n-th NVMe write (tearing it if asked), to test durability. */
  readonly crash: CrashPlan | null;
}

export type LiveTask = ClientThreadTask | CoreThreadTask;

export interface FailedTask {
  readonly failed: { readonly name: string; readonly message: string; readonly stack: string };
}

export interface ClientThreadResult {
  readonly stats: ReturnType<import('../driver.js').OperationStats['toJSON']>;
  readonly counters: Float64Array;
  readonly history: Float64Array | null;
  /** Script results of this thread's clients, by client id. */
  readonly scriptResults: [number, ScriptedResult[]][];
  /** When this thread started and finished its operations, in ns on the shared clock. */
  readonly startedNs: number;
  readonly finishedNs: number;
  /** With a history, after a crash: the operations under way, with return tick -1. */
  readonly inFlight: Float64Array | null;
}

export interface CoreThreadResult {
  readonly counters: Float64Array;
}

/**
 * A clock in nanoseconds shared by all threads of a run. `performance.now()` counts from
 * each worker's own start, so raw readings of two threads are not comparable (and cache
 * access times written by different threads would be on different scales); adding the
 * difference of the time origins puts every thread on the main thread's timeline.
 */
export function sharedClock(mainTimeOriginMs: number): () => number {
  const offsetMs = performance.timeOrigin - mainTimeOriginMs;
  return () => (performance.now() + offsetMs) * 1e6;
}

/** Which client thread runs client `client`: clients are dealt round robin. */
export function threadOfClient(client: number, threads: number): number {
  return client % threads;
}

/** An i32 view of the control region and the indexes of its words. */
export class Control {
  readonly words: Int32Array;
  private readonly base: number;

  constructor(spec: ClusterSpec) {
    this.words = new Int32Array(spec.memory.buffer);
    this.base = spec.layout.plan.regions.control.base >> 2;
  }

  index(word: number): number {
    return this.base + word;
  }

  load(word: number): number {
    return Atomics.load(this.words, this.base + word);
  }

  store(word: number, value: number): void {
    Atomics.store(this.words, this.base + word, value);
    Atomics.notify(this.words, this.base + word);
  }

  /** The i32 index of a client thread's doorbell; the word after it is its "sleeping" flag. */
  bellIndex(thread: number): number {
    return this.base + (CLIENT_WORKER_BELLS_OFFSET + thread * CLIENT_WORKER_BELL_STRIDE) / 4;
  }

  /** Rings a client thread's doorbell, waking it only if it sleeps. */
  ringClientThread(thread: number): void {
    const bell = this.bellIndex(thread);
    Atomics.add(this.words, bell, 1);
    if (Atomics.load(this.words, bell + 1) !== 0) Atomics.notify(this.words, bell);
  }

  /** A shared event counter whose values order history events in real time. */
  tick(): number {
    return Atomics.add(this.words, this.base + ControlWord.historyTick, 1);
  }

  /** Signals readiness and blocks until the run starts; false if the run failed meanwhile. */
  arriveAndWaitForStart(): boolean {
    Atomics.add(this.words, this.base + ControlWord.ready, 1);
    Atomics.notify(this.words, this.base + ControlWord.ready);
    while (Atomics.load(this.words, this.base + ControlWord.go) === 0) {
      if (Atomics.load(this.words, this.base + ControlWord.failed) !== 0) return false;
      Atomics.wait(this.words, this.base + ControlWord.go, 0, 100);
    }
    return true;
  }
}

/** Serialises a worker's error so that its class survives the trip to the main thread. */
export function failure(error: unknown): FailedTask {
  const failed = error instanceof Error ? error : new Error(String(error));
  return { failed: { name: failed.name, message: failed.message, stack: failed.stack ?? '' } };
}
