/**
 * Running a system on an engine: the programmatic API under the command line and the tests.
 * A run builds a fresh cluster (memory, SSDs, loaded dataset), runs a YCSB workload or a
 * script of operations on the chosen engine, and reports what happened.
 */
import type { ClusterConfig, ResolvedConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { Counters } from '../hw/counters.js';
import { PAPER_PROFILE, type HardwareProfile } from '../hw/profile.js';
import { buildCluster, type Cluster } from './cluster.js';
import {
  type OperationSource, OperationStats, type ScriptedOperation, ScriptedOperations, type ScriptedResult, YcsbOperations,
  validateScript,
} from './driver.js';
import { SimEngine } from './sim/engine.js';
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
  /** A YCSB workload name (A, C); or give `script`. */
  readonly workload?: string;
  /** YCSB operations over all clients (split evenly). */
  readonly operations?: number;
  /** Operations per client, in order; client i runs script[i]. Overrides `workload`. */
  readonly script?: readonly (readonly ScriptedOperation[])[];
  readonly recordHistory?: boolean;
  /** Simulator only: the hardware timing. */
  readonly profile?: HardwareProfile;
  /** Live engine only: worker threads that run the clients (default: the machine's cores). */
  readonly clientThreads?: number;
}

export interface RunReport {
  readonly engine: EngineName;
  readonly system: string;
  readonly workload: string;
  readonly config: ResolvedConfig;
  readonly operations: number;
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
  const workloadName = script === undefined ? (request.workload ?? 'C') : 'script';
  const workload = script === undefined ? workloadByName(workloadName) : undefined;
  const totalOperations = request.operations ?? 0;
  if (script === undefined && (!Number.isInteger(totalOperations) || totalOperations < 1)) {
    throw new ConfigError(`operations must be a positive integer, got ${request.operations}`);
  }
  const cluster: Cluster = buildCluster(overrides, request.system);
  const config = cluster.spec.layout.config;
  if (script !== undefined) validateScript(script, config.keyBytesMax, config.valueBytesMax);
  const operationsPerClient = (client: number) =>
    script !== undefined ? (script[client]?.length ?? 0) : operationsOfClient(totalOperations, config.clients, client);
  // ζ(n) of the `records` rank space takes a pass over n terms: compute it once, not per thread.
  const zetan = workload?.rankSpace === 'records' ? cachedZeta(config.records, ZIPFIAN_CONSTANT) : undefined;
  const makeSource = (kernels: Kernels) => configureSource(kernels, workload, script, config, zetan);

  if (request.engine === 'sim') {
    const engine = new SimEngine(cluster.spec, {
      profile: request.profile ?? PAPER_PROFILE,
      source: (node) => makeSource(node.kernels),
      operationsPerClient,
      recordHistory: request.recordHistory ?? false,
    });
    const output = engine.run();
    const operations = output.stats.operations;
    return {
      engine: 'sim',
      system: request.system,
      workload: workloadName,
      config,
      operations,
      durationNs: output.durationNs,
      operationsPerSecond: output.durationNs > 0 ? (operations * 1e9) / output.durationNs : 0,
      stats: output.stats,
      counters: output.node.counters,
      history: output.history,
      scriptResults: output.source instanceof ScriptedOperations ? output.source.results : null,
      loadMs: cluster.loadMs,
      wallMs: output.wallMs,
      events: output.events,
    };
  }
  if (request.engine === 'live') {
    const output = await runLive(cluster.spec, {
      workload: workload ?? null,
      zetan,
      script: script ?? null,
      operationsPerClient: Array.from({ length: config.clients }, (_, client) => operationsPerClient(client)),
      recordHistory: request.recordHistory ?? false,
      clientThreads: request.clientThreads,
    });
    const operations = output.stats.operations;
    return {
      engine: 'live',
      system: request.system,
      workload: workloadName,
      config,
      operations,
      durationNs: output.durationNs,
      operationsPerSecond: output.durationNs > 0 ? (operations * 1e9) / output.durationNs : 0,
      stats: output.stats,
      counters: output.counters,
      history: output.history,
      scriptResults: output.scriptResults,
      loadMs: cluster.loadMs,
      wallMs: output.wallMs,
      clientThreads: output.clientThreads,
    };
  }
  throw new Error(`engine "${request.engine as string}" has no runner`);
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
