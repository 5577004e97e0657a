/**
 * The numbers a run is judged by, computed from its counters and histograms (the same
 * definitions for both engines and every system).
 */
import { Counter, CoreCounter } from '../hw/counters.js';
import { OPERATION_READ } from '../layout/operations.js';
import type { RunReport } from './run.js';

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
  /** GETs served from the DRAM cache, over all GETs. */
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
  /** Wall-clock seconds the run phase took. */
  readonly wallSeconds: number;
}

export function metricsOf(report: RunReport): RunMetrics {
  const { counters, stats } = report;
  const operations = Math.max(1, report.operations);
  const all = stats.all();
  const reads = stats.byKind[OPERATION_READ].count;
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
    wallSeconds: report.wallMs / 1000,
  };
}
