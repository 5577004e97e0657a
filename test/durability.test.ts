/**
 * Durability as users meet it: a store is written to, dies (or is stopped), restarts from
 * its SSDs, is WRITTEN to again, dies again, ... and at the end every acknowledged write
 * reads back (a write in flight at a crash may or may not have happened). The scenarios are
 * in bench/durability.ts: three write phases each, each ending in a crash at a seeded kill
 * point — normal writes, batched flushes, collection of either log (the logs are small, so
 * collection runs through most of a phase), a restarted store's first writes — or in a
 * clean stop; then a final restart reads every key.
 *
 * The simulator carries the bulk: its points are exact and replay by seed. The live engine
 * kills real DPU-core threads at a few dozen points; each costs about a second of threads
 * starting and stopping, so more of them belong in `node dist/bench/durability.js --engine
 * live`, not in `npm test` (the recovery code they exercise is the same).
 */
import { describe, expect, it } from 'vitest';
import { type DurabilityScenario, describeTally, durabilityScenarios, newTally, runScenario } from '../bench/durability.js';

const SIM_SCENARIOS = durabilityScenarios('sim', 370, 0);
const LIVE_SCENARIOS = durabilityScenarios('live', 12, 0);
const planned = (scenarios: readonly DurabilityScenario[]) => scenarios.reduce((sum, scenario) => sum + scenario.phases.filter((phase) => phase.crashAfterCoreWrites !== null).length, 0);

describe('restart, then write: issue 10\'s recipe', () => {
  it('30,000 updates, a clean stop, a restart and 30,000 more lose nothing (the restarted heads were inside the newest append)', async () => {
    // Before the fix: "the chain the index holds for bucket N names another bucket", or old values read back.
    const config = { records: 2000, ssds: 1, dpuCores: 1, clients: 32, valueLogOverProvision: 1, bucketLogOverProvision: 1, setBatch: 1 };
    const stop = (seed: number) => ({ seed, crashAfterCoreWrites: null, tearWrites: false, updateOnly: true, operations: 30_000 });
    const tally = newTally();
    await runScenario({ name: 'issue 10 recipe', engine: 'sim', config, batched: false, valueBytes: 64, phases: [stop(5), stop(6)] }, tally);
    expect(tally.failures.slice(0, 5)).toEqual([]);
    expect(tally.keysChecked).toBe(2000);
  });
});

describe('durability: crash → restart → write → crash or stop → restart → read', () => {
  it(`simulator: ${planned(SIM_SCENARIOS)} seeded kill points in ${SIM_SCENARIOS.length} scenarios lose no acknowledged write`, async () => {
    const tally = newTally();
    for (const scenario of SIM_SCENARIOS) await runScenario(scenario, tally);
    console.log(`durability (sim): ${describeTally(tally)}`);
    expect(tally.failures.slice(0, 5)).toEqual([]);
    expect(tally.killPoints).toBe(planned(SIM_SCENARIOS));
    expect(tally.killPoints).toBeGreaterThanOrEqual(1000);
    // The points cover what they claim to.
    expect(tally.duringBucketCollection).toBeGreaterThan(20);
    expect(tally.duringValueCollection).toBeGreaterThan(20);
    expect(tally.inBatchedRuns).toBeGreaterThan(250);
    expect(tally.inFirstWritesAfterRestart).toBeGreaterThan(100);
    expect(tally.afterAnotherCrash).toBeGreaterThan(500);
    expect(tally.tornChainsSeen).toBeGreaterThan(0);
  }, 900_000);

  it(`live engine: ${planned(LIVE_SCENARIOS)} kill points of DPU-core threads in ${LIVE_SCENARIOS.length} scenarios lose no acknowledged write`, async () => {
    const tally = newTally();
    for (const scenario of LIVE_SCENARIOS) await runScenario(scenario, tally);
    console.log(`durability (live): ${describeTally(tally)}`);
    expect(tally.failures.slice(0, 5)).toEqual([]);
    // Threads race: a kill point past the writes a phase got to make is a clean stop instead.
    expect(tally.killPoints).toBeGreaterThanOrEqual(planned(LIVE_SCENARIOS) * 0.8);
    expect(tally.afterAnotherCrash).toBeGreaterThan(5);
  }, 900_000);
});
