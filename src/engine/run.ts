/**
 * Running a system on an engine: the programmatic API under the command line and the tests.
 * A run builds a fresh cluster (memory, SSDs, loaded dataset), runs a YCSB workload or a
 * script of operations on the chosen engine, and reports what happened.
 */
import { type ClusterConfig, DEFAULT_CONFIG, type ResolvedConfig, definedOnly, resolveConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { Counters } from '../hw/counters.js';
import { type HardwareProfile, resolveProfile } from '../hw/profile.js';
import { buildCluster, type Cluster, planCluster, type SsdImages } from './cluster.js';
import type { ClusterLayout } from '../systems/context.js';
import { systemByName } from '../systems/registry.js';
import type { RecoveryReport } from '../store/recovery.js';
import {
  type OperationSource, OperationStats, type ScriptedOperation, ScriptedOperations, type ScriptedResult, YcsbOperations,
  validateScript,
} from './driver.js';
import { type CrashPlan, SimEngine } from './sim/engine.js';
import { type FaultReport, type FaultSchedule, checkFaultsFor, hasFaults } from './sim/faults.js';
import { type Workload, type WorkloadPlan, planWorkload, recordSettings } from '../ycsb/workloads.js';
import { resolveWorkload } from '../ycsb/workload-file.js';
import type { Kernels } from '../hw/kernels.js';

export type EngineName = 'live' | 'sim';
export const ENGINES: readonly EngineName[] = ['live', 'sim'];

export interface RunRequest {
  readonly system: string;
  readonly engine: EngineName;
  readonly config?: Partial<ClusterConfig>;
  /**
   * A YCSB workload: a built-in name (A, B, C, D, F), a workload file's path, or given in
   * full; or give `script`. Its records (key names, value sizes, loaded keys) set the
   * cluster's unless `config` says otherwise; its recordcount, operationcount,
   * maxexecutiontime and threadcount apply where the request does not say.
   */
  readonly workload?: string | Workload;
  /** YCSB operations over all clients (split evenly). With `durationSeconds`, whichever ends first. */
  readonly operations?: number;
  /**
   * Stop starting operations this long into the measured phase: seconds of wall clock on
   * the live engine, of virtual time on the simulator.
   */
  readonly durationSeconds?: number;
  /** Told, every so often, how a phase is going (for a progress bar). */
  readonly onProgress?: (progress: RunProgress) => void;
  /**
   * Operations run first and not measured (split evenly), so that the measurement sees a
   * warm cache. The measured phase continues the same cluster, random streams and clock.
   */
  readonly warmupOperations?: number;
  /** Operations per client, in order; client i runs script[i]. Overrides `workload`. */
  readonly script?: readonly (readonly ScriptedOperation[])[];
  readonly recordHistory?: boolean;
  /**
   * Simulator only: the hardware profile — a shipped profile's name ('paper', the default),
   * a profile file's path, or a profile object (checked as a file would be).
   */
  readonly profile?: string | HardwareProfile;
  /** Simulator only: give up with an error after this many events per phase (a livelock guard). */
  readonly eventsMax?: number;
  /** Live engine only: worker threads that run the clients (default: the machine's cores). */
  readonly clientThreads?: number;
  /** Start from these SSDs (saved images, or another run's) instead of loading the dataset. */
  readonly images?: SsdImages;
  /** Crash the DPU during its cores' n-th NVMe write, to test durability (live: the core threads die). */
  readonly crash?: CrashPlan;
  /**
   * Simulator only: faults injected in the measured phase (client deaths and stalls, DPU
   * restarts; src/engine/sim/faults.ts). Operations they cut are in the history with no return.
   */
  readonly faults?: FaultSchedule;
}

export interface RunProgress {
  readonly phase: 'warm-up' | 'run';
  readonly completedOperations: number;
  /** Operations the phase runs (Infinity when it runs for a duration). */
  readonly operations: number;
  /** Time into the phase: wall clock live, virtual time simulated. */
  readonly elapsedNs: number;
  /** The phase's duration limit (Infinity: none). */
  readonly durationNs: number;
}

export interface RunReport {
  readonly engine: EngineName;
  readonly system: string;
  readonly workload: string;
  /** The workload run (null for a script). */
  readonly workloadSpec: Workload | null;
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
  /** The load phase: records loaded (0 after a restart from images) and its wall-clock time. */
  readonly loadedRecords: number;
  readonly loadMs: number;
  /** Wall-clock time of the run phase. */
  readonly wallMs: number;
  /** Simulator only: events processed. */
  readonly events?: number;
  /** Simulator only: the hardware profile the run used. */
  readonly profile?: HardwareProfile;
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
  /** What the fault schedule did (null without one). */
  readonly faults: FaultReport | null;
}

/** How many operations client `client` runs when `total` (Infinity: no limit) are split over `clients`. */
export function operationsOfClient(total: number, clients: number, client: number): number {
  if (!Number.isFinite(total)) return Number.POSITIVE_INFINITY;
  return Math.floor(total / clients) + (client < total % clients ? 1 : 0);
}

export async function run(request: RunRequest): Promise<RunReport> {
  if (!ENGINES.includes(request.engine)) {
    throw new ConfigError(`unknown engine "${request.engine as string}"; engines: ${ENGINES.join(', ')}`);
  }
  const script = request.script;
  const overrides: Partial<ClusterConfig> = { ...definedOnly(request.config ?? {}) };
  if (script !== undefined) {
    if (overrides.clients === undefined) overrides.clients = script.length;
    if (script.length > (overrides.clients ?? 0)) {
      throw new ConfigError(`the script has operations for ${script.length} clients but the cluster has ${overrides.clients}`);
    }
  }
  const workload = script !== undefined ? undefined : resolveWorkload(request.workload ?? 'C');
  const workloadName = workload?.name ?? 'script';
  const totalOperations = request.operations ?? workload?.operationCount ?? Number.POSITIVE_INFINITY;
  const durationSeconds = request.durationSeconds ?? workload?.maxExecutionTimeSeconds;
  if (durationSeconds !== undefined && !(durationSeconds > 0 && Number.isFinite(durationSeconds))) {
    throw new ConfigError(`durationSeconds must be a positive number of seconds, got ${durationSeconds}`);
  }
  if (script === undefined && totalOperations !== Number.POSITIVE_INFINITY && (!Number.isInteger(totalOperations) || totalOperations < 1)) {
    throw new ConfigError(`operations must be a positive integer, got ${request.operations}`);
  }
  if (script === undefined && totalOperations === Number.POSITIVE_INFINITY && durationSeconds === undefined) {
    throw new ConfigError('a YCSB run needs a number of operations or a duration (operationcount or maxexecutiontime in a workload file)');
  }
  const warmupOperations = request.warmupOperations ?? 0;
  if (!Number.isInteger(warmupOperations) || warmupOperations < 0) {
    throw new ConfigError(`warmupOperations must be a non-negative integer, got ${request.warmupOperations}`);
  }
  if (script !== undefined && (warmupOperations > 0 || durationSeconds !== undefined)) {
    throw new ConfigError('a script runs exactly its operations: it takes no warm-up and no duration');
  }
  const faults = hasFaults(request.faults) ? request.faults : undefined;
  if (faults !== undefined && request.engine !== 'sim') {
    throw new ConfigError('faults are injected on the simulator only (engine sim): the live engine has no control over when a thread dies');
  }
  if (faults !== undefined && script !== undefined) throw new ConfigError('faults need a YCSB workload: a script\'s operations cannot be cut');
  if (faults !== undefined && request.crash !== undefined) throw new ConfigError('a run takes a crash plan or a fault schedule, not both');
  if (faults !== undefined) checkFaultsFor(faults, systemByName(request.system));
  if (workload !== undefined && request.images === undefined) Object.assign(overrides, workloadClusterSettings(workload, overrides, warmupOperations + totalOperations, warmupOperations));

  // A bad profile is refused before the dataset is loaded.
  const profile = request.engine === 'sim' ? resolveProfile(request.profile) : undefined;
  const cluster: Cluster = buildCluster(overrides, request.system, request.images);
  const config = cluster.spec.layout.config;
  if (script !== undefined) validateScript(script, config.keyBytesMax, config.valueBytesMax);
  // Generator constants (ζ of up to 10^7 terms) are computed once here, not in every thread.
  const plannedOperations = Number.isFinite(totalOperations) ? warmupOperations + totalOperations : workload?.operationCount ?? 0;
  const plan = workload !== undefined ? planWorkload(workload, config, plannedOperations) : undefined;
  const sharedState = cluster.spec.layout.plan.regions.ycsb.base;
  const perClient = (total: number) => Array.from({ length: config.clients }, (_, client) =>
    script !== undefined ? (script[client]?.length ?? 0) : operationsOfClient(total, config.clients, client));
  const durationNs = durationSeconds !== undefined ? durationSeconds * 1e9 : Number.POSITIVE_INFINITY;
  const progress = (phase: RunProgress['phase'], operations: number, phaseDurationNs: number) => request.onProgress === undefined ? undefined
    : (completedOperations: number, elapsedNs: number) => request.onProgress?.({ phase, completedOperations, operations, elapsedNs, durationNs: phaseDurationNs });
  const base = {
    system: request.system,
    workload: workloadName,
    workloadSpec: workload ?? null,
    config,
    loadedRecords: cluster.load?.records ?? 0,
    loadMs: cluster.loadMs,
    warmupOperations,
    images: { config, ssds: cluster.spec.ssds },
    recovery: cluster.recovery,
  };

  if (request.engine === 'sim') {
    const simulate = (operations: number, recordHistory: boolean, startTimeNs: number, continueRandomStreams: boolean, phase: RunProgress['phase'], phaseDurationNs: number, crash?: CrashPlan, phaseFaults?: FaultSchedule) => {
      const report = progress(phase, operations, phaseDurationNs);
      const split = perClient(operations);
      return new SimEngine(cluster.spec, {
        profile: profile as HardwareProfile,
        source: (node) => configureSource(node.kernels, plan, script, sharedState),
        operationsPerClient: (client) => split[client],
        recordHistory,
        startTimeNs,
        continueRandomStreams,
        crash,
        faults: phaseFaults,
        stopAtNs: startTimeNs + phaseDurationNs,
        eventsMax: request.eventsMax,
        onProgress: report === undefined ? undefined : (completed, nowNs) => report(completed, nowNs - startTimeNs),
      }).run();
    };
    const warmup = warmupOperations > 0 ? simulate(warmupOperations, false, 0, false, 'warm-up', Number.POSITIVE_INFINITY) : undefined;
    const output = simulate(totalOperations, request.recordHistory ?? false, warmup?.endTimeNs ?? 0, warmup !== undefined, 'run', durationNs, request.crash, faults);
    return {
      ...base,
      ...measured(output.stats, output.durationNs),
      engine: 'sim',
      counters: output.node.counters,
      history: output.history,
      scriptResults: output.source instanceof ScriptedOperations ? output.source.results : null,
      wallMs: output.wallMs,
      events: output.events,
      profile,
      crashed: output.crashed,
      inFlight: output.inFlight,
      faults: output.faults,
    };
  }

  // Loaded only for a live run: its worker pool (piscina) costs a simulator-only process ~2 MiB of resident memory.
  const { runLive } = await import('./live/engine.js');
  const runPhase = (operations: number, recordHistory: boolean, continueRandomStreams: boolean, phase: RunProgress['phase'], phaseDurationNs: number, crash?: CrashPlan) => runLive(cluster.spec, {
    plan: plan ?? null,
    script: script ?? null,
    operationsPerClient: perClient(operations),
    recordHistory,
    clientThreads: request.clientThreads,
    continueRandomStreams,
    crash,
    durationNs: phaseDurationNs,
    onProgress: progress(phase, operations, phaseDurationNs),
  });
  if (warmupOperations > 0) await runPhase(warmupOperations, false, false, 'warm-up', Number.POSITIVE_INFINITY);
  const output = await runPhase(totalOperations, request.recordHistory ?? false, warmupOperations > 0, 'run', durationNs, request.crash);
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
    faults: null,
  };
}

