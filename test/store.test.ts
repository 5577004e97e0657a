/**
 * LEED's data store, complete: I/O counts, chains, large values, deletes, batching, garbage
 * collection at steady state, a full store, and restarts from SSD images.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptedOperation } from '../src/engine/driver.js';
import { ENGINES, run } from '../src/engine/run.js';
import { Counter, DeviceCounter } from '../src/hw/counters.js';
import { DeviceStore } from '../src/store/device.js';
import { loadImages, saveImages } from '../src/store/recovery.js';
import { WORKLOADS, defineWorkload } from '../src/ycsb/workloads.js';
import { allowedFinalValues, loadedValueId, recordKey, resultId } from './store-helpers.js';

const UPDATE_ONLY = defineWorkload({ ...WORKLOADS.A, name: 'update-only', description: '100% updates, zipfian', readProportion: 0, updateProportion: 1 });
const UPDATE_HEAVY = defineWorkload({ ...WORKLOADS.A, name: 'update-heavy', description: '10% reads, 90% updates', readProportion: 0.1, updateProportion: 0.9 });

const get = (key: string | Uint8Array): ScriptedOperation => ({ kind: 'get', key });
const set = (key: string | Uint8Array, value: string | Uint8Array): ScriptedOperation => ({ kind: 'set', key, value });
const remove = (key: string | Uint8Array): ScriptedOperation => ({ kind: 'delete', key });

describe('I/O counts, as LEED\'s (chains of one block)', () => {
  const unbatched = { records: 1000, ssds: 1, dpuCores: 1, setBatch: 1 };

  it('GET miss: 2 offloaded reads (bucket, value)', async () => {
    const report = await run({ system: 'scalio', engine: 'sim', config: unbatched, script: [[get(recordKey(7))]] });
    expect(report.counters.get(Counter.nvmeReadsOffloaded)).toBe(2);
    expect(report.counters.get(Counter.nvmeWritesByCore)).toBe(0);
  });

  it('SET: 3 (value write, bucket read, bucket write); DELETE: 2 (bucket read, bucket write)', async () => {
    const setReport = await run({ system: 'scalio', engine: 'sim', config: unbatched, script: [[set(recordKey(7), 'v')]] });
    expect(setReport.counters.get(Counter.nvmeReadsByCore) + setReport.counters.get(Counter.nvmeWritesByCore)).toBe(3);
    expect(setReport.counters.get(Counter.nvmeWritesByCore)).toBe(2);
    const deleteReport = await run({ system: 'scalio', engine: 'sim', config: unbatched, script: [[remove(recordKey(7))]] });
    expect(deleteReport.counters.get(Counter.nvmeReadsByCore)).toBe(1);
    expect(deleteReport.counters.get(Counter.nvmeWritesByCore)).toBe(1);
    expect(deleteReport.scriptResults?.[0]).toEqual([true]);
  });

  it('a batch of 8 SETs: 1 value write + one read per distinct bucket + 1 bucket write', async () => {
    const clients = Array.from({ length: 8 }, (_, client) => [set(recordKey(client * 31), `value ${client}`)]);
    const report = await run({ system: 'scalio', engine: 'sim', config: { records: 1000, ssds: 1, dpuCores: 1, setBatch: 8 }, script: clients });
    const counters = report.counters;
    expect(counters.get(Counter.batchesFlushed)).toBe(1);
    expect(counters.get(Counter.batchedWrites)).toBe(8);
    expect(counters.get(Counter.nvmeWritesByCore)).toBe(2);
    expect(counters.getDevice(0, DeviceCounter.writes)).toBe(2);
    // 8 loaded keys: their buckets all exist, so one read each, fewer if two share a bucket.
    const reads = counters.get(Counter.nvmeReadsByCore);
    expect(reads).toBeGreaterThanOrEqual(6);
    expect(reads).toBeLessThanOrEqual(8);
    // The 8 values are packed: 8 × (10 + 16 + 7 bytes) fit in one block.
    expect(counters.getDevice(0, DeviceCounter.blocksWritten)).toBe(1 + reads);
  });

  it('a batch that is not full is flushed after 1 ms without a new write', async () => {
    const report = await run({ system: 'scalio', engine: 'sim', config: { records: 1000, ssds: 1, dpuCores: 1 }, script: [[set('lonely', 'v'), get('lonely')]] });
    expect(report.scriptResults?.[0][1]).toEqual(new TextEncoder().encode('v'));
    expect(report.stats.byKind[1].percentile(50)).toBeGreaterThan(1_000_000);
    expect(report.stats.byKind[1].percentile(50)).toBeLessThan(1_500_000);
  });
});

describe.each(ENGINES)('on the %s engine', (engine) => {
  it('values from 1 byte to 4 KB round-trip, batched and not', async () => {
    const sizes = [1, 63, 100, 500, 512, 1000, 4000, 4096];
    for (const setBatch of [1, 8]) {
      const script = [
        ...sizes.map((size, index) => set(`key-${index}`, new Uint8Array(size).fill(33 + index))),
        ...sizes.map((_, index) => get(`key-${index}`)),
      ];
      const report = await run({ system: 'scalio', engine, config: { records: 500, valueBytesMax: 4096, setBatch }, script: [script] });
      const results = report.scriptResults?.[0].slice(sizes.length) as Uint8Array[];
      expect(results.map((value) => value.length)).toEqual(sizes);
      results.forEach((value, index) => expect(value.every((byte) => byte === 33 + index)).toBe(true));
    }
  });

  it('a bucket holding more than 16 keys grows a chain; DELETE fills the hole from its end', async () => {
    // With 2^5 bucket ids, 200 keys put ~6 per bucket on average and some buckets past 16.
    const keys = Array.from({ length: 200 }, (_, index) => `chain-key-${index}`);
    const script = [
      ...keys.map((key) => set(key, `v-${key}`)),
      ...keys.filter((_, index) => index % 3 === 0).map(remove),
      ...keys.map(get),
    ];
    const report = await run({ system: 'scalio', engine, config: { records: 100, bucketIdBits: 5, ssds: 2, dpuCores: 1 }, script: [script] });
    const results = report.scriptResults?.[0] ?? [];
    const gets = results.slice(keys.length + Math.ceil(keys.length / 3));
    gets.forEach((value, index) => {
      if (index % 3 === 0) expect(value).toBeNull();
      else expect(new TextDecoder().decode(value as Uint8Array)).toBe(`v-${keys[index]}`);
    });
    expect(results.slice(keys.length, keys.length + Math.ceil(keys.length / 3)).every((existed) => existed === true)).toBe(true);
  });

  it('DELETE answers whether the key existed, and a deleted key reads as absent', async () => {
    const report = await run({ system: 'scalio', engine, config: { records: 100 }, script: [[set('k', 'v'), remove('k'), remove('k'), get('k'), set('k', 'w'), get('k')]] });
    const results = report.scriptResults?.[0] ?? [];
    expect(results.slice(0, 4)).toEqual([null, true, false, null]);
    expect(new TextDecoder().decode(results[5] as Uint8Array)).toBe('w');
  });
});

describe('garbage collection', () => {
  it('keeps an update-only workload writing 10× a device\'s capacity at steady state, losing nothing', async () => {
    for (const setBatch of [1, 8]) {
      const config = { records: 2000, ssds: 1, dpuCores: 1, clients: 32, valueLogOverProvision: 2, setBatch, seed: 5 };
      const report = await run({ system: 'scalio', engine: 'sim', config, workload: UPDATE_ONLY, operations: setBatch === 1 ? 40_000 : 80_000, recordHistory: true });
      const capacity = report.config.ssds === 1 ? report.images.ssds.blocksPerDevice : Number.NaN;
      const written = report.counters.getDevice(0, DeviceCounter.blocksWritten);
      expect(written, `setBatch ${setBatch}: blocks written vs device capacity ${capacity}`).toBeGreaterThan(10 * capacity);
      expect(report.counters.get(Counter.deviceFullRefusals)).toBe(0);
      expect(report.counters.get(Counter.gcValueSegments)).toBeGreaterThan(0);
      expect(report.counters.get(Counter.gcBucketSegments)).toBeGreaterThan(0);
      // Every key reads its last written value afterwards.
      const history = report.history as Float64Array;
      const allowed = allowedFinalValues(history, null, (record) => loadedValueId(5, record, 64));
      const records = [...allowed.keys()];
      const check = await run({ system: 'scalio', engine: 'sim', config: { clients: 1 }, images: report.images, script: [records.map((record) => get(recordKey(record)))] });
      const wrong = records.filter((record, index) => !allowed.get(record)?.has(resultId(check.scriptResults?.[0][index] ?? null)));
      expect(wrong.length, `setBatch ${setBatch}: keys not at their last value`).toBe(0);
    }
  });

  it('does not refuse a write for the space other writes have reserved, only for live data', async () => {
    // 980-byte values take two blocks each: ~2030 live blocks in a value log of 2600, 384 of
    // them the collector's reserve. A batch reserves its worst case (31 blocks), so a few
    // dozen of 128 writers' batches in flight reserve more than the free space; each write
    // short of space waits for them to finish instead of being refused (it used to be).
    const config = { records: 1000, ssds: 1, dpuCores: 1, clients: 128, valueBytes: 980, valueLogBlocks: 2600, seed: 3 };
    const report = await run({ system: 'scalio', engine: 'sim', config, workload: UPDATE_ONLY, operations: 3000 });
    expect(report.operations).toBe(3000);
    expect(report.counters.get(Counter.writesReservedAlone)).toBeGreaterThan(0);
    expect(report.counters.get(Counter.deviceFullRefusals)).toBe(0);
    expect(report.counters.get(Counter.gcValueSegments)).toBeGreaterThan(0);
  });

  it('counts each write that reserves alone once, also one that waited its turn and then fit', async () => {
    // The scenario above: many of the 128 writers find no room beside the others' reservations.
    const prototype = DeviceStore.prototype as unknown as { reserveAlone: (...args: unknown[]) => unknown };
    const reserveAlone = prototype.reserveAlone;
    let writes = 0;
    prototype.reserveAlone = function (this: DeviceStore, ...args: unknown[]) {
      writes++;
      return reserveAlone.apply(this, args);
    };
    try {
      const config = { records: 1000, ssds: 1, dpuCores: 1, clients: 128, valueBytes: 980, valueLogBlocks: 2600, seed: 3 };
      const report = await run({ system: 'scalio', engine: 'sim', config, workload: UPDATE_ONLY, operations: 3000 });
      expect(writes).toBeGreaterThan(0);
      expect(report.counters.get(Counter.writesReservedAlone)).toBe(writes);
    } finally {
      prototype.reserveAlone = reserveAlone;
    }
  });

  it('a truly full store refuses writes with a clear error and keeps everything it acknowledged', async () => {
    // 450-byte values: one record per block even when the collector packs them, so 2500
    // live values cannot fit a value log of 1600 blocks.
    const keys = Array.from({ length: 2500 }, (_, index) => `insert-${index}`);
    const valueOf = (key: string) => `value of ${key}`.padEnd(450, '.');
    const report = await run({
      system: 'scalio',
      engine: 'sim',
      config: { records: 200, ssds: 1, dpuCores: 1, setBatch: 1, valueBytesMax: 500, valueLogBlocks: 1600, bucketIdBits: 8 },
      script: [[...keys.map((key) => set(key, valueOf(key))), ...keys.map(get)]],
    });
    const results = report.scriptResults?.[0] ?? [];
    const writes = results.slice(0, keys.length);
    const refused = writes.filter((result) => result !== null);
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as { error: string }).error).toMatch(/SSD 0 is full .* nothing was written, and everything acknowledged is kept/);
    const reads = results.slice(keys.length);
    keys.forEach((key, index) => {
      if (writes[index] === null) expect(new TextDecoder().decode(reads[index] as Uint8Array)).toBe(valueOf(key));
      else expect(reads[index]).toBeNull();
    });
  });
});

describe('restart from SSD images', () => {
  it('saves images as sparse files and starts from them with the same contents', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'scalio-images-'));
    try {
      const first = await run({ system: 'scalio', engine: 'sim', config: { records: 3000, clients: 1 }, script: [[set('saved', 'on disk'), remove(recordKey(3)), set(recordKey(4), 'four')]] });
      saveImages(first.images.ssds, first.config, directory);
      expect(statSync(join(directory, 'ssd-0.img')).size).toBe(first.images.ssds.blocksPerDevice * 512);
      const images = loadImages(directory);
      const second = await run({ system: 'scalio', engine: 'live', config: { clients: 1 }, images: { config: images.manifest.config, ssds: images.ssds }, script: [[get('saved'), get(recordKey(3)), get(recordKey(4)), get(recordKey(5))]] });
      const results = second.scriptResults?.[0] ?? [];
      expect(new TextDecoder().decode(results[0] as Uint8Array)).toBe('on disk');
      expect(results[1]).toBeNull();
      expect(new TextDecoder().decode(results[2] as Uint8Array)).toBe('four');
      expect(resultId(results[3])).toBe(loadedValueId(1, 5, 64));
      expect(second.recovery?.damagedItems).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('runs, saves and restarts a store on an SSD larger than 4 GiB (its value log past 4 GiB)', { timeout: 60_000 }, async () => {
    // A bucket log of 2^17 ids × 64 = 8.4 M blocks puts the whole value log past the 4 GiB
    // (8,388,608 blocks) a SharedArrayBuffer holds in Node 20: the device is several buffers.
    const big = { records: 2000, ssds: 1, clients: 4, bucketIdBits: 17, bucketLogOverProvision: 64 };
    const directory = mkdtempSync(join(tmpdir(), 'scalio-big-images-'));
    try {
      const first = await run({ system: 'scalio', engine: 'sim', config: big, workload: 'A', operations: 4000 });
      expect(first.images.ssds.blocksPerDevice * 512).toBeGreaterThan(2 ** 32);
      const updated = await run({ system: 'scalio', engine: 'live', config: { clients: 1 }, images: first.images, script: [[set(recordKey(1999), 'past 4 GiB'), get(recordKey(1999))]] });
      expect(new TextDecoder().decode(updated.scriptResults?.[0][1] as Uint8Array)).toBe('past 4 GiB');
      saveImages(updated.images.ssds, updated.config, directory);
      const images = loadImages(directory);
      const keys = Array.from({ length: 2000 }, (_, record) => recordKey(record));
      const reread = await run({ system: 'scalio', engine: 'sim', config: { clients: 1 }, images: { config: images.manifest.config, ssds: images.ssds }, script: [keys.map((key) => get(key))] });
      const results = reread.scriptResults?.[0] ?? [];
      expect(new TextDecoder().decode(results[1999] as Uint8Array)).toBe('past 4 GiB');
      expect(results.every((result) => result instanceof Uint8Array)).toBe(true);
      expect(reread.recovery?.buckets).toBe(updated.recovery?.buckets);
      expect(reread.recovery?.damagedItems).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses images made with another layout, saying which setting differs', async () => {
    const first = await run({ system: 'scalio', engine: 'sim', config: { records: 1000, clients: 1 }, script: [[get('x')]] });
    await expect(run({ system: 'scalio', engine: 'sim', config: { bucketIdBits: first.config.bucketIdBits + 1, clients: 1 }, images: first.images, script: [[get('x')]] }))
      .rejects.toThrowError(/SSD 0 has (\d+) blocks; this configuration lays out|bucketIdBits/);
    await expect(run({ system: 'scalio', engine: 'sim', config: { ssds: 2, clients: 1 }, images: first.images, script: [[get('x')]] }))
      .rejects.toThrowError(/there are 4 SSD images; the configuration has 2 SSDs/);
  });

  it('loses no acknowledged write when the DPU dies at any of 60 points of a write-heavy run', async () => {
    const seed = 9;
    // A third of the points with ~1.5 keys per bucket, a third with ~23 (chains of 2 blocks,
    // whose writes a crash can cut in the middle), a third with batches flushed after 2 µs
    // idle (writers wait on batches that flush while their timers fire).
    const shortChains = { records: 3000, ssds: 2, dpuCores: 2, clients: 24, valueLogBlocks: 2000, seed };
    const configs = [shortChains, { ...shortChains, bucketIdBits: 7 }, { ...shortChains, batchIdleNs: 2000 }];
    const failures: string[] = [];
    let afterCollection = 0;
    let cutShort = 0;
    for (let point = 0; point < 60; point++) {
      const afterCoreWrites = 10 + Math.floor(point / 3) * 43;
      const config = configs[point % 3];
      const crashed = await run({ system: 'scalio', engine: 'sim', config, workload: UPDATE_HEAVY, operations: 60_000, recordHistory: true, crash: { afterCoreWrites, tearWrites: true } });
      if (!crashed.crashed) {
        failures.push(`point ${afterCoreWrites}: the run ended before the crash`);
        continue;
      }
      const allowed = allowedFinalValues(crashed.history as Float64Array, crashed.inFlight, (record) => loadedValueId(seed, record, 64));
      const records = [...allowed.keys()];
      const restarted = await run({ system: 'scalio', engine: 'sim', config: { clients: 1 }, images: crashed.images, script: [records.map((record) => get(recordKey(record)))] });
      if (crashed.counters.get(Counter.gcValueSegments) + crashed.counters.get(Counter.gcBucketSegments) > 0) afterCollection++;
      if ((restarted.recovery?.incompleteChains ?? 0) > 0) cutShort++;
      expect(restarted.recovery?.damagedItems).toBe(0);
      records.forEach((record, index) => {
        const found = resultId(restarted.scriptResults?.[0][index] ?? null);
        if (!allowed.get(record)?.has(found)) failures.push(`point ${afterCoreWrites}: record ${record} reads ${found}, allowed ${[...(allowed.get(record) ?? [])].join(', ')}`);
      });
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The crash points cover garbage collection, and writes cut short mid-chain.
    expect(afterCollection).toBeGreaterThan(10);
    expect(cutShort).toBeGreaterThan(0);
  });

  it('loses no acknowledged write when the live engine\'s DPU-core threads are killed mid-run', async () => {
    const seed = 12;
    const config = { records: 3000, ssds: 2, dpuCores: 2, clients: 32, valueLogBlocks: 2000, bucketIdBits: 7, seed };
    const failures: string[] = [];
    for (const afterCoreWrites of [3, 57, 211, 640, 1500]) {
      const crashed = await run({ system: 'scalio', engine: 'live', config, workload: UPDATE_HEAVY, operations: 40_000, recordHistory: true, crash: { afterCoreWrites, tearWrites: true } });
      if (!crashed.crashed) {
        failures.push(`point ${afterCoreWrites}: the run ended before the crash`);
        continue;
      }
      const allowed = allowedFinalValues(crashed.history as Float64Array, crashed.inFlight, (record) => loadedValueId(seed, record, 64));
      const records = [...allowed.keys()];
      const restarted = await run({ system: 'scalio', engine: 'sim', config: { clients: 1 }, images: crashed.images, script: [records.map((record) => get(recordKey(record)))] });
      expect(restarted.recovery?.damagedItems).toBe(0);
      records.forEach((record, index) => {
        const found = resultId(restarted.scriptResults?.[0][index] ?? null);
        if (!allowed.get(record)?.has(found)) failures.push(`point ${afterCoreWrites}: record ${record} reads ${found}, allowed ${[...(allowed.get(record) ?? [])].join(', ')}`);
      });
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
