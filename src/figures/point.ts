/**
 * One point of a figure: a simulator run, described as plain data (so that it can be hashed
 * for the disk cache, posted to a worker thread and written into a figure's JSON), and the
 * numbers a figure plots from it.
 *
 * `requestOf` is the one place a point becomes `run()` options; each figure builds its
 * points' `PointRun`s in one function of its own (see figures.ts), so a new model field
 * (in-flight operations, a profile) is wired in with a one-line change there.
 */
import { idealHitRatio, lruHitRatio } from '../calibration/ideal-hit-ratio.js';
import type { ClusterConfig } from '../config.js';
import { ScalioError } from '../errors.js';
import { type RunMetrics, metricsOf, ssdIosByDevice } from '../engine/metrics.js';
import { type NvmeOfReadsResult, runNvmeOfReads } from '../engine/nvmeof.js';
import { type RunRequest, plannedCluster, run } from '../engine/run.js';
import { type HardwareProfile, type HardwareTiming, TIMING_PARAMETERS, resolveProfile } from '../hw/profile.js';
import { WORKLOADS, type Workload, describeMix } from '../ycsb/workloads.js';

/** The changes a point makes to a built-in workload (the rest is the built-in's). */
export interface WorkloadChanges {
  readonly requestDistribution?: Workload['requestDistribution'];
  readonly zipfianConstant?: number;
}

/** Everything that decides a point's result: the cache key is a hash of this and the code. */
export type PointRun = YcsbRun | NvmeOfReadsRun;

/**
 * The hardware profile a point runs on, as data: its name and every parameter's value — what
 * decides the numbers, so the point's cache key hashes it (a profile file edited between two
 * sweeps recomputes the points). Where each value comes from is kept in the figure's JSON.
 * Absent: the shipped `paper` profile (whose file the model hash covers).
 */
export interface PointProfile {
  readonly name: string;
  readonly parameters: Readonly<Record<keyof HardwareTiming, number>>;
}

/** A profile's content as a point carries it. */
export function pointProfileOf(profile: HardwareProfile): PointProfile {
  const parameters = Object.fromEntries(TIMING_PARAMETERS.map((key) => [key, profile[key]])) as Record<keyof HardwareTiming, number>;
  return { name: profile.name, parameters };
}

/** The profile a point runs on, checked as a file would be (undefined: the run's default). */
function hardwareProfileOf(profile: PointProfile | undefined): HardwareProfile | undefined {
  if (profile === undefined) return undefined;
  return resolveProfile({ ...profile.parameters, name: profile.name, description: '', sources: {} as HardwareProfile['sources'], file: `"${profile.name}" (a figure point's profile)` });
}

/** A key-value store run: a system on a YCSB workload. */
export interface YcsbRun {
  readonly kind?: undefined;
  readonly system: string;
  /** A built-in workload (A, B, C, D, F). */
  readonly workload: string;
  readonly workloadChanges?: WorkloadChanges;
  readonly config: Partial<ClusterConfig>;
  readonly operations: number;
  readonly warmupOperations: number;
  /** Also compute the cache's ideal hit ratio and LRU's bound for this workload (where the model can). */
  readonly hitRatioBounds?: true;
  readonly profile?: PointProfile;
}

/** Fig. 6's microbenchmark: 512-byte NVMe-oF random reads, no store, standard target or offload. */
export interface NvmeOfReadsRun {
  readonly kind: 'nvmeof-reads';
  readonly target: 'standard' | 'offload';
  readonly ssds: number;
  /** Reads outstanding per SSD. */
  readonly queueDepth: number;
  readonly dpuCores: number;
  readonly commands: number;
  readonly profile?: PointProfile;
}

function hitRatioBoundsOf(point: YcsbRun, records: number, slots: number): { ideal: number; lru: number } {
  const workload = workloadOf(point);
  // The bounds are computed for the artifact's rank space and the zipfian or uniform chooser only.
  if (point.hitRatioBounds !== true || workload.rankSpace !== 'records' || !['zipfian', 'uniform'].includes(workload.requestDistribution)) {
    return { ideal: Number.NaN, lru: Number.NaN };
  }
  const theta = workload.requestDistribution === 'uniform' ? 0 : workload.zipfianConstant;
  return { ideal: idealHitRatio({ records, slots, theta }), lru: lruHitRatio({ records, slots, theta }) };
}

