/**
 * Faults the simulator injects, beyond the paper: clients that die or stall mid-operation,
 * and a DPU that restarts (src/engine/sim/engine.ts applies them).
 *
 * A fault schedule is written as faults joined by `+`, each `kind:param=value,...`:
 *
 *   client-death:rate=0.0005,restart=1ms   before each verb it issues, a client dies with
 *                                          probability `rate`; its operation is cut (in the
 *                                          history: no return, possibly effective) and the
 *                                          client comes back `restart` later (a new process
 *                                          with the same id) with its next operation
 *   client-stall:rate=0.0001,for=20ms      before a verb, a client stalls for `for` (a
 *                                          paused process; its late verbs then land)
 *   dpu-restart:every=50ms,down=5ms        every `every` of virtual time the DPU restarts:
 *                                          its DRAM (cache, index, batches, RPC rings) is
 *                                          lost, operations under way are cut, the store's
 *                                          recovery rebuilds the index from the SSDs, and
 *                                          clients retry `down` later
 *
 * Durations take a unit: ns, us, ms or s. Numbers are plain decimals. Every draw comes from
 * a stream seeded by the run's seed (apart from the clients' WebAssembly streams, which
 * faults leave untouched), so a run with faults replays bit for bit.
 */
import { ConfigError, InputError } from '../../errors.js';
import type { CacheAudit, SystemDefinition } from '../../systems/system.js';

export interface FaultSchedule {
  readonly clientDeath?: { readonly rate: number; readonly restartNs: number };
  readonly clientStall?: { readonly rate: number; readonly durationNs: number };
  readonly dpuRestart?: { readonly everyNs: number; readonly downNs: number };
}

/** What the faults did in a run. */
export interface FaultReport {
  readonly clientDeaths: number;
  readonly clientStalls: number;
  readonly dpuRestarts: number;
  /** Operations cut by a fault (recorded in a history with no return). */
  readonly operationsCut: number;
  /** Wall-clock milliseconds the store's recovery took, over all restarts. */
  readonly recoveryWallMs: number;
  /**
   * The cache's reservations (systems with a slot cache, else null), audited every epoch
   * while faults are on and at the end: slots pending at the end, the longest any one
   * reservation was seen pending, and the bound it must stay under.
   */
  readonly cacheAudit: CacheAudit | null;
}

const FLAG = '--faults';
const DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const DURATION = /^((?:0|[1-9][0-9]*)(?:\.[0-9]+)?)(ns|us|ms|s)$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

export const FAULT_SYNTAX = 'client-death:rate=R[,restart=T] + client-stall:rate=R[,for=T] + dpu-restart:every=T[,down=T] (R a probability per verb, T a duration like 2ms)';

function refuse(message: string): never {
  throw new InputError(`${FLAG}: ${message}; the syntax is ${FAULT_SYNTAX}`);
}

function probability(kind: string, text: string): number {
  if (!DECIMAL.test(text)) refuse(`${kind} rate "${text}" is not a decimal number`);
  const rate = Number(text);
  if (!(rate > 0 && rate <= 1)) refuse(`${kind} rate ${text} must be above 0 and at most 1`);
  return rate;
}

function duration(kind: string, name: string, text: string, minimumNs: number): number {
  const match = DURATION.exec(text);
  if (match === null) refuse(`${kind} ${name} "${text}" is not a duration (a decimal number with ns, us, ms or s)`);
  const ns = Number(match[1]) * UNIT_NS[match[2]];
  if (!(ns >= minimumNs) || !Number.isFinite(ns)) refuse(`${kind} ${name} ${text} must be at least ${minimumNs} ns`);
  return ns;
}

