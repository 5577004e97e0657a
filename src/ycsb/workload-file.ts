/**
 * YCSB workload files, read unchanged: the properties of Java YCSB's CoreWorkload and
 * Client (`recordcount`, `operationcount`, the proportions, `requestdistribution`, …),
 * checked one by one. A malformed value is refused with its file, line and the reason;
 * a property this emulator does not know is warned about and ignored, as YCSB ignores
 * properties no component reads; scans (workload E) are refused with the reason.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, InputError } from '../errors.js';
import { readTextFile } from '../files.js';
import { packageRoot } from '../paths.js';
import { type Property, parseProperties } from './properties.js';
import {
  REQUEST_DISTRIBUTIONS, type RequestDistribution, SCANS_REFUSED, WORKLOADS, type Workload, defineWorkload, describeMix,
  workloadByName,
} from './workloads.js';

/** A workload and what was said about the file it came from. */
export interface ReadWorkload {
  readonly workload: Workload;
  /** Properties ignored, and why (unknown names, YCSB features that do not apply here). */
  readonly warnings: readonly string[];
}

type Draft = { -readonly [Name in keyof Workload]: Workload[Name] };

/** Where a property was set, for messages: "file:line: name". */
type Where = string;

/**
 * Numbers in a file are plain decimal (an optional minus, digits, an optional fraction), as
 * written, with nothing around them: no exponent, hexadecimal or spaces, which Java's
 * Long.parseLong refuses too. (The separator's spaces, `recordcount = 100`, are not part of
 * the value: the properties reader drops them, as Java's does.)
 */
const DECIMAL_NUMBER = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const DECIMAL_INTEGER = /^-?[0-9]+$/;

function number(where: Where, text: string): number {
  if (!DECIMAL_NUMBER.test(text)) throw new InputError(`${where} must be a number in decimal digits (such as 0.5), got "${text}"`);
  return Number(text);
}

function proportion(where: Where, text: string): number {
  const value = number(where, text);
  if (value < 0 || value > 1) throw new InputError(`${where} must be a proportion from 0 to 1, got ${text}`);
  return value;
}

function integer(where: Where, text: string, minimum: number, maximum: number, hint = ''): number {
  if (!DECIMAL_INTEGER.test(text)) throw new InputError(`${where} must be an integer in decimal digits, got "${text}"`);
  const value = Number(text);
  if (value < minimum || value > maximum) {
    throw new InputError(`${where} must be an integer from ${minimum} to ${maximum}, got ${text}${hint === '' ? '' : `; ${hint}`}`);
  }
  return value;
}

function oneOf<T extends string>(where: Where, text: string, allowed: readonly T[]): T {
  const value = text.trim();
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new InputError(`${where} must be one of ${allowed.join(', ')}, got "${text}"`);
  return match;
}

function boolean(where: Where, text: string): boolean {
  // Java's Boolean.parseBoolean: "true" (any case) is true, anything else false; we refuse typos.
  const value = text.trim().toLowerCase();
  if (value !== 'true' && value !== 'false') throw new InputError(`${where} must be true or false, got "${text}"`);
  return value === 'true';
}

/** The classes YCSB names CoreWorkload by (before and after the 0.14 package rename). */
const CORE_WORKLOAD_CLASSES = ['site.ycsb.workloads.CoreWorkload', 'com.yahoo.ycsb.workloads.CoreWorkload'];

