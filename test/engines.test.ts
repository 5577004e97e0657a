import { describe, expect, it } from 'vitest';
import { ENGINES, run } from '../src/engine/run.js';
import { Counter, DeviceCounter } from '../src/hw/counters.js';
import { InputError } from '../src/errors.js';
import type { ScriptedResult } from '../src/engine/driver.js';

const text = (value: ScriptedResult) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : value);

describe.each(ENGINES)('the %s engine', (engine) => {
  it('returns the value a single client just SET, and null for a key never written', async () => {
    const report = await run({
      system: 'scalio',
      engine,
      config: { records: 1000 },
      script: [[
        { kind: 'set', key: 'hello', value: 'world' },
        { kind: 'get', key: 'hello' },
        { kind: 'get', key: 'absent' },
        { kind: 'set', key: 'hello', value: 'again, longer value' },
        { kind: 'get', key: 'hello' },
        { kind: 'get', key: 'hello' },
      ]],
    });
    expect(report.scriptResults?.[0].map(text)).toEqual([null, 'world', null, null, 'again, longer value', 'again, longer value']);
  });

  it('refuses a key longer than the limit with a message stating it, before writing anything', async () => {
    await expect(run({ system: 'scalio', engine, config: { records: 100 }, script: [[{ kind: 'set', key: 'k'.repeat(17), value: 'v' }]] }))
      .rejects.toThrowError(/the key is 17 bytes; the limit is 16 bytes \(keyBytesMax\)\. Nothing was written/);
  });

  it('refuses a value longer than the limit with a message stating it', async () => {
    await expect(run({ system: 'scalio', engine, config: { records: 100 }, script: [[{ kind: 'set', key: 'k', value: 'v'.repeat(65) }]] }))
      .rejects.toThrow(InputError);
    await expect(run({ system: 'scalio', engine, config: { records: 100, valueBytesMax: 128 }, script: [[{ kind: 'set', key: 'k', value: 'v'.repeat(129) }]] }))
      .rejects.toThrowError(/the limit is 128 bytes \(valueBytesMax\)/);
  });

  it('reads YCSB\'s loaded values: a GET of a loaded record finds it', async () => {
    const report = await run({ system: 'scalio', engine, config: { records: 2000, clients: 8 }, workload: 'C', operations: 2000 });
    expect(report.operations).toBe(2000);
    expect(report.stats.notFound).toBe(0);
  });
});

describe('LEED\'s I/O counts per operation (chain length 1)', () => {
  it('SET: a value write, a bucket read and a bucket write; GET miss: two offloaded reads', async () => {
    // The key is new: its bucket may be empty (no read) or hold loaded records (one read).
    const report = await run({
      system: 'scalio',
      engine: 'sim',
      config: { records: 1000 },
      script: [[{ kind: 'set', key: 'counted', value: 'v' }, { kind: 'set', key: 'counted', value: 'w' }, { kind: 'get', key: 'counted' }]],
    });
    const counters = report.counters;
    expect(counters.get(Counter.nvmeWritesByCore)).toBe(4);
    expect(counters.get(Counter.nvmeReadsByCore)).toBeGreaterThanOrEqual(1);
    expect(counters.get(Counter.nvmeReadsByCore)).toBeLessThanOrEqual(2);
    expect(counters.get(Counter.nvmeReadsOffloaded)).toBe(2);
    expect(counters.get(Counter.rpcs)).toBe(2);
    expect(counters.get(Counter.cacheMisses)).toBe(1);
    expect(counters.totalDevice(DeviceCounter.blocksWritten)).toBe(4);
  });

  it('a second GET of the same key hits the cache: no SSD read, no RPC', async () => {
    const report = await run({
      system: 'scalio',
      engine: 'sim',
      config: { records: 1000 },
      script: [[{ kind: 'set', key: 'x', value: 'v' }, { kind: 'get', key: 'x' }, { kind: 'get', key: 'x' }, { kind: 'get', key: 'x' }]],
    });
    expect(report.counters.get(Counter.cacheMisses)).toBe(1);
    expect(report.counters.get(Counter.cacheHits)).toBe(2);
    expect(report.counters.get(Counter.nvmeReadsOffloaded)).toBe(2);
    expect(report.counters.get(Counter.rpcs)).toBe(1);
  });
});
