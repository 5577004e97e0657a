/**
 * The flags that choose a YCSB workload, shared by `run`, `compare` and `check`: a built-in
 * name or a workload file, YCSB-style `-p name=value` overrides, and the zipfian rank space.
 * Warnings about the file (unknown properties, ignored features) go to stderr.
 */
import { InputError } from '../errors.js';
import type { Property } from '../ycsb/properties.js';
import { applyProperties, readWorkload } from '../ycsb/workload-file.js';
import { WORKLOADS, type Workload, describeMix } from '../ycsb/workloads.js';
import { oneOf, positiveNumber } from './options.js';

export const WORKLOAD_OPTIONS = {
  workload: { type: 'string', value: 'NAME|FILE', help: `a built-in YCSB workload (${Object.keys(WORKLOADS).join(', ')}) or a YCSB workload file (workloads/workloada …)` },
  property: { type: 'string', short: 'p', value: 'NAME=VALUE', multiple: true, help: 'set a YCSB workload property, as YCSB\'s -p does (repeatable)' },
  theta: { type: 'string', value: 'X', help: 'zipfian constant θ of the workload\'s keys (0: uniform keys; the paper\'s Fig. 15 uses 0.5–1.01); same as -p zipfianconstant=X' },
  'rank-space': { type: 'string', value: 'NAME', help: 'zipfian ranks: java (Java YCSB, files\' default) or records (the artifact\'s, built-ins\' default)' },
} as const;

/** Run-length flags: a count of operations, or a duration, and the warm-up before them. */
export const LENGTH_OPTIONS = {
  duration: { type: 'string', value: 'SECONDS', help: 'stop starting operations after this long (live: wall clock; sim: simulated time)' },
} as const;

/** The workload the flags name, with `-p` overrides applied; warnings are written to stderr. */
export function workloadFromOptions(values: Record<string, unknown>, defaultName: string): Workload {
  const spec = typeof values.workload === 'string' ? values.workload : defaultName;
  const read = readWorkload(spec);
  let workload = read.workload;
  const warnings = [...read.warnings];
  const overrides = [...((values.property as string[] | undefined) ?? [])];
  if (values.theta !== undefined) {
    const theta = Number(values.theta);
    if (!Number.isFinite(theta) || theta < 0 || theta === 1 || theta > 2) {
      throw new InputError(`--theta must be 0 (uniform keys) or a zipfian constant above 0, at most 2 and not 1, got "${String(values.theta)}"`);
    }
    overrides.push(theta === 0 ? 'requestdistribution=uniform' : `zipfianconstant=${theta}`);
  }
  if (overrides.length > 0) {
    const properties = new Map<string, Property>();
    overrides.forEach((text, index) => {
      const equals = text.indexOf('=');
      if (equals <= 0) throw new InputError(`-p ${text}: write a property as NAME=VALUE, for example -p recordcount=100000`);
      properties.set(text.slice(0, equals).trim(), { value: text.slice(equals + 1), line: index + 1 });
    });
    const applied = applyProperties(workload, properties, '-p', workload.name);
    workload = { ...applied.workload, description: describeMix(applied.workload) };
    warnings.push(...applied.warnings);
  }
  const rankSpace = oneOf('rank-space', values['rank-space'], ['java', 'records'] as const);
  if (rankSpace !== undefined) workload = { ...workload, rankSpace, description: describeMix({ ...workload, rankSpace }) };
  for (const warning of warnings) process.stderr.write(`scalio: warning: ${warning}\n`);
  return workload;
}

/** `--duration` in seconds, or undefined. */
export function durationOption(values: Record<string, unknown>): number | undefined {
  return positiveNumber('duration', values.duration);
}
