/** `scalio compare`: several systems side by side on the same workload, cluster and seed. */
import type { ResolvedConfig } from '../../config.js';
import { type RunMetrics, metricsOf } from '../../engine/metrics.js';
import { type EngineName, type RunReport, run } from '../../engine/run.js';
import type { Workload } from '../../ycsb/workloads.js';
import { fixed, integer, microseconds, siNumber, table } from '../format.js';
import { flattenMetrics, writeCsv, writeJson } from '../output.js';
import { CLUSTER_OPTIONS, OUTPUT_OPTIONS, SIMULATOR_OPTIONS, profileOption, clusterConfig, engineOption, optionHelp, parse, systemsOption } from '../options.js';
import { progressLine } from '../progress.js';
import { LENGTH_OPTIONS, WORKLOAD_OPTIONS, workloadFromOptions } from '../workload-options.js';
import { DEFAULT_WARMUP_MAX, OPERATION_COLUMNS, runLength } from './run.js';
import { ScalioError } from '../../errors.js';

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

/** All SSDs' measured read and write IOPS, e.g. "1.2M/0". */
export const ssdIops = (row: RunMetrics) => `${siNumber(row.ssdReadIops)}/${siNumber(row.ssdWriteIops)}`.replace(/ /g, '');
/** DPU core utilisation, with the RPC and SSD-I/O parts where the simulator splits them: "62% (rpc 27, ssd 35)". */
export const dpuBusy = (row: RunMetrics) => {
  const total = `${fixed(100 * row.dpuCoreUtilisation, 0)}%`;
  if (Number.isNaN(row.dpuCoreUtilisationRpc)) return total;
  const target = row.dpuCoreUtilisationNvmeTarget > 0 ? `, target ${fixed(100 * row.dpuCoreUtilisationNvmeTarget, 0)}` : '';
  return `${total} (rpc ${fixed(100 * row.dpuCoreUtilisationRpc, 0)}, ssd ${fixed(100 * row.dpuCoreUtilisationSsdIo, 0)}${target})`;
};

const hitRatio = (row: RunMetrics) => (Number.isNaN(row.hitRatio) || row.hitRatio === 0 ? '—' : fixed(row.hitRatio, 3));

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

/** Each SSD's measured IOPS (`scalio run`). */
export function deviceTable(row: RunMetrics): string {
  const devices = row.ssdReadIopsByDevice.map((reads, device) => ({ device, reads, writes: row.ssdWriteIopsByDevice[device] }));
  return table(devices, [
    { title: 'SSD', value: (entry) => String(entry.device), right: true },
    { title: 'read IOPS', value: (entry) => siNumber(entry.reads).trim(), right: true },
    { title: 'write IOPS', value: (entry) => siNumber(entry.writes).trim(), right: true },
  ]);
}

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

export async function compare(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(COMPARE_HELP);
    return;
  }
  if (positionals.length > 0) throw new ScalioError(`unexpected argument "${positionals[0]}"; see scalio compare --help`);
  const systems = systemsOption('systems', values.systems) ?? ['scalio', 'leed', 'leed+ditto'];
  const workload = workloadFromOptions(values, 'C');
  const engine = engineOption(values.engine) ?? 'sim';
  const { operations, duration, warmup } = runLength(values, workload, DEFAULT_OPERATIONS);
  const config = clusterConfig(values);
  const profile = profileOption(values);
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