/** The properties a workload file may set, each checked and applied to the workload. */
const PROPERTIES: Record<string, (workload: Draft, text: string, where: Where) => string | undefined> = {
  workload: (_, text, where) => {
    if (!CORE_WORKLOAD_CLASSES.includes(text.trim())) {
      throw new InputError(`${where} is "${text}"; only YCSB's CoreWorkload (${CORE_WORKLOAD_CLASSES[0]}) runs here`);
    }
    return undefined;
  },
  recordcount: (workload, text, where) => { workload.recordCount = integer(where, text, 1, 200_000_000, 'the dataset lives in this process\'s memory'); return undefined; },
  operationcount: (workload, text, where) => {
    const count = integer(where, text, 0, Number.MAX_SAFE_INTEGER);
    // Java: 0 means no limit, for a run bounded by maxexecutiontime.
    workload.operationCount = count === 0 ? undefined : count;
    return undefined;
  },
  maxexecutiontime: (workload, text, where) => {
    const seconds = number(where, text);
    if (seconds < 0) throw new InputError(`${where} must be a non-negative number of seconds, got ${text}`);
    workload.maxExecutionTimeSeconds = seconds === 0 ? undefined : seconds;
    return undefined;
  },
  threadcount: (workload, text, where) => { workload.threadCount = integer(where, text, 1, 4096); return undefined; },
  readproportion: (workload, text, where) => { workload.readProportion = proportion(where, text); return undefined; },
  updateproportion: (workload, text, where) => { workload.updateProportion = proportion(where, text); return undefined; },
  insertproportion: (workload, text, where) => { workload.insertProportion = proportion(where, text); return undefined; },
  readmodifywriteproportion: (workload, text, where) => { workload.readModifyWriteProportion = proportion(where, text); return undefined; },
  scanproportion: (_, text, where) => {
    if (proportion(where, text) > 0) throw new InputError(`${where}: ${SCANS_REFUSED}`);
    return undefined;
  },
  requestdistribution: (workload, text, where) => {
    workload.requestDistribution = oneOf<RequestDistribution>(where, text, REQUEST_DISTRIBUTIONS);
    return undefined;
  },
  zipfianconstant: (workload, text, where) => {
    const theta = number(where, text);
    // Gray et al.'s generator divides by 1 - θ; Java YCSB accepts θ > 1 (the paper's Fig. 15 uses 1.01).
    if (!(theta > 0 && theta !== 1 && theta <= 2)) throw new InputError(`${where} must be above 0, at most 2 and not 1: YCSB's zipfian generator (Gray et al.) divides by 1 - θ, got ${text}`);
    workload.zipfianConstant = theta;
    return undefined;
  },
  insertorder: (workload, text, where) => { workload.insertOrder = oneOf(where, text, ['hashed', 'ordered'] as const); return undefined; },
  zeropadding: (workload, text, where) => {
    workload.zeroPadding = integer(where, text, 1, 20, 'key names are hashed from at most 24 bytes: "user" and 20 digits');
    return undefined;
  },
  insertstart: (workload, text, where) => { workload.insertStart = integer(where, text, 0, 200_000_000); return undefined; },
  insertcount: (workload, text, where) => { workload.insertCount = integer(where, text, 1, 200_000_000); return undefined; },
  fieldcount: (workload, text, where) => { workload.fieldCount = integer(where, text, 1, 4096); return undefined; },
  fieldlength: (workload, text, where) => { workload.fieldLength = integer(where, text, 1, 4096); return undefined; },
  minfieldlength: (workload, text, where) => { workload.minFieldLength = integer(where, text, 1, 4096); return undefined; },
  fieldlengthdistribution: (workload, text, where) => {
    const distribution = text.trim();
    if (distribution === 'zipfian' || distribution === 'histogram') {
      throw new InputError(`${where} is "${distribution}"; field lengths may be constant or uniform here`);
    }
    workload.fieldLengthDistribution = oneOf(where, text, ['constant', 'uniform'] as const);
    return undefined;
  },
  hotspotdatafraction: (workload, text, where) => { workload.hotspotDataFraction = proportion(where, text); return undefined; },
  hotspotopnfraction: (workload, text, where) => { workload.hotspotOperationFraction = proportion(where, text); return undefined; },
  'exponential.percentile': (workload, text, where) => {
    const percentile = number(where, text);
    if (!(percentile > 0 && percentile < 100)) throw new InputError(`${where} must be a percentage between 0 and 100 (exclusive), got ${text}`);
    workload.exponentialPercentile = percentile;
    return undefined;
  },
  'exponential.frac': (workload, text, where) => {
    const fraction = number(where, text);
    if (!(fraction > 0)) throw new InputError(`${where} must be a positive fraction of the records, got ${text}`);
    workload.exponentialFraction = fraction;
    return undefined;
  },
  'scalio.rankspace': (workload, text, where) => { workload.rankSpace = oneOf(where, text, ['java', 'records'] as const); return undefined; },
  // Accepted, with nothing to do here:
  readallfields: (_, text, where) => { boolean(where, text); return undefined; },
  writeallfields: (_, text, where) => { boolean(where, text); return undefined; },
  readallfieldsbyname: (_, text, where) => { boolean(where, text); return undefined; },
  table: () => undefined,
  fieldnameprefix: () => undefined,
  maxscanlength: () => undefined,
  minscanlength: () => undefined,
  scanlengthdistribution: () => undefined,
  dataintegrity: (_, text, where) => (boolean(where, text)
    ? `${where}: ignored; values here are random bytes, and what reads return is checked by \`scalio check\` (linearizability) instead`
    : undefined),
  target: (_, _text, where) => `${where}: ignored; clients here run closed-loop, each with one operation in flight (set --clients)`,
  measurementtype: () => undefined,
  'histogram.buckets': () => undefined,
  'hdrhistogram.percentiles': () => undefined,
  'status.interval': () => undefined,
  'measurement.interval': () => undefined,
  'timeseries.granularity': () => undefined,
  core_workload_insertion_retry_limit: () => undefined,
  core_workload_insertion_retry_interval: () => undefined,
  exporter: () => undefined,
  exportfile: () => undefined,
  db: () => undefined,
};

