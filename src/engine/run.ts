/**
 * Running a system on an engine: the programmatic API under the command line and the tests.
 * A run builds a fresh cluster (memory, SSDs, loaded dataset), runs a YCSB workload or a
 * script of operations on the chosen engine, and reports what happened.
 */
import type { ClusterConfig, ResolvedConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { Counters } from '../hw/counters.js';
import { PAPER_PROFILE, type HardwareProfile } from '../hw/profile.js';
import { buildCluster, type Cluster, type SsdImages } from './cluster.js';
import type { RecoveryReport } from '../store/recovery.js';
import {
  type OperationSource, OperationStats, type ScriptedOperation, ScriptedOperations, type ScriptedResult, YcsbOperations,
  validateScript,
} from './driver.js';
import { type CrashPlan, SimEngine } from './sim/engine.js';
import { runLive } from './live/engine.js';
import { type Workload, cachedZeta, workloadByName } from '../ycsb/workloads.js';
import { ZIPFIAN_CONSTANT } from '../ycsb/reference.js';
import type { Kernels } from '../hw/kernels.js';

export type EngineName = 'live' | 'sim';
export const ENGINES: readonly EngineName[] = ['live', 'sim'];

export interface RunRequest {
  readonly system: string;
  readonly engine: EngineName;
  readonly config?: Partial<ClusterConfig>;
  /** A YCSB workload, by name (A, C) or given in full; or give `script`. */
  readonly workload?: string | Workload;
  /** YCSB operations over all clients (split evenly). */
  readonly operations?: number;
  /**
   * Operations run first and not measured (split evenly), so that the measurement sees a
   * warm cache. The measured phase continues the same cluster, random streams and clock.
   */
  readonly warmupOperations?: number;
  /** Operations per client, in order; client i runs script[i]. Overrides `workload`. */
  readonly script?: readonly (readonly ScriptedOperation[])[];
  readonly recordHistory?: boolean;
  /** Simulator only: the hardware timing. */
  readonly profile?: HardwareProfile;
  /** Live engine only: worker threads that run the clients (default: the machine's cores). */
  readonly clientThreads?: number;
  /** Start from these SSDs (saved images, or another run's) instead of loading the dataset. */
  readonly images?: SsdImages;
  /** Crash the DPU during its cores' n-th NVMe write, to test durability (live: the core threads die). */
  readonly crash?: CrashPlan;
}

export interface RunReport {
  readonly engine: EngineName;
  readonly system: string;
  readonly workload: string;
  readonly config: ResolvedConfig;
  readonly operations: number;
  /** Unmeasured operations run before the measured ones. */
  readonly warmupOperations: number;
  /** The measured window: wall-clock time live, virtual time simulated. */
  readonly durationNs: number;
  readonly operationsPerSecond: number;
  readonly stats: OperationStats;
  readonly counters: Counters;
  readonly history: Float64Array | null;
  readonly scriptResults: ScriptedResult[][] | null;
  readonly loadMs: number;
  /** Wall-clock time of the run phase. */
  readonly wallMs: number;
  /** Simulator only: events processed. */
  readonly events?: number;
  /** Live engine only: threads used. */
  readonly clientThreads?: number;
  /** The SSDs as the run left them: save them, or start another run from them. */
  readonly images: SsdImages;
  /** What a restart from images found (null after a fresh load). */
  readonly recovery: RecoveryReport | null;
  /** True if the run stopped at a planned DPU crash. */
  readonly crashed: boolean;
  /** With a history, after a crash: the operations under way, with return tick -1. */
  readonly inFlight: Float64Array | null;
}

/** How many operations client `client` runs when `total` are split over `clients`. */
export function operationsOfClient(total: number, clients: number, client: number): number {
  return Math.floor(total / clients) + (client < total % clients ? 1 : 0);
}

export async function run(request: RunRequest): Promise<RunReport> {
  if (!ENGINES.includes(request.engine)) {
    throw new ConfigError(`unknown engine "${request.engine as string}"; engines: ${ENGINES.join(', ')}`);
  }
  const script = request.script;
  const overrides: Partial<ClusterConfig> = { ...request.config };
  if (script !== undefined) {
    if (overrides.clients === undefined) overrides.clients = script.length;
    if (script.length > (overrides.clients ?? 0)) {
      throw new ConfigError(`the script has operations for ${script.length} clients but the cluster has ${overrides.clients}`);
    }
  }
  const workload = script !== undefined ? undefined
    : typeof request.workload === 'object' ? request.workload : workloadByName(request.workload ?? 'C');
  const workloadName = workload?.name ?? 'script';
  const totalOperations = request.operations ?? 0;
  if (script === undefined && (!Number.isInteger(totalOperations) || totalOperations < 1)) {
    throw new ConfigError(`operations must be a positive integer, got ${request.operations}`);
  }
  const warmupOperations = request.warmupOperations ?? 0;
  if (!Number.isInteger(warmupOperations) || warmupOperations < 0) {
    throw new ConfigError(`warmupOperations must be a non-negative integer, got ${request.warmupOperations}`);
  }
  if (script !== undefined && warmupOperations > 0) throw new ConfigError('a script runs exactly its operations: it takes no warm-up');

  const cluster: Cluster = buildCluster(overrides, request.system, request.images);
  const config = cluster.spec.layout.config;
  if (script !== undefined) validateScript(script, config.keyBytesMax, config.valueBytesMax);
  // ζ(n) of the `records` rank space takes a pass over n terms: compute it once, not per thread.
  const zetan = workload?.rankSpace === 'records' ? cachedZeta(config.records, ZIPFIAN_CONSTANT) : undefined;
  const perClient = (total: number) => Array.from({ length: config.clients }, (_, client) =>
    script !== undefined ? (script[client]?.length ?? 0) : operationsOfClient(total, config.clients, client));
  const base = {
    system: request.system,
    workload: workloadName,
    config,
    loadMs: cluster.loadMs,
    warmupOperations,
    images: { config, buffers: cluster.spec.ssdBuffers },
    recovery: cluster.recovery,
  };

  if (request.engine === 'sim') {
    const simulate = (operations: readonly number[], recordHistory: boolean, startTimeNs: number, continueRandomStreams: boolean, crash?: CrashPlan) =>
      new SimEngine(cluster.spec, {
        profile: request.profile ?? PAPER_PROFILE,
        source: (node) => configureSource(node.kernels, workload, script, config, zetan),
        operationsPerClient: (client) => operations[client],
        recordHistory,
        startTimeNs,
        continueRandomStreams,
        crash,
      }).run();
    const warmup = warmupOperations > 0 ? simulate(perClient(warmupOperations), false, 0, false) : undefined;
    const output = simulate(perClient(totalOperations), request.recordHistory ?? false, warmup?.endTimeNs ?? 0, warmup !== undefined, request.crash);
    return {
      ...base,
      ...measured(output.stats, output.durationNs),
      engine: 'sim',
      counters: output.node.counters,
      history: output.history,
      scriptResults: output.source instanceof ScriptedOperations ? output.source.results : null,
      wallMs: output.wallMs,
      events: output.events,
      crashed: output.crashed,
      inFlight: output.inFlight,
    };
  }

  const runPhase = (operations: readonly number[], recordHistory: boolean, continueRandomStreams: boolean, crash?: CrashPlan) => runLive(cluster.spec, {
    workload: workload ?? null,
    zetan,
    script: script ?? null,
    operationsPerClient: operations,
    recordHistory,
    clientThreads: request.clientThreads,
    continueRandomStreams,
    crash,
  });
  if (warmupOperations > 0) await runPhase(perClient(warmupOperations), false, false);
  const output = await runPhase(perClient(totalOperations), request.recordHistory ?? false, warmupOperations > 0, request.crash);
  return {
    ...base,
    ...measured(output.stats, output.durationNs),
    engine: 'live',
    counters: output.counters,
    history: output.history,
    scriptResults: output.scriptResults,
    wallMs: output.wallMs,
    clientThreads: output.clientThreads,
    crashed: output.crashed,
    inFlight: output.inFlight,
  };
}

/** The measured part of a report: operations over the measured window. */
function measured(stats: OperationStats, durationNs: number) {
  const operations = stats.operations;
  return { stats, operations, durationNs, operationsPerSecond: durationNs > 0 ? (operations * 1e9) / durationNs : 0 };
}

/** The operation source of a run, for one thread's kernels. */
export function configureSource(
  kernels: Kernels,
  workload: Workload | undefined,
  script: readonly (readonly ScriptedOperation[])[] | undefined,
  config: ResolvedConfig,
  zetan: number | undefined,
): OperationSource {
  if (script !== undefined) return new ScriptedOperations(script);
  if (workload === undefined) throw new Error('a run needs a workload or a script');
  return new YcsbOperations(kernels, workload, config.records, config.valueBytes, zetan);
}