/**
 * The cluster a YCSB run of `request` would build — configuration resolved, memory laid out,
 * nothing allocated — so that its size can be judged before starting. (Settled as `run`
 * settles them: the workload's settings under the request's; the system's defaults under both.)
 */
export function plannedCluster(request: RunRequest): ClusterLayout {
  const workload = resolveWorkload(request.workload ?? 'C');
  const totalOperations = request.operations ?? workload.operationCount ?? Number.POSITIVE_INFINITY;
  const warmupOperations = request.warmupOperations ?? 0;
  const overrides = workloadClusterSettings(workload, definedOnly(request.config ?? {}), warmupOperations + totalOperations, warmupOperations);
  const system = systemByName(request.system);
  return planCluster(resolveConfig({ ...system.defaults, ...definedOnly(overrides) }), system);
}

/**
 * The cluster settings a workload implies, where `overrides` (the caller's) do not say:
 * its records (key names, field count and sizes, loaded keys), record and thread counts,
 * and room in the store for the inserts `operations` (warm-up included; Infinity for a
 * run of a duration) will make.
 */
function workloadClusterSettings(workload: Workload, overrides: Partial<ClusterConfig>, operations: number, warmupOperations: number): Partial<ClusterConfig> {
  // An explicit value size replaces the workload's record: one field of that size.
  const records = overrides.valueBytes !== undefined
    ? { ...recordSettings(workload), valueFields: 1, valueBytes: overrides.valueBytes, valueFieldBytesMin: 0 }
    : recordSettings(workload);
  const settings: Partial<ClusterConfig> = { ...records, ...definedOnly(overrides) };
  settings.records ??= workload.recordCount;
  settings.clients ??= workload.threadCount;
  if (settings.loadCount === undefined && workload.insertCount !== undefined) settings.loadCount = workload.insertCount;
  const shares = workload.readProportion + workload.updateProportion + workload.insertProportion + workload.readModifyWriteProportion;
  if (settings.capacityRecords === undefined && workload.insertProportion > 0) {
    const records = settings.records ?? DEFAULT_CONFIG.records;
    const insertShare = workload.insertProportion / shares;
    // A run for a duration may insert any number of keys: make room for the dataset again.
    const inserts = Number.isFinite(operations) ? Math.ceil(operations * insertShare) : Math.ceil(warmupOperations * insertShare) + records;
    settings.capacityRecords = records + inserts + (settings.clients ?? DEFAULT_CONFIG.clients);
  }
  return settings;
}

/** The measured part of a report: operations over the measured window. */
function measured(stats: OperationStats, durationNs: number) {
  const operations = stats.operations;
  return { stats, operations, durationNs, operationsPerSecond: durationNs > 0 ? (operations * 1e9) / durationNs : 0 };
}

/** The operation source of a run, for one thread's kernels. */
export function configureSource(
  kernels: Kernels,
  plan: WorkloadPlan | undefined,
  script: readonly (readonly ScriptedOperation[])[] | undefined,
  sharedState: number,
): OperationSource {
  if (script !== undefined) return new ScriptedOperations(script);
  if (plan === undefined) throw new Error('a run needs a workload or a script');
  return new YcsbOperations(kernels, plan, sharedState);
}
