/**
 * The DPU restarts under load, on the simulator: its DRAM (cache, index, write batches, RPC
 * rings) is wiped, the operations under way are cut (recorded with no return: possibly
 * effective), the store's recovery rebuilds the index from the SSDs, and the clients go on.
 * Linearizability of the whole history, across every restart, is what shows that every
 * acknowledged write stayed readable: a read after a restart that missed one fails it.
 *
 * These runs write to the store after each restart, so they need a recovery that survives
 * later writes (issue 10, part 1; src/store/recovery.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/check/history.js';
import { loadedValues } from '../src/check/initial.js';
import type { ClusterConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { run } from '../src/engine/run.js';
import { parseFaults } from '../src/engine/sim/faults.js';
import { OPERATION_READ } from '../src/layout/operations.js';

const CONFIG: Partial<ClusterConfig> = { records: 1000, cacheSlots: 256, clients: 32 };

function restartedRun(system: string, faults: string, seed: number, operations: number) {
  return run({ system, engine: 'sim', config: { ...CONFIG, seed }, workload: 'A', operations, recordHistory: true, faults: parseFaults(faults) });
}

describe('DPU restarts', () => {
  it.each([
    ['scalio', 'dpu-restart:every=25ms+client-death:rate=0.001', 120_000],
    ['leed', 'dpu-restart:every=25ms', 60_000],
  ])('%s: every acknowledged write survives restarts (%s), and the history stays linearizable', async (system, faults, operations) => {
    const report = await restartedRun(system, faults, 7, operations);
    const history = report.history as Float64Array;
    const result = checkHistory(history, { initialValue: loadedValues(report.config), timeLimitMs: 60_000 });
    let cutWrites = 0;
    let readsAfterFirstRestart = 0;
    const firstRestartNs = 25e6;
    for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
      if (history[at + 5] < 0 && history[at + 1] !== OPERATION_READ) cutWrites++;
      if (history[at + 1] === OPERATION_READ && history[at + 4] > firstRestartNs) readsAfterFirstRestart++;
    }
    console.log(`[dpu-restart] ${system}: ${report.faults?.dpuRestarts} restarts (recovery ${report.faults?.recoveryWallMs.toFixed(0)} ms of wall clock), ` +
      `${report.faults?.operationsCut} operations cut (${cutWrites} writes possibly effective), ${report.operations} completed; ` +
      `${result.checkedOperations} operations checked: ${result.verdict}`);
    expect(result.verdict).toBe('pass');
    expect(report.faults?.dpuRestarts).toBeGreaterThanOrEqual(10);
    expect(report.faults?.operationsCut).toBeGreaterThan(0);
    expect(cutWrites).toBeGreaterThan(0);
    expect(readsAfterFirstRestart).toBeGreaterThan(operations / 4);
    expect(report.operations + (report.faults?.operationsCut ?? 0)).toBe(operations);
  }, 120_000);

  it('replays bit for bit from the seed', async () => {
    const faults = 'dpu-restart:every=20ms,down=3ms+client-death:rate=0.002';
    const [first, second] = [await restartedRun('scalio', faults, 4, 40_000), await restartedRun('scalio', faults, 4, 40_000)];
    expect(first.faults?.dpuRestarts).toBeGreaterThan(5);
    expect({ ...second.faults, recoveryWallMs: 0 }).toEqual({ ...first.faults, recoveryWallMs: 0 });
    expect(second.history).toEqual(first.history);
    expect(Array.from(second.counters.values)).toEqual(Array.from(first.counters.values));
  }, 60_000);

  it('refuses a restart shorter than Scalio\'s clients need to see the cache epoch go stale', async () => {
    await expect(restartedRun('scalio', 'dpu-restart:every=20ms,down=1ms', 1, 100)).rejects.toThrow(ConfigError);
  });
});
