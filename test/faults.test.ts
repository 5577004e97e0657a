/**
 * Faults beyond the paper, on the simulator: clients that die or stall while they hold a
 * cache slot (Scalio's leases, src/systems/scalio/lease.ts). Every run's history is checked
 * linearizable, with the operations a fault cut off counted as possibly effective; every
 * run ends with no cache slot pending past its lease (the engine's end-of-run check).
 * DPU restarts: test/dpu-restart.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/check/history.js';
import { loadedValues } from '../src/check/initial.js';
import type { ClusterConfig } from '../src/config.js';
import { InputError } from '../src/errors.js';
import { buildCluster } from '../src/engine/cluster.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { configureSource, operationsOfClient, run } from '../src/engine/run.js';
import { SimEngine } from '../src/engine/sim/engine.js';
import { type FaultSchedule, formatFaults, parseFaults } from '../src/engine/sim/faults.js';
import { Counter } from '../src/hw/counters.js';
import { resolveProfile } from '../src/hw/profile.js';
import { CACHE_EPOCH_NS, LEASE_EPOCHS, SWEEP_SLOTS_PER_EPOCH } from '../src/systems/scalio/lease.js';
import { planWorkload, recordSettings, WORKLOADS } from '../src/ycsb/workloads.js';

/** Hot keys over a cache a bit smaller than the data: many fills, some by readers that die. */
const CONFIG: Partial<ClusterConfig> = { records: 20_000, cacheSlots: 16_384, clients: 32 };

function checked(report: { history: Float64Array | null; config: Parameters<typeof loadedValues>[0] }) {
  return checkHistory(report.history as Float64Array, { initialValue: loadedValues(report.config), timeLimitMs: 60_000 });
}

/** Operations in a history recorded with no return (cut off by a fault). */
function cutOperations(history: Float64Array): number {
  let cut = 0;
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) if (history[at + 5] < 0) cut++;
  return cut;
}

describe('the --faults schedule', () => {
  it('reads every fault kind with its parameters and units, and writes it back', () => {
    const schedule = parseFaults('client-death:rate=0.001,restart=500us+client-stall:rate=0.0002,for=20ms+dpu-restart:every=50ms,down=4ms');
    expect(schedule).toEqual({
      clientDeath: { rate: 0.001, restartNs: 500_000 },
      clientStall: { rate: 0.0002, durationNs: 20_000_000 },
      dpuRestart: { everyNs: 50_000_000, downNs: 4_000_000 },
    });
    expect(parseFaults(formatFaults(schedule))).toEqual(schedule);
    expect(parseFaults('client-death:rate=1')).toEqual({ clientDeath: { rate: 1, restartNs: 1_000_000 } });
  });

  it.each([
    ['', 'empty'],
    ['client-death', 'needs rate='],
    ['client-death:rate=1e-3', 'not a decimal'],
    ['client-death:rate=0', 'above 0'],
    ['client-death:rate=0.1,rate=0.2', 'twice'],
    ['client-death:rate=0.1+client-death:rate=0.2', 'given twice'],
    ['client-death:rate=0.1,every=2ms', 'takes rate, restart'],
    ['client-stall:rate=0.1,for=20', 'not a duration'],
    ['dpu-restart:every= 5ms', 'not a duration'],
    ['dpu-restart:every=0x10ms', 'not a duration'],
    ['disk-fire:rate=0.1', 'unknown fault'],
  ])('refuses %j with one line naming --faults (%s)', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(InputError);
    expect(() => parseFaults(spec)).toThrow(message);
    expect(() => parseFaults(spec)).toThrow(/^--faults: /);
  });

  it('is refused on the live engine and with a script: only the simulator replays faults', async () => {
    const faults = parseFaults('client-death:rate=0.01');
    await expect(run({ system: 'scalio', engine: 'live', workload: 'A', operations: 100, faults })).rejects.toThrow('simulator only');
    await expect(run({ system: 'scalio', engine: 'sim', script: [[{ kind: 'get', key: 'a' }]], faults })).rejects.toThrow('YCSB workload');
  });
});

