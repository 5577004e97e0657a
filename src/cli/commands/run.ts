/**
 * `scalio run`: one system on one YCSB workload — the load phase, an unmeasured warm-up,
 * and the measured run — reported as YCSB reports it: overall throughput, and latency
 * percentiles for each kind of operation.
 */
import { metricsOf } from '../../engine/metrics.js';
import { type RunReport, run as runSystem } from '../../engine/run.js';
import { fixed, integer, siNumber, table } from '../format.js';
import { flattenMetrics, writeCsv, writeJson } from '../output.js';
import {
  CLUSTER_OPTIONS, FAULT_OPTIONS, OUTPUT_OPTIONS, SIMULATOR_OPTIONS, clusterConfig, describeFaults, engineOption, faultsOption, optionHelp, parse,
  profileOption, systemOption,
} from '../options.js';
import { refuseRunsTooLargeForMemory } from '../memory.js';
import { progressLine } from '../progress.js';
import { LENGTH_OPTIONS, WORKLOAD_OPTIONS, workloadFromOptions } from '../workload-options.js';
import { DEFAULT_WARMUP_MAX, OPERATION_COLUMNS, OVERALL_COLUMNS, describeRun, deviceTable, runLength } from '../runs.js';

/** Measured operations when neither the flags nor the workload file say. */
export const DEFAULT_OPERATIONS = 1_000_000;

const OPTIONS = {
  system: { type: 'string', value: 'NAME', help: 'the system to run (default scalio)' },
  ...WORKLOAD_OPTIONS,
  engine: { type: 'string', value: 'NAME', help: 'sim (the paper\'s hardware, default) or live (this machine)' },
  ops: { type: 'string', value: 'N', help: `measured operations (default: the file's operationcount, else ${integer(DEFAULT_OPERATIONS)})` },
  ...LENGTH_OPTIONS,
  warmup: { type: 'string', value: 'N', help: `unmeasured operations first, to fill caches (default: half of the measured ones, at most ${integer(DEFAULT_WARMUP_MAX)})` },
  ...CLUSTER_OPTIONS,
  ...SIMULATOR_OPTIONS,
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

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS, 'scalio run');
  if (values.help === true) {
    process.stdout.write(RUN_HELP);
    return;
  }
  const system = systemOption('system', values.system) ?? 'scalio';
  const engine = engineOption(values.engine) ?? 'sim';
  const workload = workloadFromOptions(values, 'C');
  const { operations, duration, warmup } = runLength(values, workload, DEFAULT_OPERATIONS);
  const config = clusterConfig(values);
  const profile = profileOption(values);
  const faults = faultsOption(values.faults, engine);
  refuseRunsTooLargeForMemory([{ system, engine, config, workload, operations, warmupOperations: warmup }]);

  const progress = progressLine(`${system} ${engine}`);
  let report: RunReport;
  try {
    report = await runSystem({ system, engine, config, profile, workload, operations, warmupOperations: warmup, durationSeconds: duration, onProgress: progress.update, faults });
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
  process.stdout.write(`${table([metrics], OVERALL_COLUMNS)}\n\n${table(metrics.byOperation, OPERATION_COLUMNS)}\n\n${deviceTable(metrics)}\n`);
  if (metrics.notFound > 0) process.stdout.write(`\n${integer(metrics.notFound)} reads found no value.\n`);
  if (faults !== undefined && report.faults !== null) process.stdout.write(`\n${describeFaults(faults, report.faults)}.\n`);
  process.stdout.write(engine === 'sim'
    ? `\nThroughput ${siNumber(metrics.operationsPerSecond)}ops per simulated second on the "${report.profile?.name}" hardware profile (README, "Calibration").\n`
    : `\nThroughput ${siNumber(metrics.operationsPerSecond)}ops per second of this machine's wall clock (the emulator's speed, not the hardware's).\n`);
  if (typeof values.json === 'string') writeJson(values.json, { ...metrics, workloadSpec: workload, config: report.config });
  if (typeof values.csv === 'string') writeCsv(values.csv, flattenMetrics([metrics]));
}