/**
 * What a figure plots from a run. Only simulated quantities: two runs of the same point give
 * the same numbers bit for bit (wall-clock times are kept apart, in `PointTiming`).
 */
export interface PointMetrics {
  readonly operationsPerSecond: number;
  readonly latencyMeanUs: number;
  readonly latencyP50Us: number;
  readonly latencyP99Us: number;
  /** GETs served by the DRAM cache over all GETs (NaN for a system without a cache or a run without GETs). */
  readonly hitRatio: number;
  /** NVMe commands completed per simulated second, over all SSDs, counted per device. */
  readonly ssdReadIops: number;
  readonly ssdWriteIops: number;
  readonly ssdIops: number;
  /** The busiest SSD's commands per second (reads + writes). */
  readonly ssdIopsMaxDevice: number;
  readonly ssdIosPerOperation: number;
  readonly rpcsPerOperation: number;
  /** DPU core busy time over the cores' time in the measured window (0–1). */
  readonly coreUtilisation: number;
  readonly coreUsPerOperation: number;
  /**
   * The DPU cores' busy share split by kind of work — RPC receive and reply, SSD I/O (NVMe
   * submit and complete with the store's work), the standard NVMe-oF target — where the model
   * reports it (NaN where it does not).
   */
  readonly coreUtilisationRpc: number;
  readonly coreUtilisationSsdIo: number;
  readonly coreUtilisationNvmeTarget: number;
  /** Client CPU per operation, µs, where the model charges it (NaN otherwise). */
  readonly clientUsPerOperation: number;
  /**
   * For points that ask (`hitRatioBounds`), where the model can compute them: the hottest
   * cache-slots keys' share of the draws (a static top-k cache), and a fully associative LRU
   * cache's hit ratio (Che's approximation). NaN otherwise.
   */
  readonly idealHitRatio: number;
  readonly lruHitRatio: number;
  /** Each SSD's reads + writes per simulated second, "d0;d1;…". */
  readonly ssdIopsByDevice: string;
  readonly operations: number;
  readonly measuredSeconds: number;
}

export interface PointTiming {
  /** Wall-clock seconds the point took (load, warm-up and run), on the machine that ran it. */
  readonly wallSeconds: number;
}

export interface PointResult {
  readonly metrics: PointMetrics;
  readonly timing: PointTiming;
}

/** The workload a point runs. */
export function workloadOf(point: YcsbRun): Workload {
  const base = WORKLOADS[point.workload];
  if (base === undefined) throw new ScalioError(`figure point: unknown workload "${point.workload}"; built in: ${Object.keys(WORKLOADS).join(', ')}`);
  if (point.workloadChanges === undefined) return base;
  const changed = { ...base, ...point.workloadChanges };
  return { ...changed, description: describeMix(changed) };
}

/** The `run()` options of a point: the only place a point becomes a run. */
export function requestOf(point: YcsbRun): RunRequest {
  return {
    system: point.system,
    engine: 'sim',
    workload: workloadOf(point),
    config: point.config,
    operations: point.operations,
    warmupOperations: point.warmupOperations,
    profile: hardwareProfileOf(point.profile),
  };
}

/**
 * Refuses, before a sweep starts, a point whose cluster cannot be built (the run would refuse
 * it too, minutes later): the configuration and memory plan as the run settles them.
 */
export function checkPoint(point: PointRun): void {
  if (point.kind === 'nvmeof-reads') return;
  plannedCluster(requestOf(point));
}

/**
 * The metrics of a point: the run's metrics (metricsOf), and the SSD rates as the figures
 * plot them, from the summed counts of all devices (or the busiest one).
 */
