/** `scalio compare`: several systems side by side on the same workload, cluster and seed. */
import { type RunMetrics, metricsOf } from '../../engine/metrics.js';
import { type RunReport, run } from '../../engine/run.js';
import { fixed, integer, microseconds, siNumber, table } from '../format.js';
import { flattenMetrics, writeCsv, writeJson } from '../output.js';
import { CLUSTER_OPTIONS, OUTPUT_OPTIONS, SIMULATOR_OPTIONS, profileOption, clusterConfig, engineOption, optionHelp, parse, systemsOption } from '../options.js';
import { refuseRunsTooLargeForMemory } from '../memory.js';
import { progressLine } from '../progress.js';
import { LENGTH_OPTIONS, WORKLOAD_OPTIONS, workloadFromOptions } from '../workload-options.js';
import { DEFAULT_WARMUP_MAX, OPERATION_COLUMNS, describeRun, dpuBusy, hitRatio, runLength, ssdIops } from '../runs.js';

/** Measured operations per system when neither the flags nor the workload file say. */
const DEFAULT_OPERATIONS = 500_000;

const OPTIONS = {
  systems: { type: 'string', value: 'LIST', help: 'comma-separated systems (default: scalio,leed,leed+ditto)' },
  ...WORKLOAD_OPTIONS,
  engine: { type: 'string', value: 'NAME', help: 'sim (the paper\'s hardware, default) or live (this machine)' },
  ops: { type: 'string', value: 'N', help: `measured operations per system (default: the file's operationcount, else ${integer(DEFAULT_OPERATIONS)})` },
  ...LENGTH_OPTIONS,
  warmup: { type: 'string', value: 'N', help: `unmeasured operations first, to fill caches (default: half the measured ones, at most ${integer(DEFAULT_WARMUP_MAX)})` },
  ...CLUSTER_OPTIONS,
  ...SIMULATOR_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

export const COMPARE_HELP = `Usage: scalio compare [options]

Runs several systems on the same workload, cluster and seed, one after the other, and
prints them side by side (default: Scalio, LEED and LEED+Ditto on YCSB C, simulated).

Options:
${optionHelp(OPTIONS)}
`;

export const COMPARE_COLUMNS = [
  { title: 'system', value: (row: RunMetrics) => row.system },
  { title: 'throughput', value: (row: RunMetrics) => `${siNumber(row.operationsPerSecond)}ops/s`, right: true },
  { title: 'p50 µs', value: (row: RunMetrics) => microseconds(row.latencyP50Us), right: true },
  { title: 'p90 µs', value: (row: RunMetrics) => microseconds(row.latencyP90Us), right: true },
  { title: 'p99 µs', value: (row: RunMetrics) => microseconds(row.latencyP99Us), right: true },
  { title: 'hit ratio', value: hitRatio, right: true },
  { title: 'SSD I/Os/op', value: (row: RunMetrics) => fixed(row.ssdIosPerOperation, 3), right: true },
  { title: 'RPCs/op', value: (row: RunMetrics) => fixed(row.rpcsPerOperation, 3), right: true },
  { title: 'core µs/op', value: (row: RunMetrics) => fixed(row.coreUsPerOperation, 2), right: true },
  { title: 'SSD read/write IOPS', value: ssdIops, right: true },
  { title: 'DPU busy', value: dpuBusy, right: true },
] as const;

export async function compare(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS, 'scalio compare');
  if (values.help === true) {
    process.stdout.write(COMPARE_HELP);
    return;
  }
  const systems = systemsOption('systems', values.systems) ?? ['scalio', 'leed', 'leed+ditto'];
  const workload = workloadFromOptions(values, 'C');
  const engine = engineOption(values.engine) ?? 'sim';
  const { operations, duration, warmup } = runLength(values, workload, DEFAULT_OPERATIONS);
  const config = clusterConfig(values);
  const profile = profileOption(values);
  refuseRunsTooLargeForMemory(systems.map((system) => ({ system, engine, config, workload, operations, warmupOperations: warmup })));
  const rows: RunMetrics[] = [];
  let first: RunReport | undefined;
  for (const system of systems) {
    const progress = progressLine(`${system} ${engine}`);
    process.stderr.write(`${system}...\n`);
    try {
      const report = await run({ system, engine, config, profile, workload, operations, warmupOperations: warmup, durationSeconds: duration, onProgress: progress.update });
      first ??= report;
      rows.push(metricsOf(report));
    } finally {
      progress.done();
    }
  }
  const length = Number.isFinite(operations) ? `${integer(operations)} operations` : `${duration} s`;
  process.stdout.write(`${describeRun(engine, workload, (first as RunReport).config)}; ${integer(warmup)} warm-up + ${length}\n\n`);
  process.stdout.write(`${table(rows, COMPARE_COLUMNS)}\n`);
  if (rows.some((row) => row.byOperation.length > 1)) {
    for (const row of rows) process.stdout.write(`\n${row.system}:\n${table(row.byOperation, OPERATION_COLUMNS)}\n`);
  }
  if (engine === 'sim') process.stdout.write(`\nThroughput is per simulated second on the "${(first as RunReport).profile?.name}" hardware profile (README, "Calibration").\n`);
  if (typeof values.json === 'string') writeJson(values.json, { workloadSpec: workload, engine, config: (first as RunReport).config, results: rows });
  if (typeof values.csv === 'string') writeCsv(values.csv, flattenMetrics(rows));
}
