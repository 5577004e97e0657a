/**
 * Options shared by the commands: how a cluster is sized, which engine runs it, where to
 * write results; and the rules every command's flags follow, enforced by `parse`:
 *
 * - `--name VALUE` or `--name=VALUE` (a value may start with a dash: `--records -1` is read
 *   as the value -1, and refused as a count); `-x VALUE` or `-xVALUE` for a short flag.
 * - A flag is given once; only flags marked `multiple` (`-p NAME=VALUE`) repeat.
 * - No positional arguments: a stray word is refused, naming the flag it was probably meant for
 *   (unless the command takes words: `rules.positionals`).
 * - Output files (flags marked `output`) are checked before any work starts.
 *
 * Every value is then checked by the functions below, so that a bad one is refused with its
 * flag's name, in one line, before any work starts. Numbers are plain decimal digits (no
 * signs, exponents, hexadecimal, separators or surrounding spaces).
 */
import { existsSync } from 'node:fs';
import type { ClusterConfig } from '../config.js';
import { ScalioError } from '../errors.js';
import { ENGINES, type EngineName } from '../engine/run.js';
import { SYSTEMS } from '../systems/registry.js';
import { WORKLOADS } from '../ycsb/workloads.js';
import { checkOutputFiles } from './output.js';
import { type HardwareProfile, loadProfile } from '../hw/profile.js';
import { type FaultReport, type FaultSchedule, formatFaults, parseFaults } from '../engine/sim/faults.js';

/** Flags every command that runs a cluster accepts, with their help lines. */
export const CLUSTER_OPTIONS = {
  records: { type: 'string', value: 'N', help: 'records loaded before the run' },
  clients: { type: 'string', value: 'N', help: 'logical client threads (YCSB threads), one operation in flight each' },
  'in-flight': { type: 'string', value: 'N', help: 'operations in flight in total (the same as --clients: one per logical client)' },
  'client-cores': { type: 'string', value: 'N', help: 'sim: client CPU threads the clients share (default 0: a CPU per client, no contention)' },
  ssds: { type: 'string', value: 'N', help: 'SSDs in the JBOF' },
  'dpu-cores': { type: 'string', value: 'N', help: 'DPU (Arm) cores' },
  'cache-slots': { type: 'string', value: 'N', help: 'DRAM cache slots (default: 11.2% of records, the paper\'s ratio)' },
  'slots-per-bucket': { type: 'string', value: 'N', help: 'cache associativity: slots per bucket (default 8, as the paper; Fig. 18: 4, 8, 16)' },
  'nvmeof-target': { type: 'string', value: 'NAME', help: 'sim: offload (the NIC serves NVMe-oF commands, default) or standard (DPU cores do)' },
  'set-batch': { type: 'string', value: 'N', help: 'writes per SSD batched into one flush (1 = no batching)' },
  'value-bytes': { type: 'string', value: 'BYTES', help: 'bytes of each value the workload writes (replaces the workload\'s fields)' },
  'over-provision': { type: 'string', value: 'N', help: 'each SSD\'s logs hold N times the data loaded (default 4, as LEED)' },
  seed: { type: 'string', value: 'N', help: 'seed of every random choice' },
} as const;

/** Flags of the simulator. */
export const SIMULATOR_OPTIONS = {
  profile: { type: 'string', value: 'NAME|FILE', help: 'sim: hardware profile, a shipped one (paper, the default) or a JSON file (README, "Hardware profiles")' },
} as const;

/** `--profile`: a shipped profile's name or a file's path, checked now (a bad one exits 2 before any work). */
export function profileOption(values: Record<string, unknown>): HardwareProfile | undefined {
  if (values.profile === undefined) return undefined;
  return loadProfile(String(values.profile));
}

/** Faults injected on the simulator (src/engine/sim/faults.ts): `run` and `check` take it. */
export const FAULT_OPTIONS = {
  faults: {
    type: 'string',
    value: 'SPEC',
    help: 'simulator only: inject faults, e.g. client-death:rate=0.001+dpu-restart:every=50ms (see README, Reliability)',
  },
} as const;

/** The --faults schedule, refused with one line if malformed or if the engine is not the simulator. */
export function faultsOption(text: unknown, engine: EngineName): FaultSchedule | undefined {
  if (text === undefined) return undefined;
  const schedule = parseFaults(String(text));
  if (engine !== 'sim') throw new ScalioError('--faults needs --engine sim: faults are injected by the simulator, which replays them by seed');
  return schedule;
}

/** One line saying what a fault schedule did. */
export function describeFaults(schedule: FaultSchedule, report: FaultReport): string {
  const audit = report.cacheAudit;
  const slots = audit === null ? ''
    : `; at the end ${audit.pendingSlots} cache slots pending; the longest a reservation stayed pending: ${(audit.longestPendingNs / 1e6).toFixed(1)} ms` +
      (Number.isFinite(audit.boundNs) ? ` (bound ${audit.boundNs / 1e6} ms)` : ' (no leases: no bound)');
  return `faults ${formatFaults(schedule)}: ${report.clientDeaths} client deaths, ${report.clientStalls} stalls, ${report.dpuRestarts} DPU restarts, ` +
    `${report.operationsCut} operations cut (recorded as possibly effective)${slots}`;
}


