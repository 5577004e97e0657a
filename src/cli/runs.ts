/**
 * What `scalio run` and `scalio compare` share: how long a run is (from the flags and the
 * workload), the line that says what ran on what, and the columns of their result tables.
 */
import type { ResolvedConfig } from '../config.js';
import type { OperationLatency, RunMetrics } from '../engine/metrics.js';
import type { EngineName } from '../engine/run.js';
import type { Workload } from '../ycsb/workloads.js';
import { fixed, integer, microseconds, siNumber, table } from './format.js';
import { nonNegativeInteger, positiveInteger } from './options.js';
import { durationOption } from './workload-options.js';

/** The longest default warm-up; the default is half the measured operations up to this. */
export const DEFAULT_WARMUP_MAX = 200_000;

/**
 * How many operations to measure and warm up with, from the flags and the workload: the
 * flags win; a duration (`--duration`, or the file's maxexecutiontime) runs until it is up,
 * or until the file's operationcount is done if the file gives both (as YCSB does) — but
 * `--duration` alone ignores the file's operationcount.
 */
export function runLength(values: Record<string, unknown>, workload: Workload, fallback: number) {
  const flaggedDuration = durationOption(values);
  const duration = flaggedDuration ?? workload.maxExecutionTimeSeconds;
  const flagged = positiveInteger('ops', values.ops);
  const operations = flagged
    ?? (flaggedDuration !== undefined ? Number.POSITIVE_INFINITY : workload.operationCount ?? (duration !== undefined ? Number.POSITIVE_INFINITY : fallback));
  const warmup = nonNegativeInteger('warmup', values.warmup)
    ?? (Number.isFinite(operations) ? Math.min(Math.floor(operations / 2), DEFAULT_WARMUP_MAX) : DEFAULT_WARMUP_MAX);
  return { operations, duration, warmup };
}

export const hitRatio = (row: RunMetrics) => (Number.isNaN(row.hitRatio) || row.hitRatio === 0 ? '—' : fixed(row.hitRatio, 3));

/** All SSDs' measured read and write IOPS, e.g. "1.2M/0". */
export const ssdIops = (row: RunMetrics) => `${siNumber(row.ssdReadIops)}/${siNumber(row.ssdWriteIops)}`.replace(/ /g, '');

/** DPU core utilisation, with the RPC and SSD-I/O parts where the simulator splits them: "62% (rpc 27, ssd 35)". */
export const dpuBusy = (row: RunMetrics) => {
  const total = `${fixed(100 * row.dpuCoreUtilisation, 0)}%`;
  if (Number.isNaN(row.dpuCoreUtilisationRpc)) return total;
  const target = row.dpuCoreUtilisationNvmeTarget > 0 ? `, target ${fixed(100 * row.dpuCoreUtilisationNvmeTarget, 0)}` : '';
  return `${total} (rpc ${fixed(100 * row.dpuCoreUtilisationRpc, 0)}, ssd ${fixed(100 * row.dpuCoreUtilisationSsdIo, 0)}${target})`;
};

/** Each SSD's measured IOPS (`scalio run`). */
export function deviceTable(row: RunMetrics): string {
  const devices = row.ssdReadIopsByDevice.map((reads, device) => ({ device, reads, writes: row.ssdWriteIopsByDevice[device] }));
  return table(devices, [
    { title: 'SSD', value: (entry) => String(entry.device), right: true },
    { title: 'read IOPS', value: (entry) => siNumber(entry.reads).trim(), right: true },
    { title: 'write IOPS', value: (entry) => siNumber(entry.writes).trim(), right: true },
  ]);
}

/** One run's totals, in one row (`scalio run`). */
export const OVERALL_COLUMNS = [
  { title: 'throughput', value: (row: RunMetrics) => `${siNumber(row.operationsPerSecond)}ops/s`, right: true },
  { title: 'hit ratio', value: hitRatio, right: true },
  { title: 'SSD I/Os/op', value: (row: RunMetrics) => fixed(row.ssdIosPerOperation, 3), right: true },
  { title: 'RPCs/op', value: (row: RunMetrics) => fixed(row.rpcsPerOperation, 3), right: true },
  { title: 'core µs/op', value: (row: RunMetrics) => fixed(row.coreUsPerOperation, 2), right: true },
  { title: 'CAS failures', value: (row: RunMetrics) => integer(row.casFailures), right: true },
  { title: 'SSD read/write IOPS', value: ssdIops, right: true },
  { title: 'DPU busy', value: dpuBusy, right: true },
] as const;

export const OPERATION_COLUMNS = [
  { title: 'operation', value: (row: OperationLatency) => row.operation },
  { title: 'count', value: (row: OperationLatency) => integer(row.count), right: true },
  { title: 'p50 µs', value: (row: OperationLatency) => microseconds(row.p50Us), right: true },
  { title: 'p90 µs', value: (row: OperationLatency) => microseconds(row.p90Us), right: true },
  { title: 'p99 µs', value: (row: OperationLatency) => microseconds(row.p99Us), right: true },
  { title: 'p99.9 µs', value: (row: OperationLatency) => microseconds(row.p999Us), right: true },
  { title: 'max µs', value: (row: OperationLatency) => microseconds(row.maxUs), right: true },
] as const;

/** A line saying what ran on what: workload, dataset, cluster. */
export function describeRun(engine: EngineName, workload: Workload, config: ResolvedConfig): string {
  const where = engine === 'sim' ? 'the simulated paper hardware' : 'the live engine';
  const source = workload.source !== undefined ? ` (${workload.source})` : '';
  const fieldBytes = config.valueBytes / config.valueFields;
  const uniform = config.valueFieldBytesMin > 0 ? `${config.valueFieldBytesMin}–` : '';
  const records = config.valueFields > 1 ? `${integer(config.valueFields)} × ${uniform}${integer(fieldBytes)} B` : `${uniform}${integer(config.valueBytes)} B`;
  return `YCSB ${workload.name}${source} on ${where}: ${workload.description}; ${integer(config.loadCount)} records of ${records}, ` +
    `${integer(config.cacheSlots)} cache slots, ${config.ssds} SSDs, ${config.dpuCores} DPU cores, ${config.clients} clients, seed ${config.seed}`;
}
