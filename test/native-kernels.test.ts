/**
 * The C references of the kernel benchmarks (bench/native/kernels.c) compute what the
 * WebAssembly kernels compute, from the same memory: otherwise their ratios would compare
 * different work. Needs a C compiler; without one the test is skipped (the bench prints a note).
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { benchImage, kernelTasks, setUpKernelBench, setUpSsdBench } from '../bench/kernels.js';
import { buildNativeKernels, findCompiler, nativeDirectory, runNative, writeImage, writeSsdDump } from '../bench/native.js';
import { LatencyHistogram } from '../src/engine/histogram.js';
import { ATOMIC_COMPARE_OFFSET, ATOMIC_RESULT_OFFSET, ATOMIC_SWAP_OFFSET } from '../src/layout/verbs.js';

const hex = (value: bigint) => value.toString(16).padStart(16, '0');

/** The lines `verify()` of kernels.c prints, computed with the WebAssembly kernels. */
function webAssemblyLines(setup: ReturnType<typeof setUpKernelBench>): string[] {
  const { kernels, memory, parameters: p, slotBytes, bucketBytes } = setup;
  const words = new BigUint64Array(memory.buffer);
  const word = (address: number) => words[address / 8];
  const lines: string[] = [];
  for (let record = 0; record < 200; record++) {
    kernels.ycsbKey(record * 7919, p.key + 512);
    lines.push(`key ${record} ${hex(word(p.key + 512))} ${hex(word(p.key + 520))}`);
  }
  for (let draw = 0; draw < 200; draw++) {
    const operation = kernels.ycsbNextOperation(p.random, p.key + 512, p.value);
    lines.push(`next ${draw} ${operation} ${kernels.ycsbLastRecord()} ${hex(word(p.key + 512))}`);
  }
  lines.push(`scanHit ${kernels.cacheScan(p.bucket, p.key, p.operands, 0)}`);
  lines.push(`scanMiss ${kernels.cacheScan(p.bucket, p.missingKey, p.operands, 0)} ${hex(word(p.operands + ATOMIC_COMPARE_OFFSET))}`);
  lines.push(`scanReclaim ${kernels.cacheScan(p.expiredBucket, p.missingKey, p.operands, 100)} ${hex(word(p.operands + ATOMIC_COMPARE_OFFSET))}`);
  const murmur = (address: number, length: number) => BigInt.asUintN(64, BigInt(kernels.murmur3x64(address, length, 1)));
  kernels.rdmaReadCopy(p.bucket + 4096, p.bucket, bucketBytes);
  lines.push(`copy ${hex(murmur(p.bucket + 4096, bucketBytes))}`);
  kernels.zeroBytes(p.bucket + 4096, bucketBytes);
  kernels.rdmaReadCopyStrided(p.bucket + 4096, p.bucket + slotBytes, bucketBytes - slotBytes, p.bucket, slotBytes);
  lines.push(`copyStrided ${hex(murmur(p.bucket + 4096, bucketBytes))}`);
  kernels.zeroBytes(p.bucket + 4096, bucketBytes);
  kernels.rdmaReadCopyStrided(p.bucket + 4096, p.bucket + 40, bucketBytes - 40, p.bucket, slotBytes);
  lines.push(`copyStridedInside ${hex(murmur(p.bucket + 4096, bucketBytes))}`);
  kernels.stageFill(p.image, p.key, p.value, 64, 1, p.operands, 3, 0);
  lines.push(`fill ${hex(word(p.operands + ATOMIC_COMPARE_OFFSET))} ${hex(word(p.operands + ATOMIC_SWAP_OFFSET))}`);
  kernels.stageReserve(p.operands, p.key, 1, 0);
  const swapped = kernels.compareAndSwap64(p.cache, p.operands);
  lines.push(`cas ${swapped} ${hex(word(p.operands + ATOMIC_RESULT_OFFSET))}`);
  kernels.stageScrub(p.operands);
  lines.push(`scrub ${hex(word(p.operands + ATOMIC_SWAP_OFFSET))}`);
  lines.push(`sweep ${kernels.cacheSweep(p.cache, 0, 4096, 100)}`);
  lines.push(`chainFind ${kernels.chainFind(p.chain, 1, p.key + 256)}`);
  const upserted = kernels.chainUpsert(p.chain, 1, p.key + 256, 64, 12345);
  lines.push(`chainUpsert ${upserted} ${kernels.chainUpsert(p.chain, 1, p.key, 64, 777)}`);
  for (const value of [0, 5, 127, 128, 129, 1000, 4095, 65536, 1234567, 2147483647, 3e9, 1e15]) {
    const histogram = new LatencyHistogram();
    histogram.record(value);
    lines.push(`histogram ${value} ${histogram.counts.findIndex((count) => count > 0)}`);
  }
  return lines;
}

