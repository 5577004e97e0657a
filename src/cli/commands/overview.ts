/**
 * `scalio overview` (what `npm start` runs): Scalio on YCSB C and A, on the live engine (this
 * machine's threads, wall clock) and the simulator (the paper's hardware profile, virtual
 * time), one row per run.
 */
import { resolveConfig } from '../../config.js';
import { type RunMetrics, metricsOf } from '../../engine/metrics.js';
import { type EngineName, ENGINES, run } from '../../engine/run.js';
import { fixed, integer, microseconds, siNumber, table } from '../format.js';
import { refuseRunsTooLargeForMemory } from '../memory.js';
import { writeCsv, writeJson } from '../output.js';
import { CLUSTER_OPTIONS, OUTPUT_OPTIONS, clusterConfig, engineOption, nonNegativeInteger, oneOf, optionHelp, parse, positiveInteger } from '../options.js';

/** Measured operations per run, sized to finish in seconds on a 2-core machine. */
const OPERATIONS: Record<string, number> = { 'live/C': 4_000_000, 'live/A': 1_000_000, 'sim/C': 1_000_000, 'sim/A': 400_000 };
/** Unmeasured operations before each run's measurement: enough to fill the cache. */
const WARMUP: Record<string, number> = { 'live/C': 1_000_000, 'live/A': 500_000, 'sim/C': 500_000, 'sim/A': 200_000 };

const OPTIONS = {
  ops: { type: 'string', value: 'N', help: 'measured operations per run (default: live C 4M, live A 1M, sim C 1M, sim A 400K)' },
  warmup: { type: 'string', value: 'N', help: 'unmeasured operations first, to fill the cache (default: half those; 0 for none)' },
  engine: { type: 'string', value: 'NAME', help: 'run only one engine: live or sim' },
  workload: { type: 'string', value: 'NAME', help: 'run only one workload: A or C' },
  ...CLUSTER_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

export const OVERVIEW_HELP = `Usage: scalio [overview] [options]

Runs Scalio on YCSB C (read only) and A (50% updates), zipfian θ=0.99, 16-byte keys and
64-byte values, on both engines, and prints one row per run:

  live  piscina worker threads over shared memory on this machine; throughput is
        operations per second of wall-clock time
  sim   a discrete-event simulation of the paper's hardware (RDMA NIC, 970 PRO SSDs,
        BlueField Arm cores); throughput is operations per simulated second

Options:
${optionHelp(OPTIONS)}
`;

const COLUMNS = [
  { title: 'engine', value: (row: RunMetrics) => row.engine },
  { title: 'workload', value: (row: RunMetrics) => row.workload },
  { title: 'clients', value: (row: RunMetrics) => String(row.clients), right: true },
  { title: 'ops', value: (row: RunMetrics) => integer(row.operations), right: true },
  { title: 'throughput', value: (row: RunMetrics) => `${siNumber(row.operationsPerSecond)}ops/s`, right: true },
  { title: 'p50 µs', value: (row: RunMetrics) => microseconds(row.latencyP50Us), right: true },
  { title: 'p99 µs', value: (row: RunMetrics) => microseconds(row.latencyP99Us), right: true },
  { title: 'hit ratio', value: (row: RunMetrics) => fixed(row.hitRatio, 3), right: true },
  { title: 'SSD reads/op', value: (row: RunMetrics) => fixed(row.ssdReadsPerOperation, 3), right: true },
  { title: 'RPCs/op', value: (row: RunMetrics) => fixed(row.rpcsPerOperation, 3), right: true },
  { title: 'CAS failures', value: (row: RunMetrics) => integer(row.casFailures), right: true },
  { title: 'wall s', value: (row: RunMetrics) => fixed(row.wallSeconds, 1), right: true },
] as const;

export async function overview(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS, 'scalio overview');
  if (values.help === true) {
    process.stdout.write(OVERVIEW_HELP);
    return;
  }
  const config = clusterConfig(values);
  const resolved = resolveConfig(config); // refuse a bad configuration before any work
  const operations = positiveInteger('ops', values.ops);
  const warmup = nonNegativeInteger('warmup', values.warmup);
  const onlyEngine = engineOption(values.engine);
  const engines: EngineName[] = onlyEngine !== undefined ? [onlyEngine] : [...ENGINES];
  const onlyWorkload = oneOf('workload', values.workload, ['A', 'C'] as const);
  const workloads: string[] = onlyWorkload !== undefined ? [onlyWorkload] : ['C', 'A'];
  refuseRunsTooLargeForMemory(engines.flatMap((engine) => workloads.map((workload) => ({
    system: 'scalio', engine, config, workload, operations: operations ?? OPERATIONS[`${engine}/${workload}`], warmupOperations: warmup ?? WARMUP[`${engine}/${workload}`],
  }))));

  process.stdout.write(
    `Scalio on YCSB, ${integer(resolved.records)} records, ${integer(resolved.cacheSlots)} cache slots, ${resolved.ssds} SSDs, ` +
    `${resolved.dpuCores} DPU cores, ${resolved.clients} clients, seed ${resolved.seed}\n\n`,
  );
  const rows: RunMetrics[] = [];
  for (const engine of engines) {
    for (const workload of workloads) {
      const count = operations ?? OPERATIONS[`${engine}/${workload}`];
      const warmupCount = warmup ?? WARMUP[`${engine}/${workload}`];
      process.stderr.write(`${engine} ${workload}: loading ${integer(resolved.records)} records, ${integer(warmupCount)} warm-up and ${integer(count)} measured operations...\n`);
      rows.push(metricsOf(await run({ system: 'scalio', engine, config, workload, operations: count, warmupOperations: warmupCount })));
    }
  }
  process.stdout.write(`${table(rows, COLUMNS)}\n\n`);
  process.stdout.write(
    'live: wall-clock throughput of the emulator on this machine. sim: throughput per simulated second on the paper\'s\n' +
    'hardware profile (profiles/paper.json; calibrated on 8 DPU cores: scalio calibrate). Hit ratio: GETs served from\n' +
    'the DRAM cache, measured after the warm-up. Latency percentiles are of all operations.\n',
  );
  if (typeof values.json === 'string') writeJson(values.json, rows);
  if (typeof values.csv === 'string') writeCsv(values.csv, rows as unknown as Record<string, unknown>[]);
}
