/**
 * `scalio run`: one system on one YCSB workload — the load phase, an unmeasured warm-up,
 * and the measured run — reported as YCSB reports it: overall throughput, and latency
 * percentiles for each kind of operation.
 */
import { ScalioError } from '../../errors.js';
import { type OperationLatency, metricsOf } from '../../engine/metrics.js';
import { type RunReport, run as runSystem } from '../../engine/run.js';
import { fixed, integer, microseconds, siNumber, table } from '../format.js';
import { flattenMetrics, writeCsv, writeJson } from '../output.js';
import {
  CLUSTER_OPTIONS, FAULT_OPTIONS, OUTPUT_OPTIONS, clusterConfig, describeFaults, engineOption, faultsOption, nonNegativeInteger, optionHelp, parse,
  positiveInteger, systemOption,
} from '../options.js';
import { progressLine } from '../progress.js';
import type { Workload } from '../../ycsb/workloads.js';
import { LENGTH_OPTIONS, WORKLOAD_OPTIONS, durationOption, workloadFromOptions } from '../workload-options.js';
import { describeRun, OVERALL_COLUMNS } from './compare.js';

/** Measured operations when neither the flags nor the workload file say. */
export const DEFAULT_OPERATIONS = 1_000_000;
/** The longest default warm-up; the default is half the measured operations up to this. */
export const DEFAULT_WARMUP_MAX = 200_000;

const OPTIONS = {
  system: { type: 'string', value: 'NAME', help: 'the system to run (default scalio)' },
  ...WORKLOAD_OPTIONS,
  engine: { type: 'string', value: 'NAME', help: 'sim (the paper\'s hardware, default) or live (this machine)' },
  ops: { type: 'string', value: 'N', help: `measured operations (default: the file's operationcount, else ${integer(DEFAULT_OPERATIONS)})` },
  ...LENGTH_OPTIONS,
  warmup: { type: 'string', value: 'N', help: `unmeasured operations first, to fill caches (default: half of the measured ones, at most ${integer(DEFAULT_WARMUP_MAX)})` },
  ...CLUSTER_OPTIONS,
  ...FAULT_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

export const RUN_HELP = `Usage: scalio run [options]

Runs one system on one YCSB workload: loads the records (building the SSD images directly),
runs an unmeasured warm-up, then the measured operations, and reports throughput and the
latency percentiles of each kind of operation. Stock YCSB workload files run unchanged:

  scalio run --workload workloads/workloada              # 1,000 records, 1,000 operations
  scalio run --workload workloada --records 100000 --ops 500000 --engine live
  scalio run --workload D -p insertproportion=0.2 --duration 2

Flags win over the file's recordcount, operationcount and threadcount. Workload E (scans)
is refused: a hash store has no key order to scan.

Options:
${optionHelp(OPTIONS)}
`;

export const OPERATION_COLUMNS = [
  { title: 'operation', value: (row: OperationLatency) => row.operation },
  { title: 'count', value: (row: OperationLatency) => integer(row.count), right: true },
  { title: 'p50 µs', value: (row: OperationLatency) => microseconds(row.p50Us), right: true },
  { title: 'p90 µs', value: (row: OperationLatency) => microseconds(row.p90Us), right: true },
  { title: 'p99 µs', value: (row: OperationLatency) => microseconds(row.p99Us), right: true },
  { title: 'p99.9 µs', value: (row: OperationLatency) => microseconds(row.p999Us), right: true },
  { title: 'max µs', value: (row: OperationLatency) => microseconds(row.maxUs), right: true },
] as const;

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

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(RUN_HELP);
    return;
  }
  if (positionals.length > 0) throw new ScalioError(`unexpected argument "${positionals[0]}"; see scalio run --help`);
  const system = systemOption('system', values.system) ?? 'scalio';
  const engine = engineOption(values.engine) ?? 'sim';
  const workload = workloadFromOptions(values, 'C');
  const { operations, duration, warmup } = runLength(values, workload, DEFAULT_OPERATIONS);
  const config = clusterConfig(values);
  const faults = faultsOption(values.faults, engine);

  const progress = progressLine(`${system} ${engine}`);
  let report: RunReport;
  try {
    report = await runSystem({ system, engine, config, workload, operations, warmupOperations: warmup, durationSeconds: duration, onProgress: progress.update, faults });
  } finally {
    progress.done();
  }
  const metrics = metricsOf(report);
  process.stdout.write(`${describeRun(engine, workload, report.config)}\n\n`);
  const measured = engine === 'sim' ? `${fixed(metrics.measuredSeconds, 3)} s of simulated time (${fixed(metrics.wallSeconds, 1)} s of wall clock)`
    : `${fixed(metrics.measuredSeconds, 2)} s`;
  process.stdout.write(
    `load     ${integer(metrics.loadedRecords)} records in ${fixed(metrics.loadSeconds, 2)} s (SSD images built directly, as a load phase leaves them)\n` +
    `warm-up  ${integer(metrics.warmupOperations)} operations (not measured)\n` +
    `run      ${integer(metrics.operations)} operations in ${measured}\n\n`,
  );
  process.stdout.write(`${table([metrics], OVERALL_COLUMNS)}\n\n${table(metrics.byOperation, OPERATION_COLUMNS)}\n`);
  if (metrics.notFound > 0) process.stdout.write(`\n${integer(metrics.notFound)} reads found no value.\n`);
  if (faults !== undefined && report.faults !== null) process.stdout.write(`\n${describeFaults(faults, report.faults)}.\n`);
  process.stdout.write(engine === 'sim'
    ? `\nThroughput ${siNumber(metrics.operationsPerSecond)}ops per simulated second on the paper's hardware profile (not yet calibrated).\n`
    : `\nThroughput ${siNumber(metrics.operationsPerSecond)}ops per second of this machine's wall clock (the emulator's speed, not the hardware's).\n`);
  if (typeof values.json === 'string') writeJson(values.json, { ...metrics, workloadSpec: workload, config: report.config });
  if (typeof values.csv === 'string') writeCsv(values.csv, flattenMetrics([metrics]));
}
