/**
 * Many clients hammering a few keys: every value a GET returns must be a value that was
 * loaded for that key or written to it by some SET. (The full linearizability check comes
 * with the checker; this is the property that holds regardless of timing.)
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../src/engine/cluster.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { type EngineName, run } from '../src/engine/run.js';
import { OPERATION_READ, OPERATION_UPDATE } from '../src/layout/operations.js';
import { writeInitialValue } from '../src/ycsb/records.js';
import { configureRecordKernels } from '../src/ycsb/workloads.js';
import { instantiateKernels } from '../src/hw/kernels.js';

const RECORDS = 8;
const SEED = 11;

function loadedValueIds(): number[] {
  const { spec } = buildCluster({ records: RECORDS, seed: SEED }, 'scalio');
  const kernels = instantiateKernels(spec.memory, spec.module);
  configureRecordKernels(kernels, spec.layout.config);
  const scratch = spec.layout.plan.regions.clientArenas.base;
  return Array.from({ length: RECORDS }, (_, record) => {
    const length = writeInitialValue(kernels, scratch, scratch + 64, SEED, record);
    return kernels.valueIdOf(scratch + 64, length);
  });
}

async function checkHotKeys(engine: EngineName, operations: number): Promise<{ reads: number; writes: number }> {
  const report = await run({
    system: 'scalio',
    engine,
    config: { records: RECORDS, clients: 160, seed: SEED },
    workload: 'A',
    operations,
    recordHistory: true,
  });
  const history = report.history;
  if (history === null) throw new Error('no history recorded');
  const allowed = loadedValueIds().map((id) => new Set([id]));
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    if (history[at + 1] === OPERATION_UPDATE) allowed[history[at + 2]].add(history[at + 3]);
  }
  let reads = 0;
  let writes = 0;
  const strangers: string[] = [];
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    if (history[at + 1] === OPERATION_READ) {
      reads++;
      if (!allowed[history[at + 2]].has(history[at + 3])) strangers.push(`client ${history[at]} read value ${history[at + 3]} of key ${history[at + 2]}`);
    } else {
      writes++;
    }
  }
  expect(strangers.slice(0, 5)).toEqual([]);
  return { reads, writes };
}

describe('160 clients over 8 hot keys never read a value nobody wrote', () => {
  it('on the live engine (real threads, real atomics)', async () => {
    const { reads, writes } = await checkHotKeys('live', 60_000);
    expect(reads + writes).toBe(60_000);
    expect(writes).toBeGreaterThan(25_000);
  });

  it('on the simulator', async () => {
    const { reads, writes } = await checkHotKeys('sim', 30_000);
    expect(reads + writes).toBe(30_000);
  });
});
