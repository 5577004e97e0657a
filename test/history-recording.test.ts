import { describe, expect, it } from 'vitest';
import { checkHistory, indexByKey } from '../src/check/history.js';
import { loadedValues } from '../src/check/initial.js';
import { HISTORY_FIELDS, tickAfter } from '../src/engine/driver.js';
import { type EngineName, run } from '../src/engine/run.js';
import { OPERATION_READ, OPERATION_UPDATE } from '../src/layout/operations.js';

/** Each client's rows, in call order. */
function rowsByClient(history: Float64Array): Map<number, number[]> {
  const byClient = new Map<number, number[]>();
  for (let row = 0; row < history.length / HISTORY_FIELDS; row++) {
    const client = history[row * HISTORY_FIELDS];
    if (!byClient.has(client)) byClient.set(client, []);
    byClient.get(client)?.push(row);
  }
  for (const rows of byClient.values()) rows.sort((a, b) => history[a * HISTORY_FIELDS + 4] - history[b * HISTORY_FIELDS + 4]);
  return byClient;
}

describe('a recorded history', () => {
  it.each(['sim', 'live'] as EngineName[])('on %s: a client calls each operation after its previous one returned, a read-modify-write\'s write after its read', async (engine) => {
    const report = await run({ system: 'scalio', engine, config: { records: 1000, cacheSlots: 256, seed: 3 }, workload: 'F', operations: 4000, recordHistory: true });
    const history = report.history as Float64Array;
    let readModifyWrites = 0;
    for (const rows of rowsByClient(history).values()) {
      for (let index = 1; index < rows.length; index++) {
        const previous = rows[index - 1] * HISTORY_FIELDS;
        const current = rows[index] * HISTORY_FIELDS;
        expect(history[current + 4]).toBeGreaterThan(history[previous + 5]);
        const sameKey = history[current + 2] === history[previous + 2];
        if (sameKey && history[previous + 1] === OPERATION_READ && history[current + 1] === OPERATION_UPDATE) readModifyWrites++;
      }
    }
    expect(readModifyWrites).toBeGreaterThan(500);
  });

  it('finds the violations of naive-cache-first on YCSB F that recording the write at its read\'s return tick hid', async () => {
    // `scalio check --system naive-cache-first --workload F --seed 1`: 35 failing keys as
    // recorded before (the write's call at the read's return), 36 now.
    const report = await run({ system: 'naive-cache-first', engine: 'sim', config: { records: 1000, cacheSlots: 256, seed: 1 }, workload: 'F', operations: 100_000, recordHistory: true });
    const history = report.history as Float64Array;
    const initialValue = loadedValues(report.config);
    // The same history as it was recorded before: each read-modify-write's write called at
    // the very tick its read returned (on the simulator, the write now starts one double later).
    const asBefore = history.slice();
    let moved = 0;
    for (const rows of rowsByClient(history).values()) {
      for (let index = 1; index < rows.length; index++) {
        const previous = rows[index - 1] * HISTORY_FIELDS;
        const current = rows[index] * HISTORY_FIELDS;
        if (history[current + 4] === tickAfter(history[previous + 5], history[previous + 5])) {
          asBefore[current + 4] = history[previous + 5];
          moved++;
        }
      }
    }
    expect(moved).toBeGreaterThan(10_000);
    const now = checkHistory(history, { initialValue, timeLimitMs: 60_000 });
    const before = checkHistory(asBefore, { initialValue, timeLimitMs: 60_000 });
    expect(before.verdict).toBe('fail');
    expect(now.failingKeys).toBeGreaterThan(before.failingKeys);
    expect(before.failingKeyIds.every((key) => now.failingKeyIds.includes(key))).toBe(true);
  });

  it('numbers a script\'s keys once for all client threads (8 clients on 24 private keys are 24 keys)', async () => {
    const script = Array.from({ length: 8 }, (_, client) => Array.from({ length: 3 }, (_, index) => [
      { kind: 'set' as const, key: `c${client}k${index}`, value: `v${client}.${index}` },
      { kind: 'get' as const, key: `c${client}k${index}` },
    ]).flat());
    const report = await run({ system: 'scalio', engine: 'live', config: { records: 100, clients: 8 }, script, clientThreads: 2, recordHistory: true });
    const history = report.history as Float64Array;
    expect(indexByKey(history).keys.length).toBe(24);
    // Each key is one client's: every operation on a key id comes from one client.
    const clientOfKey = new Map<number, number>();
    for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
      const owner = clientOfKey.get(history[at + 2]) ?? history[at];
      expect(history[at]).toBe(owner);
      clientOfKey.set(history[at + 2], owner);
    }
  });
});