export function pointMetricsOf(report: Awaited<ReturnType<typeof run>>, metrics: RunMetrics = metricsOf(report)): Omit<PointMetrics, 'idealHitRatio' | 'lruHitRatio'> {
  const seconds = report.durationNs / 1e9;
  const perSecond = (count: number) => (seconds > 0 ? count / seconds : 0);
  const ios = ssdIosByDevice(report.counters);
  const byDevice = ios.reads.map((reads, device) => reads + ios.writes[device]);
  const reads = ios.reads.reduce((total, count) => total + count, 0);
  const writes = ios.writes.reduce((total, count) => total + count, 0);
  return {
    operationsPerSecond: report.operationsPerSecond,
    latencyMeanUs: report.stats.all().meanNs() / 1000,
    latencyP50Us: metrics.latencyP50Us,
    latencyP99Us: metrics.latencyP99Us,
    hitRatio: metrics.hitRatio,
    ssdReadIops: perSecond(reads),
    ssdWriteIops: perSecond(writes),
    ssdIops: perSecond(reads + writes),
    ssdIopsMaxDevice: perSecond(Math.max(0, ...byDevice)),
    ssdIosPerOperation: metrics.ssdIosPerOperation,
    rpcsPerOperation: metrics.rpcsPerOperation,
    coreUtilisation: report.durationNs > 0 ? metrics.dpuCoreUtilisation : 0,
    coreUsPerOperation: metrics.coreUsPerOperation,
    coreUtilisationRpc: metrics.dpuCoreUtilisationRpc,
    coreUtilisationSsdIo: metrics.dpuCoreUtilisationSsdIo,
    coreUtilisationNvmeTarget: metrics.dpuCoreUtilisationNvmeTarget,
    clientUsPerOperation: metrics.clientUsPerOperation,
    ssdIopsByDevice: byDevice.map((count) => Math.round(perSecond(count))).join(';'),
    operations: report.operations,
    measuredSeconds: seconds,
  };
}

/** Runs one point (in a worker thread of a sweep, or inline). */
export async function runPoint(point: PointRun): Promise<PointResult> {
  const startedMs = performance.now();
  if (point.kind === 'nvmeof-reads') {
    const { kind: _kind, profile, ...request } = point;
    const result = runNvmeOfReads({ ...request, profile: hardwareProfileOf(profile) });
    return { metrics: microbenchmarkMetrics(result), timing: { wallSeconds: (performance.now() - startedMs) / 1000 } };
  }
  const report = await run(requestOf(point));
  const bounds = hitRatioBoundsOf(point, report.config.loadCount, report.config.cacheSlots);
  return { metrics: { ...pointMetricsOf(report), idealHitRatio: bounds.ideal, lruHitRatio: bounds.lru }, timing: { wallSeconds: (performance.now() - startedMs) / 1000 } };
}

/** Fig. 6's numbers in a point's shape: IOPS as throughput, the target's cores as DPU cores. */
function microbenchmarkMetrics(result: NvmeOfReadsResult): PointMetrics {
  return {
    operationsPerSecond: result.iops,
    latencyMeanUs: result.latencyMeanUs,
    latencyP50Us: Number.NaN,
    latencyP99Us: Number.NaN,
    hitRatio: Number.NaN,
    ssdReadIops: result.iops,
    ssdWriteIops: 0,
    ssdIops: result.iops,
    ssdIopsMaxDevice: Math.max(...result.iopsBySsd),
    ssdIosPerOperation: 1,
    rpcsPerOperation: 0,
    coreUtilisation: result.targetCoreUtilisation,
    coreUsPerOperation: result.targetCoreUsPerRead,
    coreUtilisationRpc: Number.NaN,
    coreUtilisationSsdIo: Number.NaN,
    coreUtilisationNvmeTarget: result.targetCoreUtilisation,
    clientUsPerOperation: Number.NaN,
    idealHitRatio: Number.NaN,
    lruHitRatio: Number.NaN,
    ssdIopsByDevice: result.iopsBySsd.map((iops) => Math.round(iops)).join(';'),
    operations: Math.round(result.iops * (result.durationNs / 1e9)),
    measuredSeconds: result.durationNs / 1e9,
  };
}