describe('clients that die or stall while filling a cache slot', () => {
  it('stay linearizable; expired reservations are taken by readers and by the sweep; late fills never publish', async () => {
    const report = await run({
      system: 'scalio', engine: 'sim', config: { ...CONFIG, seed: 3 }, workload: 'A', operations: 150_000, recordHistory: true,
      faults: parseFaults('client-death:rate=0.002+client-stall:rate=0.0005,for=20ms'),
    });
    const faults = report.faults;
    const count = (name: keyof typeof Counter) => report.counters.values[Counter[name]];
    const result = checked(report);
    console.log(`[faults] client deaths and stalls: ${report.operations} operations completed, ${faults?.operationsCut} cut; ` +
      `${faults?.clientDeaths} deaths, ${faults?.clientStalls} stalls; reservations taken by readers ${count('slotsReclaimed')}, ` +
      `by the sweep ${count('slotsSwept')}; late fills refused ${count('reservationsLost')}; torn slots scrubbed ${count('slotsScrubbed')}; ` +
      `epoch reads ${count('epochReads')} for ${count('cacheMisses')} misses; longest a reservation stayed pending ` +
      `${((faults?.cacheAudit?.longestPendingNs ?? 0) / 1e6).toFixed(1)} ms (bound ${(faults?.cacheAudit?.boundNs ?? 0) / 1e6} ms); checked ${result.checkedOperations} operations: ${result.verdict}`);
    expect(result.verdict).toBe('pass');
    expect(faults?.clientDeaths).toBeGreaterThan(100);
    expect(faults?.clientStalls).toBeGreaterThan(10);
    expect(cutOperations(report.history as Float64Array)).toBe(faults?.operationsCut);
    // Both ways of taking an expired reservation happened, and late owners found theirs gone.
    expect(count('slotsReclaimed')).toBeGreaterThan(0);
    expect(count('slotsSwept')).toBeGreaterThan(0);
    expect(count('reservationsLost')).toBeGreaterThan(0);
    // The audits ran every epoch and at the end: no reservation pending past the bound (the
    // engine throws otherwise), and dead readers' reservations did live out their lease.
    const audit = faults?.cacheAudit;
    expect(audit?.boundNs).toBe((LEASE_EPOCHS + 2 + CONFIG.cacheSlots! / SWEEP_SLOTS_PER_EPOCH) * CACHE_EPOCH_NS);
    expect(audit?.longestPendingNs).toBeGreaterThanOrEqual((LEASE_EPOCHS - 3) * CACHE_EPOCH_NS);
    expect(audit?.longestPendingNs).toBeLessThanOrEqual(audit?.boundNs as number);
  }, 120_000);

  it('replay bit for bit from the seed, faults included', async () => {
    const once = () => run({
      system: 'scalio', engine: 'sim', config: { ...CONFIG, seed: 11 }, workload: 'A', operations: 30_000, recordHistory: true,
      faults: parseFaults('client-death:rate=0.003+client-stall:rate=0.001,for=15ms'),
    });
    const [first, second] = [await once(), await once()];
    expect(first.faults?.clientDeaths).toBeGreaterThan(0);
    expect(second.faults).toEqual(first.faults);
    expect(second.history).toEqual(first.history);
    expect(Array.from(second.counters.values)).toEqual(Array.from(first.counters.values));
    expect(second.durationNs).toBe(first.durationNs);
  }, 60_000);
});

/**
 * The lease matters: a first phase with many client deaths, then a second phase on the same
 * cluster with no faults. With leases, the dead readers' slots are taken back within a
 * lease and the second phase falls back to the DPU core as often as a run that never had a
 * fault; without (`scalio-no-lease`, the paper's protocol) the slots stay FILLING and the
 * keys' readers keep falling back.
 */
