/** `scalio compare`: several systems side by side on the same workload, cluster and seed. */
import { resolveConfig } from '../../config.js';
import { metricsOf, type RunMetrics } from '../../engine/metrics.js';
import { run } from '../../engine/run.js';
import { WORKLOADS } from '../../ycsb/workloads.js';
import { fixed, integer, microseconds, siNumber, table } from '../format.js';
import { writeCsv, writeJson } from '../output.js';
import { CLUSTER_OPTIONS, clusterConfig, engineOption, nonNegativeInteger, optionHelp, oneOf, parse, positiveInteger, systemsOption } from '../options.js';

const OPTIONS = {
  systems: { type: 'string', value: 'LIST', help: 'comma-separated systems (default: scalio,leed,leed+ditto)' },
  workload: { type: 'string', value: 'NAME', help: `YCSB workload: ${Object.keys(WORKLOADS).join(', ')} (default C)` },
  engine: { type: 'string', value: 'NAME', help: 'sim (the paper\'s hardware, default) or live (this machine)' },
  ops: { type: 'string', value: 'N', help: 'measured operations per system (default 500000)' },
  warmup: { type: 'string', value: 'N', help: 'unmeasured operations first, to fill caches (default 200000)' },
  ...CLUSTER_OPTIONS,
  json: { type: 'string', value: 'FILE', help: 'also write the results as JSON to this file' },
  csv: { type: 'string', value: 'FILE', help: 'also write the results as CSV to this file' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

export const COMPARE_HELP = `Usage: scalio compare [options]

Runs several systems on the same workload, cluster and seed, one after the other, and
prints them side by side.

Options:
${optionHelp(OPTIONS)}
`;

export const COMPARE_COLUMNS = [
  { title: 'system', value: (row: RunMetrics) => row.system },
  { title: 'throughput', value: (row: RunMetrics) => `${siNumber(row.operationsPerSecond)}ops/s`, right: true },
  { title: 'p50 µs', value: (row: RunMetrics) => microseconds(row.latencyP50Us), right: true },
  { title: 'p90 µs', value: (row: RunMetrics) => microseconds(row.latencyP90Us), right: true },
  { title: 'p99 µs', value: (row: RunMetrics) => microseconds(row.latencyP99Us), right: true },
  { title: 'hit ratio', value: (row: RunMetrics) => (Number.isNaN(row.hitRatio) || row.hitRatio === 0 ? '—' : fixed(row.hitRatio, 3)), right: true },
  { title: 'SSD I/Os/op', value: (row: RunMetrics) => fixed(row.ssdIosPerOperation, 3), right: true },
  { title: 'RPCs/op', value: (row: RunMetrics) => fixed(row.rpcsPerOperation, 3), right: true },
  { title: 'core µs/op', value: (row: RunMetrics) => fixed(row.coreUsPerOperation, 2), right: true },
] as const;

export async function compare(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(COMPARE_HELP);
    return;
  }
  const systems = systemsOption('systems', values.systems) ?? ['scalio', 'leed', 'leed+ditto'];
  const workload = oneOf('workload', values.workload, Object.keys(WORKLOADS)) ?? 'C';
  const engine = engineOption(values.engine) ?? 'sim';
  const operations = positiveInteger('ops', values.ops) ?? 500_000;
  const warmup = nonNegativeInteger('warmup', values.warmup) ?? 200_000;
  const config = clusterConfig(values);
  const resolved = resolveConfig(config);
  process.stdout.write(
    `YCSB ${workload} on the ${engine === 'sim' ? 'simulated paper hardware' : 'live engine'}: ${integer(resolved.records)} records, ` +
    `${resolved.ssds} SSDs, ${resolved.dpuCores} DPU cores, ${resolved.clients} clients, ${integer(warmup)} warm-up + ${integer(operations)} operations, seed ${resolved.seed}\n\n`,
  );
  const rows: RunMetrics[] = [];
  for (const system of systems) {
    process.stderr.write(`${system}...\n`);
    rows.push(metricsOf(await run({ system, engine, config, workload, operations, warmupOperations: warmup })));
  }
  process.stdout.write(`${table(rows, COMPARE_COLUMNS)}\n`);
  if (engine === 'sim') process.stdout.write('\nThroughput is per simulated second on the paper\'s hardware profile (not yet calibrated).\n');
  if (typeof values.json === 'string') writeJson(values.json, rows);
  if (typeof values.csv === 'string') writeCsv(values.csv, rows as unknown as Record<string, unknown>[]);
}