describe('native kernel references', () => {
  it.skipIf(findCompiler() === undefined)('compute the same results as the WebAssembly kernels', () => {
    const native = buildNativeKernels();
    if (!('executable' in native)) throw new Error(native.skipped);
    const setup = setUpKernelBench();
    const imagePath = writeImage(benchImage(setup));
    let nativeLines: string[];
    try {
      nativeLines = runNative(native.executable, imagePath, setup.imageBase, ['verify'], setup.parameters);
    } finally {
      rmSync(imagePath, { force: true });
    }
    const lines = webAssemblyLines(setup);
    expect(nativeLines).toEqual(lines);
    // Not vacuous: keys were drawn, and the scans found what the bench set up.
    expect(new Set(lines.filter((line) => line.startsWith('next')).map((line) => line.split(' ')[3])).size).toBeGreaterThan(50);
    expect(lines).toContain(`scanHit ${(1 << 8) | 4}`);
    expect(lines.find((line) => line.startsWith('scanMiss'))).toMatch(new RegExp(`^scanMiss ${4 << 8} `)); // slot 0, the oldest
    expect(lines.find((line) => line.startsWith('scanReclaim'))).toMatch(new RegExp(`^scanReclaim ${(6 << 8) | 2} `));
  });

  it.skipIf(findCompiler() === undefined)('read the same SSD blocks as SsdArray.read, in the same random order', () => {
    const native = buildNativeKernels();
    if (!('executable' in native)) throw new Error(native.skipped);
    const setup = setUpKernelBench();
    const ssd = setUpSsdBench(setup, 20_000);
    const imagePath = writeImage(benchImage(setup));
    const ssdPath = join(nativeDirectory(), `test-ssds-${process.pid}.bin`);
    let nativeLines: string[];
    try {
      writeSsdDump(ssd.ssds, ssdPath);
      nativeLines = runNative(native.executable, imagePath, setup.imageBase, ['verify', `ssdDump=${ssdPath}`], { ...setup.parameters, ...ssd.parameters });
    } finally {
      rmSync(imagePath, { force: true });
      rmSync(ssdPath, { force: true });
    }
    const read = kernelTasks(setup, ssd).find(([id]) => id === 'ssdRead')?.[2];
    if (read === undefined) throw new Error('no ssdRead task');
    const lines: string[] = [];
    const memory = new Uint8Array(setup.memory.buffer);
    for (let index = 0; index < 256; index++) {
      memory.fill(0xee, ssd.target, ssd.target + 512); // the read must zero what its slot does not cover
      read();
      lines.push(`ssd ${index} ${hex(BigInt.asUintN(64, BigInt(setup.kernels.murmur3x64(ssd.target, 512, 1))))}`);
    }
    expect(nativeLines.filter((line) => line.startsWith('ssd '))).toEqual(lines);
    expect(new Set(lines.map((line) => line.split(' ')[2])).size).toBeGreaterThan(200); // different blocks, not one
  });
});
