/**
 * One point of a figure: a simulator run, described as plain data (so that it can be hashed
 * for the disk cache, posted to a worker thread and written into a figure's JSON), and the
 * numbers a figure plots from it.
 *
 * `requestOf` is the one place a point becomes `run()` options; each figure builds its
 * points' `PointRun`s in one function of its own (see figures.ts), so a new model field
 * (in-flight operations, a profile) is wired in with a one-line change there.
 */
import type { ClusterConfig } from '../config.js';
import { ScalioError } from '../errors.js';
import { type RunMetrics, metricsOf } from '../engine/metrics.js';
import { type RunRequest, run } from '../engine/run.js';
import { CoreCounter, DeviceCounter } from '../hw/counters.js';
import { WORKLOADS, type Workload, describeMix } from '../ycsb/workloads.js';

/** The changes a point makes to a built-in workload (the rest is the built-in's). */
export interface WorkloadChanges {
  readonly requestDistribution?: Workload['requestDistribution'];
  readonly zipfianConstant?: number;
}

/** Everything that decides a point's result: the cache key is a hash of this and the code. */
export interface PointRun {
  readonly system: string;
  /** A built-in workload (A, B, C, D, F). */
  readonly workload: string;
  readonly workloadChanges?: WorkloadChanges;
  readonly config: Partial<ClusterConfig>;
  readonly operations: number;
  readonly warmupOperations: number;
  /** The hardware profile by name (the simulator's default when absent). */
  readonly profile?: string;
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
export function workloadOf(point: PointRun): Workload {
  const base = WORKLOADS[point.workload];
  if (base === undefined) throw new ScalioError(`figure point: unknown workload "${point.workload}"; built in: ${Object.keys(WORKLOADS).join(', ')}`);
  if (point.workloadChanges === undefined) return base;
  const changed = { ...base, ...point.workloadChanges };
  return { ...changed, description: describeMix(changed) };
}

/** The `run()` options of a point: the only place a point becomes a run. */
export function requestOf(point: PointRun): RunRequest {
  return {
    system: point.system,
    engine: 'sim',
    workload: workloadOf(point),
    config: point.config,
    operations: point.operations,
    warmupOperations: point.warmupOperations,
  };
}

/** The metrics of a run, measured from its counters (per device, per core) and histograms. */
export function pointMetricsOf(report: Awaited<ReturnType<typeof run>>, metrics: RunMetrics = metricsOf(report)): PointMetrics {
  const { counters } = report;
  const seconds = report.durationNs / 1e9;
  const perSecond = (count: number) => (seconds > 0 ? count / seconds : 0);
  let reads = 0;
  let writes = 0;
  let busiest = 0;
  for (let device = 0; device < counters.devices; device++) {
    const deviceReads = counters.getDevice(device, DeviceCounter.readsOffloaded) + counters.getDevice(device, DeviceCounter.readsByCore);
    const deviceWrites = counters.getDevice(device, DeviceCounter.writes);
    reads += deviceReads;
    writes += deviceWrites;
    busiest = Math.max(busiest, deviceReads + deviceWrites);
  }
  const coreBusyNs = counters.totalCore(CoreCounter.busyNs);
  return {
    operationsPerSecond: report.operationsPerSecond,
    latencyMeanUs: report.stats.all().meanNs() / 1000,
    latencyP50Us: metrics.latencyP50Us,
    latencyP99Us: metrics.latencyP99Us,
    hitRatio: metrics.hitRatio,
    ssdReadIops: perSecond(reads),
    ssdWriteIops: perSecond(writes),
    ssdIops: perSecond(reads + writes),
    ssdIopsMaxDevice: perSecond(busiest),
    ssdIosPerOperation: metrics.ssdIosPerOperation,
    rpcsPerOperation: metrics.rpcsPerOperation,
    coreUtilisation: report.durationNs > 0 ? coreBusyNs / (report.durationNs * counters.cores) : 0,
    coreUsPerOperation: metrics.coreUsPerOperation,
    operations: report.operations,
    measuredSeconds: seconds,
  };
}

/** Runs one point (in a worker thread of a sweep, or inline). */
export async function runPoint(point: PointRun): Promise<PointResult> {
  const startedMs = performance.now();
  const report = await run(requestOf(point));
  return { metrics: pointMetricsOf(report), timing: { wallSeconds: (performance.now() - startedMs) / 1000 } };
}