/** Where results also go, and help: every command that runs something takes these. */
export const OUTPUT_OPTIONS = {
  json: { type: 'string', value: 'FILE', output: true, help: 'also write the results as JSON to this file' },
  csv: { type: 'string', value: 'FILE', output: true, help: 'also write the results as CSV to this file' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

/**
 * A command's flags, by long name: the parse type; a one-letter short form; the value's name
 * in help (N, FILE, …); its help line; `multiple`: the flag may repeat (its values collect
 * in an array); `output`: its value is a file the command writes (checked before any work).
 */
export type OptionSpec = Record<string, {
  type: 'string' | 'boolean';
  short?: string;
  value?: string;
  help: string;
  multiple?: boolean;
  output?: boolean;
}>;

export interface ParsedOptions<Spec extends OptionSpec> {
  readonly values: Record<keyof Spec, string | boolean | string[] | undefined>;
  /** The words that are not flags: always empty unless the command allows them. */
  readonly positionals: string[];
}

export interface ParseRules {
  /**
   * The command takes words that are not flags (`scalio figures --merge DIR...`): they are
   * returned, and the command checks them. Otherwise a stray word is refused.
   */
  readonly positionals?: boolean;
}

/**
 * Which flag a stray word was probably meant for: the first of these the command has whose
 * values the word looks like. Add a row for a new flag with a recognisable value.
 */
const FLAG_GUESSES: readonly { readonly flag: string; readonly looksLikeValue: (word: string) => boolean }[] = [
  { flag: 'system', looksLikeValue: (word) => SYSTEMS.some((system) => system.name === word.toLowerCase()) },
  { flag: 'systems', looksLikeValue: (word) => word.split(',').every((part) => SYSTEMS.some((system) => system.name === part.trim().toLowerCase())) },
  { flag: 'engine', looksLikeValue: (word) => (ENGINES as readonly string[]).includes(word.toLowerCase()) },
  { flag: 'workload', looksLikeValue: (word) => word.toUpperCase() in WORKLOADS || /^workload[a-f]$/.test(word) || existsSync(word) },
  { flag: 'property', looksLikeValue: (word) => /^[A-Za-z][\w.]*=/.test(word) },
];

function flagName(spec: OptionSpec, name: string): string {
  return spec[name]?.short !== undefined && spec[name].multiple === true ? `-${spec[name].short}` : `--${name}`;
}

/**
 * Parses a command's arguments by `spec` (see the rules above); `command` names the command
 * in messages. Throws a one-line ScalioError for anything outside the rules.
 */
export function parse<Spec extends OptionSpec>(argv: readonly string[], spec: Spec, command = 'scalio', rules: ParseRules = {}): ParsedOptions<Spec> {
  const seeHelp = `see ${command} --help`;
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec).filter(([, option]) => option.short !== undefined).map(([name, option]) => [option.short as string, name]));
  const values: Record<string, string | boolean | string[] | undefined> = {};
  /** Whether an argument is one of this command's flags (so it cannot be the previous flag's value). */
  const isFlag = (argument: string) => (argument.startsWith('--') && Object.hasOwn(spec, argument.slice(2).split('=')[0])) ||
    (/^-[A-Za-z]/.test(argument) && byShort.has(argument[1]));
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    let name: string;
    let inline: string | undefined;
    if (argument.startsWith('--') && argument.length > 2) {
      const equals = argument.indexOf('=');
      name = equals < 0 ? argument.slice(2) : argument.slice(2, equals);
      inline = equals < 0 ? undefined : argument.slice(equals + 1);
      if (!Object.hasOwn(spec, name)) throw new ScalioError(`unknown option --${name}; ${seeHelp}`);
    } else if (argument.startsWith('-') && argument.length > 1 && argument !== '--') {
      const long = byShort.get(argument[1]);
      if (long === undefined) throw new ScalioError(`unknown option ${argument.slice(0, 2)}; ${seeHelp}`);
      name = long;
      inline = argument.length > 2 ? argument.slice(2) : undefined;
    } else if (argument === '--') {
      // Everything after `--` is a word, even if it looks like a flag.
      const words = argv.slice(index + 1);
      if (words.length > 0 && rules.positionals !== true) throw new ScalioError(strayArgumentMessage(words[0], spec, command));
      positionals.push(...words);
      break;
    } else {
      if (rules.positionals !== true) throw new ScalioError(strayArgumentMessage(argument, spec, command));
      positionals.push(argument);
      continue;
    }
    const option = spec[name];
    const shown = argument.startsWith('--') ? `--${name}` : `-${option.short}`;
    let value: string | boolean;
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new ScalioError(`${shown} takes no value; ${seeHelp}`);
      value = true;
    } else {
      const next = argv[index + 1];
      if (inline === undefined && (next === undefined || isFlag(next))) {
        throw new ScalioError(`${shown} needs a value (${option.value ?? 'VALUE'}); ${seeHelp}`);
      }
      value = inline ?? argv[++index];
    }
    const earlier = values[name];
    if (option.multiple === true) {
      values[name] = [...((earlier as string[] | undefined) ?? []), value as string];
    } else if (earlier !== undefined) {
      const both = option.type === 'boolean' ? '' : ` ("${String(earlier)}", then "${String(value)}")`;
      throw new ScalioError(`${shown} is given twice${both}; give each flag once`);
    } else {
      values[name] = value;
    }
  }
  if (values.help !== true) {
    checkOutputFiles(values, Object.keys(spec).filter((name) => spec[name].output === true));
  }
  return { values: values as Record<keyof Spec, string | boolean | string[] | undefined>, positionals };
}

