/**
 * `scalio check`: runs a workload on a system, records every operation, and checks that the
 * history is linearizable (per-key registers). Exit code 0: linearizable; 1: not (the
 * shortest failing sub-history found is printed); 3: the time limit left keys undecided.
 * `--input FILE` checks a saved history instead of running (src/check/history-file.ts).
 */
import { type CheckReport, checkHistory, describeFailure, type TickUnit } from '../../check/history.js';
import { readHistoryJson, writeHistoryEdn, writeHistoryJson } from '../../check/history-file.js';
import { loadedValues } from '../../check/initial.js';
import { definedOnly } from '../../config.js';
import { ScalioError } from '../../errors.js';
import { run } from '../../engine/run.js';
import { integer } from '../format.js';
import {
  CLUSTER_OPTIONS, FAULT_OPTIONS, clusterConfig, describeFaults, engineOption, faultsOption, optionHelp, parse, positiveInteger, positiveNumber, systemOption,
} from '../options.js';
import { refuseRunsTooLargeForMemory } from '../memory.js';
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
  history: { type: 'string', value: 'FILE', output: true, help: 'write the (last) run\'s history as JSON to this file (self-contained: --input reads it)' },
  input: { type: 'string', value: 'FILE', help: 'check a saved history (JSON, the schema in the README) instead of running anything' },
  'export-edn': { type: 'string', value: 'FILE', output: true, help: 'write the (last or --input) history in Jepsen\'s EDN format, for Knossos or Elle' },
  ...CLUSTER_OPTIONS,
  ...FAULT_OPTIONS,
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

export const CHECK_HELP = `Usage: scalio check [options]
       scalio check --input FILE [--export-edn FILE] [--time-limit SECONDS]

Runs a workload, records every operation (client, key, value, call and return), and checks
the history for linearizability, key by key. The defaults pack the clients onto few keys and
a small cache (1,000 records, 256 cache slots) so that reads and writes of a key race.
With --faults, operations a fault cut off are checked as possibly effective (a write that
may or may not have happened), and a cache slot still pending past its lease fails the run:

  scalio check --ops 1000000 --faults client-death:rate=0.001+client-stall:rate=0.0002+dpu-restart:every=50ms

With --input, checks a saved history instead (one --history wrote, or any tool in the
schema the README gives); an operation with no return may or may not have taken effect.

Exit code: 0 linearizable, 1 not linearizable (the shortest failing sub-history is shown),
3 undecided within the time limit, 2 bad options.

Options:
${optionHelp(OPTIONS)}
`;

export async function check(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS, 'scalio check');
  if (values.help === true) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  if (typeof values.input === 'string') return checkSaved(values.input, values);
  const system = systemOption('system', values.system) ?? 'scalio';
  const engine = engineOption(values.engine) ?? 'sim';
  const workload = workloadFromOptions(values, 'A');
  const operations = positiveInteger('ops', values.ops) ?? 100_000;
  const seeds = positiveInteger('seeds', values.seeds) ?? 1;
  const timeLimitMs = (positiveNumber('time-limit', values['time-limit']) ?? 60) * 1000;
  const config = { records: 1000, cacheSlots: 256, ...definedOnly(clusterConfig(values)) };
  const faults = faultsOption(values.faults, engine);
  const firstSeed = config.seed ?? 1;
  // (Compared without adding: past 2^53, firstSeed + seeds rounds and a run would be lost.)
  const most = Number.MAX_SAFE_INTEGER - firstSeed + 1;
  const lastSeed = firstSeed + (seeds - 1);
  if (seeds > most) {
    throw new ScalioError(`--seeds ${seeds} from --seed ${firstSeed} would pass the largest seed, ${Number.MAX_SAFE_INTEGER}: at most ${most} ${most === 1 ? 'run' : 'runs'} from that seed`);
  }
  refuseRunsTooLargeForMemory([{ system, engine, config, workload, operations, checked: true }]);
  let exitCode = 0;
  let checked = 0;
  let runs = 0;
  for (let seed = firstSeed; seed <= lastSeed; seed++) {
    const report = await run({ system, engine, config: { ...config, seed }, workload, operations, recordHistory: true, faults });
    runs++;
    // Operations a crash or fault cut off are part of the history: they may have taken effect.
    const history = report.inFlight !== null && report.inFlight.length > 0
      ? concatenated(report.history as Float64Array, report.inFlight)
      : report.history as Float64Array;
    const initialValue = loadedValues(report.config);
    const ticks: TickUnit = engine === 'sim' ? 'ns' : 'order';
    const source = { system, engine, workload: workload.name, seed, config: report.config };
    // Only the last run's history is kept: earlier runs are not written at all.
    if (seed === lastSeed && typeof values.history === 'string') writeHistoryJson(values.history, history, source, ticks, initialValue);
    if (seed === lastSeed && typeof values['export-edn'] === 'string') writeHistoryEdn(values['export-edn'], history);
    const result = checkHistory(history, { initialValue, timeLimitMs });
    checked += result.checkedOperations;
    if (faults !== undefined && report.faults !== null) process.stdout.write(`${describeFaults(faults, report.faults)}\n`);
    // A read-modify-write is recorded as its read and its write: two checked operations.
    const split = workload.readModifyWriteProportion > 0 && result.operations > report.operations ? ' (read-modify-writes count as a read and a write)' : '';
    exitCode = worse(exitCode, printVerdict(`${system} on ${engine}, seed ${seed}`, result, split, ticks, timeLimitMs, (key) => `${key} (YCSB record ${key})`));
  }
  if (runs > 1) process.stdout.write(`${integer(checked)} operations checked over ${runs} runs\n`);
  return exitCode;
}

