import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NvmeError } from '../src/errors.js';
import { resolveConfig } from '../src/config.js';
import { SLOT_CLASSES, SsdArray, slotBytesFor } from '../src/hw/ssd.js';
import { BLOCK_BYTES } from '../src/layout/store.js';
import { loadImages, saveImages } from '../src/store/recovery.js';
import { builtModulePath } from '../src/paths.js';

/** Waits (up to 30 s: a loaded machine starts threads slowly) until the writer thread has written once (word 1 of `stop`). */
async function writerStarted(stop: Int32Array): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (Atomics.load(stop, 1) === 0) {
    if (performance.now() > deadline) throw new Error('the writer thread did not start in 30 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('emulated SSDs', () => {
  it('never show a block half written, even while another thread rewrites it', async () => {
    const ssds = SsdArray.create(1, 64);
    const stop = new Int32Array(new SharedArrayBuffer(8));
    // The writer (as a DPU core would) rewrites blocks 5 and 6 with alternating patterns.
    const writer = new Worker(`
      const { workerData } = require('node:worker_threads');
      import(workerData.module).then(({ SsdArray }) => {
        const ssds = new SsdArray(workerData.ssds);
        const stop = new Int32Array(workerData.stop);
        const patterns = [new Uint8Array(1024).fill(0xaa), new Uint8Array(1024).fill(0x55)];
        for (let round = 0; Atomics.load(stop, 0) === 0; round++) { ssds.write(0, 5, 2, patterns[round & 1], 0); Atomics.store(stop, 1, 1); }
      });`, { eval: true, workerData: { module: pathToFileURL(builtModulePath('hw/ssd.js')).href, ssds: ssds.memory, stop: stop.buffer } });
    const target = new Uint8Array(512);
    let mixed = 0;
    let patterns = new Set<number>();
    await writerStarted(stop);
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

  it('never show a block half written while it moves between slots of different sizes', async () => {
    const ssds = SsdArray.create(1, 64, 64 * 1024);
    const stop = new Int32Array(new SharedArrayBuffer(8));
    // A full block and a short one alternate: every rewrite moves the block to a slot of the
    // other size and frees the old slot, which the next rewrite reuses.
    const writer = new Worker(`
      const { workerData } = require('node:worker_threads');
      import(workerData.module).then(({ SsdArray }) => {
        const ssds = new SsdArray(workerData.ssds);
        const stop = new Int32Array(workerData.stop);
        const full = new Uint8Array(512).fill(0xaa);
        const short = new Uint8Array(512);
        short.fill(0x55, 0, 100);
        for (let round = 0; Atomics.load(stop, 0) === 0; round++) { ssds.write(0, 5 + (round & 1), 1, (round & 2) === 0 ? full : short, 0); Atomics.store(stop, 1, 1); }
      });`, { eval: true, workerData: { module: pathToFileURL(builtModulePath('hw/ssd.js')).href, ssds: ssds.memory, stop: stop.buffer } });
    const target = new Uint8Array(512);
    let wrong = 0;
    const seen = new Set<number>();
    await writerStarted(stop);
    const until = performance.now() + 300;
    while (performance.now() < until) {
      for (let read = 0; read < 1000; read++) {
        ssds.read(0, 5 + (read & 1), 1, target, 0);
        const first = target[0];
        seen.add(first);
        const expected = (index: number) => (first === 0xaa || index < 100 ? first : 0);
        if (first !== 0 && first !== 0xaa && first !== 0x55) wrong++;
        else if (first !== 0) for (let index = 0; index < 512; index++) if (target[index] !== expected(index)) { wrong++; break; }
      }
    }
    Atomics.store(stop, 0, 1);
    await writer.terminate();
    expect(wrong).toBe(0);
    expect(seen.has(0xaa) && seen.has(0x55)).toBe(true);
    // Two blocks, each in one full and at most one short slot at a time: freed slots were reused.
    expect(ssds.storedBytes()).toBeLessThanOrEqual(4 * 512);
  });

  it('store what blocks hold: unwritten blocks cost nothing, a written one its bytes in a slot of 64, 80, … 512', () => {
    const ssds = SsdArray.create(2, 1 << 20, 64 * 1024);
    expect(ssds.storedBytes()).toBe(0);
    const block = new Uint8Array(1024);
    block[99] = 7; // 100 bytes used: a 112-byte slot
    block.fill(9, 512, 1024); // a full block
    ssds.write(1, 1000, 2, block, 0);
    expect(ssds.storedBytes()).toBe(112 + 512);
    const read = new Uint8Array(1536).fill(0xff);
    ssds.read(1, 999, 3, read, 0);
    expect(read.subarray(0, 512).every((byte) => byte === 0)).toBe(true);
    expect(Array.from(read.subarray(512, 1536))).toEqual(Array.from(block));
    // Zeroing a block frees its slot; the next block of that size takes it again.
    ssds.write(1, 1000, 1, new Uint8Array(512), 0);
    expect(ssds.isWritten(1, 1000)).toBe(false);
    ssds.write(0, 5, 1, block, 0);
    ssds.write(1, 7, 1, block, 0);
    expect(ssds.storedBytes()).toBe(2 * 112 + 512);
  });

  it('keep a block of every length in the smallest slot that holds it, over many chunks, aligned or not', () => {
    // 64 KiB chunks: 1,024 slots of 64 bytes, 128 of 512, 468 of 140 (a tail left over).
    const blocks = 4096;
    const ssds = SsdArray.create(1, blocks, 64 * 1024);
    const source = new Uint8Array(BLOCK_BYTES + 1);
    const lengthOf = (block: number) => 1 + ((block * 37) % BLOCK_BYTES);
    const contentOf = (block: number, index: number) => (index === lengthOf(block) - 1 ? 0xff : (block + index) % 7);
    let expected = 0;
    for (let block = 0; block < blocks; block++) {
      // Odd blocks come from a misaligned buffer (the byte-by-byte scan), even ones aligned.
      const at = block & 1;
      source.fill(0);
      for (let index = 0; index < lengthOf(block); index++) source[at + index] = contentOf(block, index);
      ssds.write(0, block, 1, source, at);
      expected += slotBytesFor(lengthOf(block));
    }
    expect(ssds.storedBytes()).toBeGreaterThanOrEqual(expected);
    const read = new Uint8Array(BLOCK_BYTES);
    for (let block = 0; block < blocks; block++) {
      ssds.read(0, block, 1, read, 0);
      for (let index = 0; index < BLOCK_BYTES; index++) {
        if (read[index] !== (index < lengthOf(block) ? contentOf(block, index) : 0)) throw new Error(`block ${block} byte ${index}: ${read[index]}`);
      }
    }
    // Slot sizes: 64 up to 64 bytes, then 16-byte steps.
    expect([1, 64, 65, 80, 81, 450, 497, 512].map(slotBytesFor)).toEqual([64, 64, 80, 80, 96, 464, 512, 512]);
    // Average sizes (the memory estimate's) round up: a fractional byte still needs the next slot.
    expect([64.5, 80.5, 511.2].map(slotBytesFor)).toEqual([80, 96, 512]);
    // Rewriting each block with another length frees its slot for the next block of that size.
    const before = ssds.storedBytes();
    for (let block = 0; block < blocks; block++) {
      source.fill(0);
      source[lengthOf(blocks - 1 - block) - 1] = 1;
      ssds.write(0, block, 1, source, 0);
    }
    expect(ssds.storedBytes()).toBeLessThanOrEqual(before + SLOT_CLASSES * 64 * 1024);
  });

  it('keep blocks past 4 GiB: a device larger than one buffer, saved and loaded as an image', () => {
    const blocks = 9_000_000; // 4.6 GB, more than the 4 GiB a SharedArrayBuffer holds in Node 20
    const ssds = SsdArray.create(1, blocks);
    const block = new Uint8Array(512);
    for (const at of [1, 8_400_000, blocks - 1]) {
      block.fill(at % 251, 0, 300);
      ssds.write(0, at, 1, block, 0);
    }
    const directory = mkdtempSync(join(tmpdir(), 'scalio-big-ssd-'));
    try {
      const config = resolveConfig({ records: 10 });
      saveImages(ssds.memory, config, directory);
      const loaded = new SsdArray(loadImages(directory).ssds);
      const read = new Uint8Array(512);
      for (const at of [1, 8_400_000, blocks - 1]) {
        loaded.read(0, at, 1, read, 0);
        expect(read[0]).toBe(at % 251);
        expect(read[299]).toBe(at % 251);
        expect(read[300]).toBe(0);
      }
      loaded.read(0, 8_399_999, 1, read, 0);
      expect(read.every((byte) => byte === 0)).toBe(true);
      expect(loaded.storedBytes()).toBe(3 * 304);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('load only whole blocks of an image: a written range that ends mid-block is refused', () => {
    const ssds = SsdArray.create(1, 64);
    ssds.write(0, 3, 1, new Uint8Array(BLOCK_BYTES).fill(5), 0);
    const directory = mkdtempSync(join(tmpdir(), 'scalio-ranges-'));
    try {
      saveImages(ssds.memory, resolveConfig({ records: 10 }), directory);
      expect(new SsdArray(loadImages(directory).ssds).storedBytes()).toBe(BLOCK_BYTES);
      const manifestPath = join(directory, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { writtenRanges: [number, number][][] };
      manifest.writtenRanges = [[[3 * BLOCK_BYTES, 100]]];
      writeFileSync(manifestPath, JSON.stringify(manifest));
      expect(() => loadImages(directory)).toThrowError(/names a written range \[1536, \+100\) of image .* that is not whole 512-byte blocks/);
      // Ranges that are not [start, count] whole numbers with a count above 0 are refused too.
      for (const ranges of [[[1024, -512]], [['0', 512]], [[0.5, 512]], [[0]], 'all']) {
        manifest.writtenRanges = [ranges] as unknown as [number, number][][];
        writeFileSync(manifestPath, JSON.stringify(manifest));
        expect(() => loadImages(directory)).toThrowError(/written range|no written ranges/);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuse commands outside the device', () => {
    const ssds = SsdArray.create(2, 16);
    expect(() => ssds.checkRange('read', 0, 15, 2)).toThrowError(/LBA out of range \(the device has 16 blocks\)/);
    expect(() => ssds.checkRange('write', 2, 0, 1)).toThrow(NvmeError);
  });
});
