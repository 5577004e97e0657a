/**
 * The numbers a run is judged by, computed from its counters and histograms (the same
 * definitions for both engines and every system).
 */
import { Counter, CoreCounter, type Counters, DeviceCounter } from '../hw/counters.js';
import { OPERATION_READ, OPERATION_READ_MODIFY_WRITE } from '../layout/operations.js';
import { OPERATION_NAMES } from './driver.js';
import type { LatencyHistogram } from './histogram.js';
import type { RunReport } from './run.js';

/** Latency of one kind of operation (YCSB reports READ, UPDATE, INSERT, READ-MODIFY-WRITE apart). */
export interface OperationLatency {
  readonly operation: string;
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

function latencyOf(operation: string, histogram: LatencyHistogram): OperationLatency {
  return {
    operation,
    count: histogram.count,
    p50Us: histogram.percentile(50) / 1000,
    p90Us: histogram.percentile(90) / 1000,
    p99Us: histogram.percentile(99) / 1000,
    p999Us: histogram.percentile(99.9) / 1000,
    maxUs: histogram.maxNs / 1000,
  };
}

export interface RunMetrics {
  readonly engine: string;
  readonly system: string;
  readonly workload: string;
  readonly clients: number;
  readonly operations: number;
  /** Operations per second: of wall-clock time (live) or of simulated time (sim). */
  readonly operationsPerSecond: number;
  readonly latencyP50Us: number;
  readonly latencyP90Us: number;
  readonly latencyP99Us: number;
  readonly latencyP999Us: number;
  readonly latencyMaxUs: number;
  /** GETs served from the DRAM cache, over all GETs (reads and the reads of read-modify-writes). */
  readonly hitRatio: number;
  /** NVMe reads (offloaded and by DPU cores) per operation. */
  readonly ssdReadsPerOperation: number;
  /** NVMe writes per operation. */
  readonly ssdWritesPerOperation: number;
  /** All NVMe commands (reads and writes) per operation. */
  readonly ssdIosPerOperation: number;
  readonly rpcsPerOperation: number;
  readonly casFailures: number;
  /** DPU core busy time per operation, in µs (sim: modelled CPU; live: wall time in handlers). */
  readonly coreUsPerOperation: number;
  /**
   * Each SSD's reads and writes per second of the measured window, counted by the device as
   * it served the commands (offloaded and by DPU cores; a batch of k reads counts k).
   */
  readonly ssdReadIopsByDevice: readonly number[];
  readonly ssdWriteIopsByDevice: readonly number[];
  /** All SSDs' reads and writes per second. */
  readonly ssdReadIops: number;
  readonly ssdWriteIops: number;
  /** Busy share of the DPU cores over the measured window: all of them, and each. */
  readonly dpuCoreUtilisation: number;
  readonly dpuCoreUtilisationByCore: readonly number[];
  /**
   * Busy share of all DPU cores spent on each kind of work (simulator only; NaN live, where
   * handler time is not split): RPC receive and reply (RDMA threads), NVMe submissions and
   * completions with the store's work (SSD workers), the standard NVMe-oF target.
   */
  readonly dpuCoreUtilisationRpc: number;
  readonly dpuCoreUtilisationSsdIo: number;
  readonly dpuCoreUtilisationNvmeTarget: number;
  /** Share of the DPU's busy time spent on RPCs rather than SSD I/O (Fig. 5's split; NaN live). */
  readonly dpuRpcShareOfBusy: number;
  /** Client CPU per operation, in µs (simulator: the profile's client costs). */
  readonly clientUsPerOperation: number;
  /** Wall-clock seconds the run phase took. */
  readonly wallSeconds: number;
  /** The measured window: wall-clock seconds live, simulated seconds on the simulator. */
  readonly measuredSeconds: number;
  /** Records the load phase wrote (0 after a restart from images), and its wall-clock seconds. */
  readonly loadedRecords: number;
  readonly loadSeconds: number;
  /** Unmeasured operations run before the measured ones. */
  readonly warmupOperations: number;
  /** GETs (reads and the reads of read-modify-writes) that found no value. */
  readonly notFound: number;
  /** Latency of each kind of operation the run made (only kinds it made). */
  readonly byOperation: readonly OperationLatency[];
}

/** NVMe commands each SSD served: reads (offloaded to the target or by a DPU core) and writes. */
export function ssdIosByDevice(counters: Counters): { readonly reads: number[]; readonly writes: number[] } {
  const devices = Array.from({ length: counters.devices }, (_, device) => device);
  return {
    reads: devices.map((device) => counters.getDevice(device, DeviceCounter.readsOffloaded) + counters.getDevice(device, DeviceCounter.readsByCore)),
    writes: devices.map((device) => counters.getDevice(device, DeviceCounter.writes)),
  };
}

export function metricsOf(report: RunReport): RunMetrics {
  const { counters, stats } = report;
  const operations = Math.max(1, report.operations);
  const all = stats.all();
  // GETs: reads, and the read of each read-modify-write.
  const reads = stats.byKind[OPERATION_READ].count + stats.byKind[OPERATION_READ_MODIFY_WRITE].count;
  const seconds = report.durationNs / 1e9;
  const perSecond = (count: number) => (seconds > 0 ? count / seconds : 0);
  const ios = ssdIosByDevice(counters);
  const readIops = ios.reads.map(perSecond);
  const writeIops = ios.writes.map(perSecond);
  const coreTimeNs = report.durationNs > 0 ? report.durationNs * counters.cores : Number.NaN;
  const byCore = Array.from({ length: counters.cores }, (_, core) => (report.durationNs > 0 ? counters.getCore(core, CoreCounter.busyNs) / report.durationNs : 0));
  const simulated = report.engine === 'sim';
  const rpcNs = counters.get(Counter.dpuBusyRpcNs);
  const ssdIoNs = counters.get(Counter.dpuBusySsdIoNs);
  const targetNs = counters.get(Counter.dpuBusyNvmeTargetNs);
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return {
    engine: report.engine,
    system: report.system,
    workload: report.workload,
    clients: report.config.clients,
    operations: report.operations,
    operationsPerSecond: report.operationsPerSecond,
    latencyP50Us: all.percentile(50) / 1000,
    latencyP90Us: all.percentile(90) / 1000,
    latencyP99Us: all.percentile(99) / 1000,
    latencyP999Us: all.percentile(99.9) / 1000,
    latencyMaxUs: all.maxNs / 1000,
    hitRatio: reads > 0 ? counters.get(Counter.cacheHits) / reads : Number.NaN,
    ssdReadsPerOperation: (counters.get(Counter.nvmeReadsOffloaded) + counters.get(Counter.nvmeReadsByCore)) / operations,
    ssdWritesPerOperation: counters.get(Counter.nvmeWritesByCore) / operations,
    ssdIosPerOperation: (counters.get(Counter.nvmeReadsOffloaded) + counters.get(Counter.nvmeReadsByCore) + counters.get(Counter.nvmeWritesByCore)) / operations,
    rpcsPerOperation: counters.get(Counter.rpcs) / operations,
    casFailures: counters.get(Counter.rdmaCompareSwapFailures),
    coreUsPerOperation: counters.totalCore(CoreCounter.busyNs) / 1000 / operations,
    ssdReadIopsByDevice: readIops,
    ssdWriteIopsByDevice: writeIops,
    ssdReadIops: sum(readIops),
    ssdWriteIops: sum(writeIops),
    dpuCoreUtilisation: counters.totalCore(CoreCounter.busyNs) / coreTimeNs,
    dpuCoreUtilisationByCore: byCore,
    dpuCoreUtilisationRpc: simulated ? rpcNs / coreTimeNs : Number.NaN,
    dpuCoreUtilisationSsdIo: simulated ? ssdIoNs / coreTimeNs : Number.NaN,
    dpuCoreUtilisationNvmeTarget: simulated ? targetNs / coreTimeNs : Number.NaN,
    dpuRpcShareOfBusy: simulated && rpcNs + ssdIoNs + targetNs > 0 ? rpcNs / (rpcNs + ssdIoNs + targetNs) : Number.NaN,
    clientUsPerOperation: counters.get(Counter.clientBusyNs) / 1000 / operations,
    wallSeconds: report.wallMs / 1000,
    measuredSeconds: report.durationNs / 1e9,
    loadedRecords: report.loadedRecords,
    loadSeconds: report.loadMs / 1000,
    warmupOperations: report.warmupOperations,
    notFound: stats.notFound,
    byOperation: stats.byKind.flatMap((histogram, kind) => (histogram.count > 0 ? [latencyOf(OPERATION_NAMES[kind], histogram)] : [])),
  };
}
