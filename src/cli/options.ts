/**
 * Options shared by the commands: how a cluster is sized, which engine runs it, where to
 * write results. Parsed with node:util's parseArgs; every value is checked here so that a
 * bad one is refused with its flag's name before any work starts.
 */
import { parseArgs } from 'node:util';
import type { ClusterConfig } from '../config.js';
import { ScalioError } from '../errors.js';
import { ENGINES, type EngineName } from '../engine/run.js';
import { SYSTEMS } from '../systems/registry.js';
import { type FaultReport, type FaultSchedule, formatFaults, parseFaults } from '../engine/sim/faults.js';

/** Flags every command that runs a cluster accepts, with their help lines. */
export const CLUSTER_OPTIONS = {
  records: { type: 'string', value: 'N', help: 'records loaded before the run' },
  clients: { type: 'string', value: 'N', help: 'logical client threads (YCSB threads)' },
  ssds: { type: 'string', value: 'N', help: 'SSDs in the JBOF' },
  'dpu-cores': { type: 'string', value: 'N', help: 'DPU (Arm) cores' },
  'cache-slots': { type: 'string', value: 'N', help: 'DRAM cache slots (default: 11.2% of records, the paper\'s ratio)' },
  'set-batch': { type: 'string', value: 'N', help: 'writes per SSD batched into one flush (1 = no batching)' },
  'value-bytes': { type: 'string', value: 'BYTES', help: 'bytes of each value the workload writes (replaces the workload\'s fields)' },
  'over-provision': { type: 'string', value: 'N', help: 'each SSD\'s logs hold N times the data loaded (default 4, as LEED)' },
  seed: { type: 'string', value: 'N', help: 'seed of every random choice' },
} as const;

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

/** A flag: its parseArgs type, its help line, and for a flag taking a value, the value's name in help (N, FILE, …). */
/** Where results also go, and help: every command that runs something takes these. */
export const OUTPUT_OPTIONS = {
  json: { type: 'string', value: 'FILE', help: 'also write the results as JSON to this file' },
  csv: { type: 'string', value: 'FILE', help: 'also write the results as CSV to this file' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; value?: string; help: string; multiple?: boolean }>;

export function parse<Spec extends OptionSpec>(argv: string[], spec: Spec): { values: Record<keyof Spec, string | boolean | string[] | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, option] of Object.entries(spec)) {
    options[name] = { type: option.type, ...(option.short !== undefined ? { short: option.short } : {}), ...(option.multiple === true ? { multiple: true } : {}) };
  }
  const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  return { values: values as Record<keyof Spec, string | boolean | string[] | undefined>, positionals };
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

export function positiveInteger(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = String(text).replace(/_/g, '');
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new ScalioError(`--${name} must be a positive integer, got "${text}"`);
  }
  return Number(value);
}

export function nonNegativeInteger(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = String(text).replace(/_/g, '');
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new ScalioError(`--${name} must be a non-negative integer, got "${text}"`);
  return Number(value);
}

export function positiveNumber(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new ScalioError(`--${name} must be a positive number, got "${text}"`);
  return value;
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
  return {
    records: positiveInteger('records', values.records),
    clients: positiveInteger('clients', values.clients),
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