/** Parses a fault schedule (see the file comment); refuses anything else with an InputError. */
export function parseFaults(text: string): FaultSchedule {
  if (text.length === 0) refuse('the schedule is empty');
  const schedule: { clientDeath?: FaultSchedule['clientDeath']; clientStall?: FaultSchedule['clientStall']; dpuRestart?: FaultSchedule['dpuRestart'] } = {};
  for (const part of text.split('+')) {
    const colon = part.indexOf(':');
    const kind = colon < 0 ? part : part.slice(0, colon);
    const params = new Map<string, string>();
    if (colon >= 0) {
      for (const pair of part.slice(colon + 1).split(',')) {
        const equals = pair.indexOf('=');
        if (equals <= 0) refuse(`"${pair}" in ${kind} is not name=value`);
        const name = pair.slice(0, equals);
        if (params.has(name)) refuse(`${kind} gives ${name} twice`);
        params.set(name, pair.slice(equals + 1));
      }
    }
    const allow = (names: string[], required: string[]) => {
      for (const name of params.keys()) if (!names.includes(name)) refuse(`${kind} takes ${names.join(', ')}, not "${name}"`);
      for (const name of required) if (!params.has(name)) refuse(`${kind} needs ${name}=`);
    };
    const once = (present: unknown) => {
      if (present !== undefined) refuse(`${kind} is given twice`);
    };
    switch (kind) {
      case 'client-death':
        once(schedule.clientDeath);
        allow(['rate', 'restart'], ['rate']);
        schedule.clientDeath = {
          rate: probability(kind, params.get('rate') as string),
          restartNs: duration(kind, 'restart', params.get('restart') ?? '1ms', 0),
        };
        break;
      case 'client-stall':
        once(schedule.clientStall);
        allow(['rate', 'for'], ['rate']);
        schedule.clientStall = {
          rate: probability(kind, params.get('rate') as string),
          durationNs: duration(kind, 'for', params.get('for') ?? '20ms', 1),
        };
        break;
      case 'dpu-restart':
        once(schedule.dpuRestart);
        allow(['every', 'down'], ['every']);
        schedule.dpuRestart = {
          everyNs: duration(kind, 'every', params.get('every') as string, 1000),
          downNs: duration(kind, 'down', params.get('down') ?? '5ms', 0),
        };
        break;
      default:
        refuse(`unknown fault "${kind}"`);
    }
  }
  return schedule;
}

/** Refuses a schedule the system cannot take: a DPU restart shorter than the system needs. */
export function checkFaultsFor(schedule: FaultSchedule, system: SystemDefinition): void {
  const minimumNs = system.restartMinimumNs ?? 0;
  if (schedule.dpuRestart !== undefined && schedule.dpuRestart.downNs < minimumNs) {
    throw new ConfigError(
      `--faults: dpu-restart down=${schedule.dpuRestart.downNs / 1e6}ms is too short for ${system.name}, whose DPU takes at least ` +
      `${minimumNs / 1e6}ms to restart (its clients must see their copy of the cache epoch go stale first)`,
    );
  }
}

/** A fault schedule as `parseFaults` reads it back. */
export function formatFaults(schedule: FaultSchedule): string {
  const time = (ns: number) => (ns % 1e6 === 0 ? `${ns / 1e6}ms` : ns % 1e3 === 0 ? `${ns / 1e3}us` : `${ns}ns`);
  const parts: string[] = [];
  if (schedule.clientDeath !== undefined) parts.push(`client-death:rate=${schedule.clientDeath.rate},restart=${time(schedule.clientDeath.restartNs)}`);
  if (schedule.clientStall !== undefined) parts.push(`client-stall:rate=${schedule.clientStall.rate},for=${time(schedule.clientStall.durationNs)}`);
  if (schedule.dpuRestart !== undefined) parts.push(`dpu-restart:every=${time(schedule.dpuRestart.everyNs)},down=${time(schedule.dpuRestart.downNs)}`);
  return parts.join('+');
}

/** Whether a schedule injects anything. */
export function hasFaults(schedule: FaultSchedule | undefined): schedule is FaultSchedule {
  return schedule !== undefined && (schedule.clientDeath !== undefined || schedule.clientStall !== undefined || schedule.dpuRestart !== undefined);
}

/**
 * The faults' own random stream (SplitMix32 over the run's seed), kept apart from the
 * clients' so that turning faults on changes no workload draw before the first fault.
 */
export class FaultRandom {
  private state: number;

  constructor(seed: number) {
    const low = seed % 4294967296 | 0;
    const high = Math.floor(seed / 4294967296) | 0;
    this.state = (Math.imul(low, 0x9e3779b9) ^ Math.imul(high ^ 0x5f3759df, 0x85ebca6b)) | 0;
  }

  /** A uniform draw in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
}
