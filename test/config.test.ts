import { describe, expect, it } from 'vitest';
import { PAPER_CACHE_SLOTS_PER_RECORD, resolveConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { buildCluster } from '../src/engine/cluster.js';
import { run } from '../src/engine/run.js';

describe('configuration', () => {
  it('keeps the paper\'s cache-to-dataset ratio and ~2.4 records per store bucket by default', () => {
    const config = resolveConfig({ records: 1_000_000 });
    expect(config.cacheSlots / config.records).toBeCloseTo(PAPER_CACHE_SLOTS_PER_RECORD, 3);
    expect(config.cacheSlots % config.slotsPerBucket).toBe(0);
    expect(config.records / 2 ** config.bucketIdBits).toBeGreaterThan(1.2);
    expect(config.records / 2 ** config.bucketIdBits).toBeLessThan(4);
  });

  it.each([
    [{ records: 0 }, /records must be an integer from 1/],
    [{ keyBytesMax: 21 }, /keyBytesMax must be an integer from 1 to 20.*store item holds keys of up to 20 bytes/],
    [{ valueBytesMax: 5000 }, /valueBytesMax must be an integer from 1 to 4096/],
    [{ valueBytes: 100, valueBytesMax: 64 }, /valueBytes must be an integer from 1 to 64.*valueBytesMax/],
    [{ valueBytes: 1000, valueFields: 3 }, /must be a multiple of valueFields/],
    [{ records: 100, loadFirst: 50, loadCount: 60 }, /insertstart \+ insertcount ≤ recordcount/],
    [{ keyZeroPadding: 21 }, /keyZeroPadding must be an integer from 1 to 20/],
    [{ ssds: 0 }, /ssds must be an integer/],
    [{ clients: 1.5 }, /clients must be an integer/],
    [{ bucketIdBits: 8, records: 100_000 }, /per bucket.*raise bucketIdBits/],
    [{ cacheSlots: 2 ** 27 }, /more than WebAssembly's 4 GiB memory/],
    [{ bogus: 1 } as never, /unknown setting "bogus"/],
    [{ seed: -1 }, /seed must be an integer/],
  ])('refuses %j with a message that says what to do', (overrides, message) => {
    expect(() => buildCluster(overrides, 'scalio')).toThrow(ConfigError);
    expect(() => buildCluster(overrides, 'scalio')).toThrowError(message);
  });

  it('refuses unknown systems, engines and workloads by listing the known ones', async () => {
    expect(() => buildCluster({}, 'memcached')).toThrowError(/unknown system "memcached"; known systems: scalio/);
    await expect(run({ system: 'scalio', engine: 'sim', workload: 'Z', operations: 10 })).rejects.toThrowError(/no workload "Z": give a built-in name \(A, B, C, D, F\)/);
    await expect(run({ system: 'scalio', engine: 'sim', workload: 'E', operations: 10 })).rejects.toThrowError(/workload E cannot run: scans .* hash table/);
    await expect(run({ system: 'scalio', engine: 'sim', workload: 'C', operations: 0 })).rejects.toThrowError(/operations must be a positive integer/);
    await expect(run({ system: 'scalio', engine: 'gpu' as never, config: { records: 10 }, workload: 'C', operations: 10 }))
      .rejects.toThrowError(/unknown engine "gpu"/);
  });
});