/** "unexpected argument …", with the flag the word was probably meant for. */
function strayArgumentMessage(word: string, spec: OptionSpec, command: string): string {
  const guess = FLAG_GUESSES.find((candidate) => Object.hasOwn(spec, candidate.flag) && candidate.looksLikeValue(word));
  const meant = guess !== undefined ? `did you mean ${flagName(spec, guess.flag)} ${word}?` : `${command} takes only flags`;
  return `unexpected argument "${word}": ${meant} (see ${command} --help)`;
}

/** Renders a command's options for --help. */
export function optionHelp(spec: OptionSpec): string {
  const rows = Object.entries(spec).map(([name, option]) => {
    const flag = `${option.short !== undefined ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    return [flag, option.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`).join('\n');
}

/** Plain decimal digits: what every count and seed must be written as. */
const DECIMAL_INTEGER = /^[0-9]+$/;
/** Plain decimal digits with an optional fraction: what durations and time limits must be written as. */
const DECIMAL_NUMBER = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

export function positiveInteger(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = String(text);
  if (!DECIMAL_INTEGER.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new ScalioError(`--${name} must be a positive integer in decimal digits, got "${value}"`);
  }
  return Number(value);
}

export function nonNegativeInteger(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = String(text);
  if (!DECIMAL_INTEGER.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ScalioError(`--${name} must be a non-negative integer in decimal digits, got "${value}"`);
  }
  return Number(value);
}

export function positiveNumber(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = String(text);
  if (!DECIMAL_NUMBER.test(value) || !(Number(value) > 0) || !Number.isFinite(Number(value))) {
    throw new ScalioError(`--${name} must be a positive decimal number (such as 5 or 0.5), got "${value}"`);
  }
  return Number(value);
}

export function oneOf<T extends string>(name: string, text: unknown, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  const match = allowed.find((candidate) => candidate.toLowerCase() === String(text).toLowerCase());
  if (match === undefined) throw new ScalioError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return match;
}

export function engineOption(text: unknown): EngineName | undefined {
  return oneOf('engine', text, ENGINES);
}

export function systemOption(name: string, text: unknown): string | undefined {
  return oneOf(name, text, SYSTEMS.map((system) => system.name));
}

/** A comma-separated list of systems. */
export function systemsOption(name: string, text: unknown): string[] | undefined {
  if (text === undefined) return undefined;
  const names = String(text).split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (names.length === 0) throw new ScalioError(`--${name} needs at least one system; known systems: ${SYSTEMS.map((system) => system.name).join(', ')}`);
  return names.map((part) => systemOption(name, part) as string);
}

/** The cluster settings given by CLUSTER_OPTIONS flags. */
export function clusterConfig(values: Record<string, unknown>): Partial<ClusterConfig> {
  const clients = positiveInteger('clients', values.clients);
  const inFlight = positiveInteger('in-flight', values['in-flight']);
  if (clients !== undefined && inFlight !== undefined && clients !== inFlight) {
    throw new ScalioError(`--clients ${clients} and --in-flight ${inFlight} disagree: each logical client has one operation in flight; give one of them`);
  }
  const target = oneOf('nvmeof-target', values['nvmeof-target'], ['offload', 'standard'] as const);
  return {
    records: positiveInteger('records', values.records),
    clients: clients ?? inFlight,
    clientCores: nonNegativeInteger('client-cores', values['client-cores']),
    slotsPerBucket: positiveInteger('slots-per-bucket', values['slots-per-bucket']),
    nvmeTargetOffload: target === undefined ? undefined : target === 'offload' ? 1 : 0,
    ssds: positiveInteger('ssds', values.ssds),
    dpuCores: positiveInteger('dpu-cores', values['dpu-cores']),
    cacheSlots: positiveInteger('cache-slots', values['cache-slots']),
    setBatch: positiveInteger('set-batch', values['set-batch']),
    valueBytes: positiveInteger('value-bytes', values['value-bytes']),
    valueLogOverProvision: positiveInteger('over-provision', values['over-provision']),
    bucketLogOverProvision: positiveInteger('over-provision', values['over-provision']),
    seed: nonNegativeInteger('seed', values.seed),
  };
}