describe('leases on reservations', () => {
  const FAULTY_OPERATIONS = 60_000;
  const AFTER_OPERATIONS = 90_000;
  const SMALL: Partial<ClusterConfig> = { records: 1000, cacheSlots: 256, clients: 32, seed: 5 };

  function twoPhases(system: string, faults: FaultSchedule | undefined) {
    const workload = WORKLOADS.A;
    const cluster = buildCluster({ ...recordSettings(workload), ...SMALL }, system);
    const config = cluster.spec.layout.config;
    const plan = planWorkload(workload, config, FAULTY_OPERATIONS + AFTER_OPERATIONS);
    const shared = cluster.spec.layout.plan.regions.ycsb.base;
    const phase = (operations: number, startTimeNs: number, continueRandomStreams: boolean, phaseFaults?: FaultSchedule) => new SimEngine(cluster.spec, {
      profile: resolveProfile(undefined),
      source: (node) => configureSource(node.kernels, plan, undefined, shared),
      operationsPerClient: (client) => operationsOfClient(operations, config.clients, client),
      recordHistory: true,
      startTimeNs,
      continueRandomStreams,
      faults: phaseFaults,
    }).run();
    const first = phase(FAULTY_OPERATIONS, 0, false, faults);
    const after = phase(AFTER_OPERATIONS, first.endTimeNs, true);
    const history = new Float64Array(first.history!.length + after.history!.length);
    history.set(first.history!);
    history.set(after.history!, first.history!.length);
    const verdict = checkHistory(history, { initialValue: loadedValues(config), timeLimitMs: 60_000 }).verdict;
    const values = after.node.counters.values;
    const reads = values[Counter.cacheHits] + values[Counter.cacheMisses] + values[Counter.readFallbacks];
    return {
      verdict,
      first,
      fallbackRate: values[Counter.readFallbacks] / reads,
      pendingAfter: after.node.machines.auditCache?.().pendingSlots ?? Number.NaN,
    };
  }

  it('bring the fallback rate back to normal after the faults; without them slots stay FILLING for good', () => {
    const deaths = parseFaults('client-death:rate=0.003');
    const normal = twoPhases('scalio', undefined);
    const leased = twoPhases('scalio', deaths);
    const unleased = twoPhases('scalio-no-lease', deaths);
    console.log(`[faults] fallback rate in ${AFTER_OPERATIONS} operations after a phase of client deaths: never a fault ` +
      `${(100 * normal.fallbackRate).toFixed(2)}%, leases ${(100 * leased.fallbackRate).toFixed(2)}%, ` +
      `no leases ${(100 * unleased.fallbackRate).toFixed(2)}% (${unleased.pendingAfter} of 256 slots still FILLING, one for ` +
      `${((unleased.first.faults?.cacheAudit?.longestPendingNs ?? 0) / 1e6).toFixed(0)} ms; with leases at most ` +
      `${((leased.first.faults?.cacheAudit?.longestPendingNs ?? 0) / 1e6).toFixed(0)} ms)`);
    for (const outcome of [normal, leased, unleased]) expect(outcome.verdict).toBe('pass');
    expect(leased.first.faults?.clientDeaths).toBeGreaterThan(50);
    expect(unleased.first.faults?.clientDeaths).toBeGreaterThan(50);
    // Leases: back to normal (within noise), nothing left pending past the phase.
    expect(leased.fallbackRate).toBeLessThan(normal.fallbackRate * 1.5 + 0.002);
    expect(leased.pendingAfter).toBe(0);
    // No leases: the dead readers' slots are still FILLING, and their keys' readers fall back.
    expect(unleased.first.faults?.cacheAudit?.pendingSlots).toBeGreaterThan(10);
    expect(unleased.first.faults?.cacheAudit?.longestPendingNs).toBeGreaterThan(100 * CACHE_EPOCH_NS);
    expect(leased.first.faults?.cacheAudit?.longestPendingNs).toBeLessThanOrEqual(leased.first.faults?.cacheAudit?.boundNs as number);
    expect(unleased.pendingAfter).toBeGreaterThan(10);
    expect(unleased.fallbackRate).toBeGreaterThan(5 * leased.fallbackRate + 0.01);
  }, 180_000);
});
