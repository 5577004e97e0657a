/**
 * The live engine's main thread: starts a piscina pool with one thread per DPU core and
 * `clientThreads` threads of clients over the cluster's shared memory, starts them together,
 * waits for the clients to finish their operations, stops the cores and merges what every
 * thread measured. Throughput is operations over the wall-clock window from the first
 * client thread's start to the last one's finish.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ConfigError, ScalioError } from '../../errors.js';
import { Counters } from '../../hw/counters.js';
import { wakeCore } from '../../hw/rpc.js';
import { builtModulePath } from '../../paths.js';
import { type ClusterSpec, CLIENT_WORKERS_MAX, ControlWord } from '../cluster.js';
import { OperationStats, type ScriptedOperation, type ScriptedResult } from '../driver.js';
import {
  type ClientThreadResult, type ClientThreadTask, Control, type CoreThreadResult, type CoreThreadTask, type FailedTask,
} from './protocol.js';
import * as errors from '../../errors.js';
import type { WorkloadPlan } from '../../ycsb/workloads.js';
import type { CrashPlan } from '../sim/engine.js';

export interface LiveRunOptions {
  readonly plan: WorkloadPlan | null;
  readonly script: readonly (readonly ScriptedOperation[])[] | null;
  readonly operationsPerClient: readonly number[];
  readonly recordHistory: boolean;
  readonly clientThreads?: number;
  /** Keep the clients' random streams where a previous phase left them. */
  readonly continueRandomStreams?: boolean;
  /** Kill the DPU-core threads during their n-th NVMe write, to test durability. */
  readonly crash?: CrashPlan;
  /** Longest time to wait for workers to start (they instantiate WebAssembly). */
  readonly startTimeoutMs?: number;
  /** Stop starting operations this long after the start (wall clock; default: run the operations given). */
  readonly durationNs?: number;
  /** Told about every 200 ms how many operations have completed and how long the run has taken. */
  readonly onProgress?: (completedOperations: number, elapsedNs: number) => void;
}

/** How often the main thread reports progress while the workers run. */
const PROGRESS_INTERVAL_MS = 200;

export interface LiveRunOutput {
  readonly stats: OperationStats;
  readonly counters: Counters;
  readonly history: Float64Array | null;
  readonly scriptResults: ScriptedResult[][] | null;
  readonly durationNs: number;
  readonly wallMs: number;
  readonly clientThreads: number;
  readonly crashed: boolean;
  readonly inFlight: Float64Array | null;
}

