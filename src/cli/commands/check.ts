/**
 * `scalio check`: runs a workload on a system, records every operation, and checks that the
 * history is linearizable (per-key registers). Exit code 0: linearizable; 1: not (the
 * shortest failing sub-history found is printed); 3: the time limit left keys undecided.
 */
import { checkHistory, describeFailure, historyToJson, writeHistoryJson } from '../../check/history.js';
import { loadedValues } from '../../check/initial.js';
import { run } from '../../engine/run.js';
import { integer } from '../format.js';
import {
  CLUSTER_OPTIONS, FAULT_OPTIONS, clusterConfig, describeFaults, engineOption, faultsOption, optionHelp, parse, positiveInteger, positiveNumber, systemOption,
} from '../options.js';
import { WORKLOAD_OPTIONS, workloadFromOptions } from '../workload-options.js';

export const EXIT_NOT_LINEARIZABLE = 1;
export const EXIT_UNDECIDED = 3;

const OPTIONS = {
  system: { type: 'string', value: 'NAME', help: 'the system to check (default scalio)' },
  engine: { type: 'string', value: 'NAME', help: 'sim (default: races replay by seed) or live (real threads)' },
  ...WORKLOAD_OPTIONS,
  ops: { type: 'string', value: 'N', help: 'operations per run (default 100000)' },
  seeds: { type: 'string', value: 'N', help: 'runs, with seeds seed, seed+1, … (default 1)' },
  'time-limit': { type: 'string', value: 'SECONDS', help: 'seconds the check of one run may take before it answers "unknown" (default 60)' },
  history: { type: 'string', value: 'FILE', help: 'write the (last) run\'s history as JSON to this file' },
  ...CLUSTER_OPTIONS,
  ...FAULT_OPTIONS,
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

export const CHECK_HELP = `Usage: scalio check [options]

Runs a workload, records every operation (client, key, value, call and return), and checks
the history for linearizability, key by key. The defaults pack the clients onto few keys and
a small cache (1,000 records, 256 cache slots) so that reads and writes of a key race.
With --faults, operations a fault cut off are checked as possibly effective (a write that
may or may not have happened), and a cache slot still pending past its lease fails the run:

  scalio check --ops 1000000 --faults client-death:rate=0.001+client-stall:rate=0.0002+dpu-restart:every=50ms

Exit code: 0 linearizable, 1 not linearizable (the shortest failing sub-history is shown),
3 undecided within the time limit, 2 bad options.

Options:
${optionHelp(OPTIONS)}
`;

export async function check(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  const system = systemOption('system', values.system) ?? 'scalio';
  const engine = engineOption(values.engine) ?? 'sim';
  const workload = workloadFromOptions(values, 'A');
  const operations = positiveInteger('ops', values.ops) ?? 100_000;
  const seeds = positiveInteger('seeds', values.seeds) ?? 1;
  const timeLimitMs = (positiveNumber('time-limit', values['time-limit']) ?? 60) * 1000;
  const config = { records: 1000, cacheSlots: 256, ...definedOnly(clusterConfig(values)) };
  const faults = faultsOption(values.faults, engine);
  const firstSeed = config.seed ?? 1;
  let exitCode = 0;
  let checked = 0;
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const report = await run({ system, engine, config: { ...config, seed }, workload, operations, recordHistory: true, faults });
    const history = report.history as Float64Array;
    if (typeof values.history === 'string') writeHistoryJson(values.history, historyToJson(history, { system, engine, workload: workload.name, seed }));
    const result = checkHistory(history, { initialValue: loadedValues(report.config), timeLimitMs });
    checked += result.checkedOperations;
    // A read-modify-write is recorded as its read and its write: two checked operations.
    const split = result.operations > report.operations && workload.readModifyWriteProportion > 0 ? ' (read-modify-writes count as a read and a write)' : '';
    if (faults !== undefined && report.faults !== null) process.stdout.write(`${describeFaults(faults, report.faults)}\n`);
    const summary = `${integer(result.checkedOperations)} of ${integer(result.operations)} operations${split} on ${integer(result.keys)} keys checked in ${result.elapsedMs.toFixed(0)} ms`;
    if (result.verdict === 'pass') {
      process.stdout.write(`${system} on ${engine}, seed ${seed}: linearizable — ${summary}\n`);
    } else if (result.verdict === 'unknown') {
      process.stdout.write(`${system} on ${engine}, seed ${seed}: UNKNOWN — ${keys(result.unknownKeys.length)} undecided within ${timeLimitMs / 1000} s; ${summary}\n`);
      // A violation found in another run outranks an undecided one.
      if (exitCode !== EXIT_NOT_LINEARIZABLE) exitCode = EXIT_UNDECIDED;
    } else {
      process.stdout.write(`${system} on ${engine}, seed ${seed}: NOT LINEARIZABLE — ${keys(result.failingKeys)} fail; ${summary}\n\n`);
      for (const failure of result.failures) process.stdout.write(`${describeFailure(failure, engine === 'sim' ? 'ns' : 'order', (key) => `${key} (YCSB record ${key})`)}\n\n`);
      exitCode = EXIT_NOT_LINEARIZABLE;
    }
  }
  if (seeds > 1) process.stdout.write(`${integer(checked)} operations checked over ${seeds} runs\n`);
  return exitCode;
}

function keys(count: number): string {
  return `${integer(count)} ${count === 1 ? 'key' : 'keys'}`;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