/**
 * Applies properties to a base workload (CoreWorkload's defaults for a file, a built-in
 * for `-p` overrides of one) and checks the result as a whole.
 */
export function applyProperties(base: Workload, properties: ReadonlyMap<string, Property>, source: string, name: string): ReadWorkload {
  const draft: Draft = { ...base, name };
  const warnings: string[] = [];
  for (const [property, { value, line }] of properties) {
    const where = `${source}:${line}: ${property}`;
    const apply = PROPERTIES[property];
    if (apply === undefined) {
      warnings.push(`${source}:${line}: unknown property "${property}" ignored`);
      continue;
    }
    const warning = apply(draft, value, where);
    if (warning !== undefined) warnings.push(warning);
  }
  const shares = draft.readProportion + draft.updateProportion + draft.insertProportion + draft.readModifyWriteProportion;
  if (!(shares > 0)) {
    throw new InputError(`${source}: every operation proportion is 0 (readproportion, updateproportion, insertproportion, readmodifywriteproportion); nothing to run`);
  }
  if (draft.minFieldLength > draft.fieldLength) {
    throw new InputError(`${source}: minfieldlength ${draft.minFieldLength} is longer than fieldlength ${draft.fieldLength}`);
  }
  const recordBytes = draft.fieldCount * draft.fieldLength;
  if (recordBytes > 4096) {
    throw new InputError(`${source}: a record of fieldcount ${draft.fieldCount} × fieldlength ${draft.fieldLength} = ${recordBytes} bytes; the store holds values of up to 4096 bytes`);
  }
  // insertstart and insertcount are checked against the record count the run uses
  // (--records may replace recordcount), when the cluster is configured.
  return { workload: Object.freeze(draft), warnings };
}

/** The largest workload file read: YCSB's are a few KiB; anything this big is not one. */
export const WORKLOAD_FILE_BYTES_MAX = 1024 * 1024;

/** Reads a workload file. */
export function readWorkloadFile(path: string): ReadWorkload {
  const text = readTextFile(path, { what: 'workload file', bytesMax: WORKLOAD_FILE_BYTES_MAX, hint: 'give a YCSB workload file' });
  const { properties, duplicates } = parseProperties(text, path);
  const name = path.split(/[\\/]/).pop() ?? path;
  const base = defineWorkload({ name, description: `YCSB workload file ${path}`, source: path });
  const read = applyProperties(base, properties, path, name);
  const workload = Object.freeze({ ...read.workload, description: describeMix(read.workload) });
  const warnings = [
    ...duplicates.map((duplicate) => `${path}:${duplicate.line}: ${duplicate.name} set again (first on line ${duplicate.firstLine}); the last one counts`),
    ...read.warnings,
  ];
  return { workload, warnings };
}

/** The directory of the six stock YCSB workload files shipped with the emulator. */
export function stockWorkloadDirectory(): string {
  return join(packageRoot(), 'workloads');
}

/**
 * A workload by what a user typed: a built-in name (A, B, C, D, F; E is refused), a file's
 * path, or the name of a shipped stock file (`workloada` … `workloadf`).
 */
export function readWorkload(spec: string): ReadWorkload {
  if (spec.toUpperCase() in WORKLOADS || spec.toUpperCase() === 'E') return { workload: workloadByName(spec), warnings: [] };
  if (existsSync(spec)) return readWorkloadFile(spec);
  const shipped = join(stockWorkloadDirectory(), spec);
  if (/^workload[a-f]$/.test(spec) && existsSync(shipped)) {
    const shorter = relative(process.cwd(), shipped);
    return readWorkloadFile(shorter.length < shipped.length ? shorter : shipped);
  }
  throw new ConfigError(
    `no workload "${spec}": give a built-in name (${Object.keys(WORKLOADS).join(', ')}), a YCSB workload file's path, ` +
    'or a stock file\'s name (workloada … workloadf)',
  );
}

/** A workload for `run`: given in full, or by name or path (warnings are dropped: the CLI reads files itself to show them). */
export function resolveWorkload(workload: string | Workload): Workload {
  return typeof workload === 'string' ? readWorkload(workload).workload : workload;
}
