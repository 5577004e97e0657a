import { describe, expect, it } from 'vitest';
import { run } from '../src/engine/run.js';

async function simulate(seed: number) {
  return run({ system: 'scalio', engine: 'sim', config: { records: 5000, clients: 32, seed }, workload: 'A', operations: 20_000, recordHistory: true });
}

describe('the simulator is a function of its seed', () => {
  it('replays the same run bit for bit for the same seed', async () => {
    const first = await simulate(21);
    const second = await simulate(21);
    expect(Array.from(second.counters.values)).toEqual(Array.from(first.counters.values));
    expect(second.durationNs).toBe(first.durationNs);
    expect(second.history).toEqual(first.history);
    expect(second.stats.toJSON()).toEqual(first.stats.toJSON());
  });

  it('gives a different run for a different seed', async () => {
    const first = await simulate(21);
    const other = await simulate(22);
    expect(other.history).not.toEqual(first.history);
    expect(other.durationNs).not.toBe(first.durationNs);
  });
});