/** The exit code of several checks: a violation outranks an undecided key, which outranks a pass. */
function worse(a: number, b: number): number {
  if (a === EXIT_NOT_LINEARIZABLE || b === EXIT_NOT_LINEARIZABLE) return EXIT_NOT_LINEARIZABLE;
  return Math.max(a, b);
}

/** Failing keys listed by id after a verdict (witnesses are shown for the first few). */
const FAILING_KEYS_SHOWN = 1000;

/** Prints a check's verdict (and failing sub-histories); returns the exit code it calls for. */
function printVerdict(title: string, result: CheckReport, note: string, ticks: TickUnit, timeLimitMs: number, keyName: (key: number) => string): number {
  const pending = result.pendingWrites > 0 ? `, ${integer(result.pendingWrites)} writes that never returned taken as possibly effective` : '';
  const summary = `${integer(result.checkedOperations)} of ${integer(result.operations)} operations${note} on ${integer(result.keys)} keys checked in ${result.elapsedMs.toFixed(0)} ms${pending}`;
  if (result.verdict === 'pass') {
    process.stdout.write(`${title}: linearizable — ${summary}\n`);
    return 0;
  }
  if (result.verdict === 'unknown') {
    process.stdout.write(`${title}: UNKNOWN — ${keys(result.unknownKeys.length)} undecided within ${timeLimitMs / 1000} s; ${summary}\n`);
    return EXIT_UNDECIDED;
  }
  process.stdout.write(`${title}: NOT LINEARIZABLE — ${keys(result.failingKeys)} fail; ${summary}\n`);
  const shown = result.failingKeyIds.slice(0, FAILING_KEYS_SHOWN).join(' ');
  const more = result.failingKeys > FAILING_KEYS_SHOWN ? ` … and ${integer(result.failingKeys - FAILING_KEYS_SHOWN)} more` : '';
  process.stdout.write(`failing keys: ${shown}${more}\n\n`);
  for (const failure of result.failures) process.stdout.write(`${describeFailure(failure, ticks, keyName)}\n\n`);
  return EXIT_NOT_LINEARIZABLE;
}

/** Flags that shape a run, which a saved history has already had. */
const RUN_FLAGS = Object.keys(OPTIONS).filter((flag) => !['input', 'export-edn', 'time-limit', 'help'].includes(flag));

/** `check --input FILE`: checks a saved history. */
function checkSaved(path: string, values: Record<string, unknown>): number {
  const given = RUN_FLAGS.filter((flag) => values[flag] !== undefined);
  if (given.length > 0) throw new ScalioError(`--input checks a saved history and runs nothing: drop --${given.join(', --')}`);
  const timeLimitMs = (positiveNumber('time-limit', values['time-limit']) ?? 60) * 1000;
  const saved = readHistoryJson(path);
  if (typeof values['export-edn'] === 'string') writeHistoryEdn(values['export-edn'], saved.history);
  const result = checkHistory(saved.history, { initialValue: saved.initialValue, timeLimitMs });
  const { system, engine, seed } = saved.source;
  const origin = system !== undefined ? ` (${system}${engine !== undefined ? ` on ${engine}` : ''}${seed !== undefined ? `, seed ${seed}` : ''})` : '';
  return printVerdict(`${path}${origin}`, result, '', saved.ticks, timeLimitMs, (key) => `${key}`);
}

function concatenated(a: Float64Array, b: Float64Array): Float64Array {
  const joined = new Float64Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function keys(count: number): string {
  return `${integer(count)} ${count === 1 ? 'key' : 'keys'}`;
}
