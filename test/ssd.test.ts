import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NvmeError } from '../src/errors.js';
import { SsdArray } from '../src/hw/ssd.js';
import { builtModulePath } from '../src/paths.js';

describe('emulated SSDs', () => {
  it('never show a block half written, even while another thread rewrites it', async () => {
    const ssds = SsdArray.create(1, 64);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    // The writer (as a DPU core would) rewrites blocks 5 and 6 with alternating patterns.
    const writer = new Worker(`
      const { workerData } = require('node:worker_threads');
      import(workerData.module).then(({ SsdArray }) => {
        const ssds = new SsdArray(workerData.ssds);
        const stop = new Int32Array(workerData.stop);
        const patterns = [new Uint8Array(1024).fill(0xaa), new Uint8Array(1024).fill(0x55)];
        for (let round = 0; Atomics.load(stop, 0) === 0; round++) ssds.write(0, 5, 2, patterns[round & 1], 0);
      });`, { eval: true, workerData: { module: pathToFileURL(builtModulePath('hw/ssd.js')).href, ssds: ssds.memory, stop: stop.buffer } });
    const target = new Uint8Array(512);
    let mixed = 0;
    let patterns = new Set<number>();
    const until = performance.now() + 300;
    while (performance.now() < until) {
      for (let read = 0; read < 1000; read++) {
        ssds.read(0, 5 + (read & 1), 1, target, 0);
        if (target[0] !== target[511] || target[0] !== target[256]) mixed++;
        patterns.add(target[0]);
      }
    }
    Atomics.store(stop, 0, 1);
    await writer.terminate();
    expect(mixed).toBe(0);
    expect(patterns.has(0xaa) && patterns.has(0x55)).toBe(true);
  });

  it('refuse commands outside the device', () => {
    const ssds = SsdArray.create(2, 16);
    expect(() => ssds.checkRange('read', 0, 15, 2)).toThrowError(/LBA out of range \(the device has 16 blocks\)/);
    expect(() => ssds.checkRange('write', 2, 0, 1)).toThrow(NvmeError);
  });
});
