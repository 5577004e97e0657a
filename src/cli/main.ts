#!/usr/bin/env node
/**
 * The `scalio` command. `npm start` runs `scalio overview`: Scalio on YCSB C and A, on the
 * live engine (this machine's threads, wall clock) and the simulator (the paper's hardware
 * profile, virtual time), one row per run.
 */
import { parseArgs } from 'node:util';
import { type ClusterConfig, DEFAULT_CONFIG, resolveConfig } from '../config.js';
import { ScalioError } from '../errors.js';
import { type RunMetrics, metricsOf } from '../engine/metrics.js';
import { type EngineName, run } from '../engine/run.js';
import { fixed, integer, microseconds, siNumber, table } from './format.js';

const EXIT_BAD_INPUT = 2;
const EXIT_FAILED = 1;

/** Measured operations per run of `overview`, sized to finish in seconds on a 2-core machine. */
const OVERVIEW_OPERATIONS: Record<string, number> = {
  'live/C': 4_000_000,
  'live/A': 1_000_000,
  'sim/C': 1_000_000,
  'sim/A': 400_000,
};

/** Unmeasured operations before each run's measurement: enough to fill the cache. */
const OVERVIEW_WARMUP: Record<string, number> = {
  'live/C': 1_000_000,
  'live/A': 500_000,
  'sim/C': 500_000,
  'sim/A': 200_000,
};

const OVERVIEW_HELP = `Usage: scalio [overview] [options]

Runs Scalio on YCSB C (read only) and A (50% updates), zipfian θ=0.99, 16-byte keys and
64-byte values, on both engines, and prints one row per run:

  live  piscina worker threads over shared memory on this machine; throughput is
        operations per second of wall-clock time
  sim   a discrete-event simulation of the paper's hardware (RDMA NIC, 970 PRO SSDs,
        BlueField Arm cores); throughput is operations per simulated second

Options:
  --records N        records loaded before each run (default ${integer(DEFAULT_CONFIG.records)})
  --operations N     measured operations per run (default: live C ${integer(OVERVIEW_OPERATIONS['live/C'])}, live A ${integer(OVERVIEW_OPERATIONS['live/A'])},
                     sim C ${integer(OVERVIEW_OPERATIONS['sim/C'])}, sim A ${integer(OVERVIEW_OPERATIONS['sim/A'])})
  --warmup N         unmeasured operations before each measurement, to fill the cache
                     (default: live C ${integer(OVERVIEW_WARMUP['live/C'])}, live A ${integer(OVERVIEW_WARMUP['live/A'])}, sim C ${integer(OVERVIEW_WARMUP['sim/C'])}, sim A ${integer(OVERVIEW_WARMUP['sim/A'])}; 0 for none)
  --clients N        logical client threads (default ${DEFAULT_CONFIG.clients})
  --ssds N           SSDs (default ${DEFAULT_CONFIG.ssds})
  --dpu-cores N      DPU cores (default ${DEFAULT_CONFIG.dpuCores})
  --cache-slots N    cache slots (default: the paper's 11.2% of records)
  --seed N           seed of every random choice (default ${DEFAULT_CONFIG.seed})
  --engine E         run only one engine: live or sim
  --workload W       run only one workload: A or C
  -h, --help         show this help
`;

const GENERAL_HELP = `Usage: scalio <command> [options]

Commands:
  overview   Scalio on YCSB C and A, on the live engine and the simulator (default)
  help       show this help

Run \`scalio <command> --help\` for a command's options.
`;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new ScalioError(`--${name} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

function nonNegativeInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new ScalioError(`--${name} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  const match = allowed.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (match === undefined) throw new ScalioError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return match;
}

const ROW_COLUMNS = [
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

async function overview(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      operations: { type: 'string' },
      warmup: { type: 'string' },
      clients: { type: 'string' },
      ssds: { type: 'string' },
      'dpu-cores': { type: 'string' },
      'cache-slots': { type: 'string' },
      seed: { type: 'string' },
      engine: { type: 'string' },
      workload: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(OVERVIEW_HELP);
    return;
  }
  const config: Partial<ClusterConfig> = {
    records: positiveInteger('records', values.records),
    clients: positiveInteger('clients', values.clients),
    ssds: positiveInteger('ssds', values.ssds),
    dpuCores: positiveInteger('dpu-cores', values['dpu-cores']),
    cacheSlots: positiveInteger('cache-slots', values['cache-slots']),
    seed: nonNegativeInteger('seed', values.seed),
  };
  const resolved = resolveConfig(config); // refuse a bad configuration before any work
  const operations = positiveInteger('operations', values.operations);
  const warmup = nonNegativeInteger('warmup', values.warmup);
  const engines: EngineName[] = values.engine !== undefined ? [oneOf('engine', values.engine, ['live', 'sim'] as const) as EngineName] : ['live', 'sim'];
  const workloads = values.workload !== undefined ? [oneOf('workload', values.workload, ['A', 'C'] as const) as string] : ['C', 'A'];

  process.stdout.write(
    `Scalio on YCSB, ${integer(resolved.records)} records, ${integer(resolved.cacheSlots)} cache slots, ${resolved.ssds} SSDs, ` +
    `${resolved.dpuCores} DPU cores, ${resolved.clients} clients, seed ${resolved.seed}\n\n`,
  );
  const rows: RunMetrics[] = [];
  for (const engine of engines) {
    for (const workload of workloads) {
      const count = operations ?? OVERVIEW_OPERATIONS[`${engine}/${workload}`];
      const warmupCount = warmup ?? OVERVIEW_WARMUP[`${engine}/${workload}`];
      process.stderr.write(
        `${engine} ${workload}: loading ${integer(resolved.records)} records, ${integer(warmupCount)} warm-up and ${integer(count)} measured operations...\n`,
      );
      const report = await run({ system: 'scalio', engine, config, workload, operations: count, warmupOperations: warmupCount });
      rows.push(metricsOf(report));
    }
  }
  process.stdout.write(`${table(rows, ROW_COLUMNS)}\n\n`);
  process.stdout.write(
    'live: wall-clock throughput of the emulator on this machine. sim: throughput per simulated second on the paper\'s\n' +
    'hardware profile (src/hw/profile.ts; not yet calibrated against the paper\'s figures). Hit ratio: GETs served from\n' +
    'the DRAM cache, measured after the warm-up. Latency percentiles are of all operations.\n',
  );
}

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  overview,
  help: async () => {
    process.stdout.write(GENERAL_HELP);
  },
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const commandName = first === undefined || first.startsWith('-') ? 'overview' : first;
  const command = COMMANDS[commandName];
  try {
    if (command === undefined) throw new ScalioError(`unknown command "${commandName}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    await command(commandName === first ? rest : argv);
    return 0;
  } catch (error) {
    if (error instanceof ScalioError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`scalio: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`scalio: the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