function concatenate(parts: readonly Float64Array[]): Float64Array {
  const whole = new Float64Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

/** Rebuilds a worker's error with its original class when it is one of ours. */
function rebuild(failed: FailedTask['failed']): Error {
  const classes = errors as unknown as Record<string, new (message: string) => Error>;
  const ErrorClass = failed.name in classes ? classes[failed.name] : undefined;
  const error = ErrorClass !== undefined ? new ErrorClass(failed.message) : new Error(`${failed.name}: ${failed.message}`);
  error.stack = failed.stack;
  return error;
}

function isFailed(result: unknown): result is FailedTask {
  return typeof result === 'object' && result !== null && 'failed' in result;
}

export async function runLive(spec: ClusterSpec, options: LiveRunOptions): Promise<LiveRunOutput> {
  const config = spec.layout.config;
  const clientThreads = Math.min(options.clientThreads ?? availableParallelism(), config.clients, CLIENT_WORKERS_MAX);
  if (!Number.isInteger(clientThreads) || clientThreads < 1) {
    throw new ConfigError(`clientThreads must be a positive integer, got ${options.clientThreads}`);
  }
  const threads = clientThreads + config.dpuCores;
  const control = new Control(spec);
  for (const word of [
    ControlWord.go, ControlWord.stop, ControlWord.ready, ControlWord.failed, ControlWord.historyTick, ControlWord.coreWrites, ControlWord.crashed,
    ControlWord.completedOperations,
  ]) {
    control.store(word, 0);
  }

  const pool = new Piscina({
    filename: builtModulePath('engine/live/worker.js'),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    maxQueue: threads,
  });
  const started = performance.now();
  try {
    const clientTasks: Promise<ClientThreadResult | FailedTask>[] = [];
    for (let thread = 0; thread < clientThreads; thread++) {
      const task: ClientThreadTask = {
        role: 'client', spec, timeOriginMs: performance.timeOrigin, thread, threads: clientThreads, plan: options.plan, script: options.script,
        operationsPerClient: options.operationsPerClient, recordHistory: options.recordHistory,
        continueRandomStreams: options.continueRandomStreams ?? false, durationNs: options.durationNs ?? Number.POSITIVE_INFINITY,
      };
      clientTasks.push(pool.run(task));
    }
    const coreTasks: Promise<CoreThreadResult | FailedTask>[] = [];
    for (let core = 0; core < config.dpuCores; core++) {
      const task: CoreThreadTask = { role: 'core', spec, timeOriginMs: performance.timeOrigin, core, clientThreads, crash: options.crash ?? null };
      coreTasks.push(pool.run(task));
    }

    // Start everyone together once all threads have attached (or stop if one failed).
    const deadline = performance.now() + (options.startTimeoutMs ?? 60_000);
    while (control.load(ControlWord.ready) < threads && control.load(ControlWord.failed) === 0) {
      if (performance.now() > deadline) {
        control.store(ControlWord.failed, 1);
        throw new ScalioError(`live engine: only ${control.load(ControlWord.ready)} of ${threads} worker threads started within ${options.startTimeoutMs ?? 60_000} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    control.store(ControlWord.go, 1);
    const goAt = performance.now();
    const onProgress = options.onProgress;
    const progress = onProgress === undefined ? undefined
      : setInterval(() => onProgress(control.load(ControlWord.completedOperations), (performance.now() - goAt) * 1e6), PROGRESS_INTERVAL_MS);

    const clientResults = await Promise.all(clientTasks).finally(() => clearInterval(progress));
    control.store(ControlWord.stop, 1);
    for (let core = 0; core < config.dpuCores; core++) wakeCore(spec.memory, spec.layout.plan, config, core);
    const coreResults = await Promise.all(coreTasks);
    const wallMs = performance.now() - started;

    const firstFailure = [...clientResults, ...coreResults].find(isFailed);
    if (firstFailure !== undefined) throw rebuild(firstFailure.failed);

    const stats = new OperationStats();
    const counters = new Counters(config.ssds, config.dpuCores);
    const histories: Float64Array[] = [];
    const inFlights: Float64Array[] = [];
    const scriptResults: ScriptedResult[][] = Array.from({ length: config.clients }, () => []);
    let startedNs = Number.POSITIVE_INFINITY;
    let finishedNs = 0;
    for (const result of clientResults as ClientThreadResult[]) {
      stats.mergeFrom(OperationStats.fromJSON(result.stats));
      counters.mergeFrom(new Counters(config.ssds, config.dpuCores, result.counters));
      if (result.history !== null) histories.push(result.history);
      if (result.inFlight !== null) inFlights.push(result.inFlight);
      for (const [client, results] of result.scriptResults) scriptResults[client] = results;
      startedNs = Math.min(startedNs, result.startedNs);
      finishedNs = Math.max(finishedNs, result.finishedNs);
    }
    for (const result of coreResults as CoreThreadResult[]) counters.mergeFrom(new Counters(config.ssds, config.dpuCores, result.counters));
    const crashed = control.load(ControlWord.crashed) !== 0;
    const history = options.recordHistory ? concatenate(histories) : null;
    return {
      stats,
      counters,
      history,
      scriptResults: options.script !== null ? scriptResults : null,
      durationNs: Math.max(0, finishedNs - startedNs),
      wallMs,
      clientThreads,
      crashed,
      inFlight: options.recordHistory && crashed ? concatenate(inFlights) : null,
    };
  } finally {
    control.store(ControlWord.stop, 1);
    for (let core = 0; core < config.dpuCores; core++) wakeCore(spec.memory, spec.layout.plan, config, core);
    await pool.destroy();
  }
}
