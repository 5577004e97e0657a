/**
 * Micro-benchmarks of the hot-path kernels (tinybench). Each task runs its kernel in a loop
 * and reports the time per call through `overriddenDuration` (one call, tens of nanoseconds,
 * is below the timer's resolution) while charging the whole loop to the time budget.
 */
import { rmSync } from 'node:fs';
import { Bench } from 'tinybench';
import { resolveConfig } from '../src/config.js';
import { LatencyHistogram } from '../src/engine/histogram.js';
import { instantiateKernels } from '../src/hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../src/hw/memory-plan.js';
import { SLOT_FILL_OFFSET } from '../src/layout/cache-slot.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';
import { LEASE_EPOCHS } from '../src/systems/scalio/lease.js';
import { DISTRIBUTION_ZIPFIAN, FIELD_LENGTH_CONSTANT, FIELD_LENGTH_UNIFORM, YCSB_SHARED_BYTES } from '../src/layout/ycsb.js';
import { configureRecordKernels, configureWorkloadKernels, planWorkload, WORKLOADS } from '../src/ycsb/workloads.js';
import { poolChunks, SsdArray } from '../src/hw/ssd.js';
import { BLOCK_BYTES } from '../src/layout/store.js';
import { buildNativeKernels, nativeDirectory, runNative, writeImage, writeSsdDump } from './native.js';
import { join } from 'node:path';

export interface KernelResult {
  readonly name: string;
  readonly nsPerCallMedian: number;
  readonly nsPerCallP99: number;
  readonly samples: number;
  /** The C port's median ns per call in the same run (median over its runs), when built. */
  readonly nativeNsPerCallMedian?: number;
  /** nsPerCallMedian / nativeNsPerCallMedian. */
  readonly ratioToNative?: number;
}

export interface KernelReport {
  readonly results: KernelResult[];
  /** Why there are no native references (no C compiler), or undefined when there are. */
  readonly nativeSkipped?: string;
  readonly compiler?: string;
}

const LOOP = 2000;

/**
 * The benchmark's memory and kernels, set up as every task expects them. Exported for the
 * unit test that checks the C references compute what the WebAssembly kernels compute.
 */
export function setUpKernelBench(module?: WebAssembly.Module) {
  const config = resolveConfig({});
  const { slotBytes, valueOffset, bucketBytes } = slotGeometry(config);
  const cacheBytes = (config.cacheSlots / config.slotsPerBucket) * bucketBytes;
  const pages = Math.ceil((KERNEL_STATIC_BYTES + cacheBytes + 2 ** 22) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const kernels = instantiateKernels(memory, module);
  kernels.configureCache(config.slotsPerBucket, slotBytes, config.keyBytesMax, config.valueBytesMax, valueOffset);
  configureRecordKernels(kernels, config);

  // Scratch layout: random state; key descriptors at key, key + 256 (the chain's) and key + 512
  // (drawn keys); value; local bucket (its READ copies go 4 KiB above it); slot image,
  // operands, chain, a bucket with an expired reservation; then a cache table.
  const base = KERNEL_STATIC_BYTES;
  const random = base;
  const key = base + 64;
  const value = base + 1024;
  const bucket = base + 2048;
  const image = bucket + bucketBytes + 64;
  const operands = image + slotBytes + 64;
  const chain = operands + 64;
  const cache = base + 65536;
  const bucketCount = config.cacheSlots / config.slotsPerBucket;
  const ycsbShared = Math.ceil((cache + cacheBytes) / 64) * 64;
  kernels.initializeSharedState(ycsbShared, config.records);
  const workload = planWorkload(WORKLOADS.C, config, 0);
  configureWorkloadKernels(kernels, workload, ycsbShared);
  kernels.randomSeed(random, 1, 0);

  // A bucket with 8 valid slots, the key in slot 4.
  for (let record = 0; record < config.slotsPerBucket; record++) {
    kernels.ycsbKey(record, key);
    kernels.ycsbValue(random, value, 64);
    kernels.stageFill(image, key, value, 64, 1000 + record, operands, 0, 0);
    kernels.copyBytes(bucket + record * slotBytes + SLOT_FILL_OFFSET, image + SLOT_FILL_OFFSET, slotBytes - SLOT_FILL_OFFSET);
    kernels.copyBytes(bucket + record * slotBytes, operands + 8, 8); // the VALID word staged by stageFill
  }
  kernels.ycsbKey(4, key);
  kernels.chainInit(chain, 1, 1);
  for (let record = 0; record < 16; record++) {
    kernels.ycsbKey(100 + record, key + 256);
    kernels.chainUpsert(chain, 1, key + 256, 64, record * 100);
  }
  kernels.ycsbKey(109, key + 256);

  // Leases on (as Scalio runs): a copy of the bucket whose slot 2 is a reservation made in
  // epoch 0, scanned at epoch 100 for a key it does not hold: a miss that takes it over.
  kernels.configureCacheLease(LEASE_EPOCHS);
  const expiredBucket = chain + 4096;
  kernels.copyBytes(expiredBucket, bucket, bucketBytes);
  kernels.stageReserve(operands, key, 1, 0);
  kernels.copyBytes(expiredBucket + 2 * slotBytes, operands + 8, 8); // the FILLING word staged by stageReserve
  const missingKey = expiredBucket + bucketBytes + 64;
  kernels.ycsbKey(999_999, missingKey);

  // The table holds copies of that bucket, so its READs and the sweep touch real memory
  // (pages never written read as the one zero page, always in cache).
  for (let index = 0; index < bucketCount; index++) kernels.copyBytes(cache + index * bucketBytes, bucket, bucketBytes);

  const fieldLengthMax = config.valueBytes / config.valueFields;
  // Everything the C port needs: the kernels' run-time settings and the scratch addresses.
  const parameters: Record<string, number> = {
    slotsPerBucket: config.slotsPerBucket, slotBytes, keyBytesMax: config.keyBytesMax, valueBytesMax: config.valueBytesMax,
    valueOffset, leaseEpochs: LEASE_EPOCHS,
    zipfianItems: workload.zipfian?.items ?? 0, zipfianTheta: workload.zipfian?.theta ?? 0, zipfianZetan: workload.zipfian?.zetan ?? 0,
    readShare: workload.readShare, updateShare: workload.updateShare, insertShare: workload.insertShare,
    chooserMin: workload.chooserMin, chooserItemCount: workload.chooserItemCount, shared: ycsbShared,
    orderedKeys: config.orderedKeys, keyZeroPadding: config.keyZeroPadding, fields: config.valueFields,
    fieldLengthMin: config.valueFieldBytesMin === 0 ? fieldLengthMax : config.valueFieldBytesMin, fieldLengthMax,
    fieldLengthDistribution: config.valueFieldBytesMin === 0 ? FIELD_LENGTH_CONSTANT : FIELD_LENGTH_UNIFORM,
    random, key, value, bucket, image, operands, chain, expiredBucket, missingKey, cache,
    bucketBytes, bucketCount, tableSlots: config.cacheSlots,
  };
  if (workload.distribution !== DISTRIBUTION_ZIPFIAN) throw new Error('the C port draws keys with the zipfian chooser only');
  const imageBase = base;
  const imageEnd = ycsbShared + YCSB_SHARED_BYTES;
  return { config, memory, kernels, parameters, imageBase, imageEnd, slotBytes, bucketBytes, bucketCount, cacheBytes };
}

/** Devices of the SSD read's store (as the default cluster has). */
export const SSD_BENCH_DEVICES = 4;

/**
 * The SSD read's store: the blocks a loaded store of the configuration's records has (about
 * 0.6 per record: store buckets of 2.4 items of 31 bytes, value blocks of five 90-byte
 * records), written to blocks 0.. of SSD_BENCH_DEVICES devices of twice as many blocks, with
 * the slot sizes those contents take in src/hw/ssd.ts: two blocks in three a store bucket of
 * 1 to 5 items (31..155 bytes), one in three a value block of 450 bytes. The read lands in the
 * bench's WebAssembly memory (shared), as every NVMe read of the live engine does. (`records`:
 * fewer for the test that checks the C port reads the same bytes.)
 */
export function setUpSsdBench(setup: ReturnType<typeof setUpKernelBench>, records = setup.config.records) {
  const blocksWritten = Math.ceil((records * 0.6) / SSD_BENCH_DEVICES);
  const ssds = SsdArray.create(SSD_BENCH_DEVICES, 2 * blocksWritten);
  const source = new Uint8Array(BLOCK_BYTES);
  let state = 1;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff);
  for (let block = 0; block < blocksWritten; block++) {
    for (let device = 0; device < SSD_BENCH_DEVICES; device++) {
      const usedBytes = next() % 3 === 2 ? 450 : 31 * (1 + (next() % 5));
      source.fill(0);
      for (let index = 0; index < usedBytes; index++) source[index] = 1 + (next() % 255);
      ssds.write(device, block, 1, source, 0);
    }
  }
  // After the bench's scratch (bench/kernels.ts setUpKernelBench's layout), below its cache table.
  const target = Math.ceil((setup.parameters.missingKey + 1024) / 64) * 64;
  if (target + BLOCK_BYTES > setup.parameters.cache) throw new Error('the SSD read\'s target does not fit the bench\'s scratch');
  const parameters: Record<string, number> = {
    ssdChainMask: 0, ssdDevices: SSD_BENCH_DEVICES, ssdBlocksWritten: blocksWritten, ssdTarget: target, ssdBlocksPerDevice: ssds.blocksPerDevice,
    ssdChunkBytes: ssds.memory.chunkBytes, ssdPoolChunks: poolChunks(ssds.blocksPerDevice, ssds.memory.chunkBytes),
  };
  return { ssds, blocksWritten, target, parameters };
}

/** The memory a set-up bench works on, as the C port loads it. */
export function benchImage(setup: ReturnType<typeof setUpKernelBench>): Uint8Array {
  return new Uint8Array(setup.memory.buffer, setup.imageBase, setup.imageEnd - setup.imageBase).slice();
}

/** The benchmark's tasks over a set-up bench: [the C port's task id, name, one call]. */
export function kernelTasks(setup: ReturnType<typeof setUpKernelBench>, ssd?: ReturnType<typeof setUpSsdBench>): [string, string, () => void][] {
  const { kernels, parameters: p, slotBytes, bucketBytes, bucketCount } = setup;
  const { random, key, value, bucket, image, operands, chain, expiredBucket, missingKey, cache, tableSlots } = p;
  let sweepFrom = 0;

  const histogram = new LatencyHistogram();
  // The tasks' results go to `sink` (wrapped to 32 bits: a number that outgrew a small
  // integer would be boxed, and every task would pay an allocation the C port does not).
  let sink = 0;
  let randomState = 0;
  let word = 0;
  let ssdRandom = 0;
  let ssdChainRandom = 0;
  // 0, from memory, so that the compiler cannot drop the read's dependency on the last one.
  const ssdChainMask = new Int32Array([ssd?.parameters.ssdChainMask ?? 0]);
  const memoryBytes = new Uint8Array(setup.memory.buffer);
  const ssdTasks: [string, string, () => void][] = ssd === undefined ? [] : [
    ['ssdRead', 'SSD block read, a random block of a loaded store (1 M records, 4 devices)', () => {
      ssdRandom = (Math.imul(ssdRandom, 1103515245) + 12345) & 0x7fffffff;
      const index = ssdRandom % (SSD_BENCH_DEVICES * ssd.blocksWritten);
      ssd.ssds.read(index % SSD_BENCH_DEVICES, Math.floor(index / SSD_BENCH_DEVICES), 1, memoryBytes, ssd.target);
    }],
    // The same sequence, each read waiting for the last one's first byte (& a mask of 0): the
    // processor cannot overlap one read's cache misses with the next's, as in an engine, where
    // the next read depends on this one.
    ['ssdReadChained', 'SSD block read, random, each after the last (a dependent chain)', () => {
      ssdChainRandom = (Math.imul(ssdChainRandom, 1103515245) + 12345 + (memoryBytes[ssd.target] & ssdChainMask[0])) & 0x7fffffff;
      const index = ssdChainRandom % (SSD_BENCH_DEVICES * ssd.blocksWritten);
      ssd.ssds.read(index % SSD_BENCH_DEVICES, Math.floor(index / SSD_BENCH_DEVICES), 1, memoryBytes, ssd.target);
    }],
    // What the read costs beyond memory stalls: one block again and again, in cache.
    ['ssdReadCached', 'SSD block read, one block in cache (a 464-byte slot + 48 B of zeros)', () => { ssd.ssds.read(1, 2, 1, memoryBytes, ssd.target); }],
  ];
  return [
    ['ycsbNext', 'YCSB next op: zipfian + key name + 2 hashes', () => { sink = (sink + kernels.ycsbNextOperation(random, key + 512, value)) | 0; }],
    ['key', 'key: "user"+fnv → 16 B hash → placement hash', () => { kernels.ycsbKey(sink & 0xfffff, key + 512); sink = (sink + 1) | 0; }],
    ['scanHit', 'bucket scan, hit in slot 4 (8 slots + checksum)', () => { sink = (sink + kernels.cacheScan(bucket, key, operands, 0)) | 0; }],
    ['scanMiss', 'bucket scan, miss in a full bucket (the oldest slot is the victim)', () => { sink = (sink + kernels.cacheScan(bucket, missingKey, operands, 0)) | 0; }],
    ['scanReclaim', 'bucket scan, miss taking an expired reservation (lease reclaim)', () => { sink = (sink + kernels.cacheScan(expiredBucket, missingKey, operands, 100)) | 0; }],
    ['sweep', 'DPU lease sweep, 4,096 slots of the table (one epoch\'s share)', () => {
      sink = (sink + kernels.cacheSweep(cache, sweepFrom, 4096, 100)) | 0;
      sweepFrom = (sweepFrom + 4096) % (tableSlots - 4096);
    }],
    ['copyCached', 'RDMA READ, every word whole, a bucket in cache (832 B)', () => { kernels.rdmaReadCopy(bucket + 4096, bucket, bucketBytes); }],
    ['copyRandom', 'RDMA READ, every word whole, a random bucket (11 MB table)', () => { kernels.rdmaReadCopy(bucket + 4096, cache + ((randomState = (Math.imul(randomState, 1103515245) + 12345) & 0x7fffffff) % bucketCount) * bucketBytes, bucketBytes); }],
    ['copyCachedStrided', 'cache READ (bulk + state words), a bucket in cache', () => { kernels.rdmaReadCopyStrided(bucket + 4096, bucket, bucketBytes, bucket, slotBytes); }],
    ['copyRandomStrided', 'cache READ (bulk + state words), a random bucket', () => { kernels.rdmaReadCopyStrided(bucket + 4096, cache + ((randomState = (Math.imul(randomState, 1103515245) + 12345) & 0x7fffffff) % bucketCount) * bucketBytes, bucketBytes, cache, slotBytes); }],
    ['cas', 'state word: stage reservation + CAS', () => {
      kernels.stageReserve(operands, key, word & 1, 0);
      kernels.compareAndSwap64(cache, operands);
      word++;
    }],
    ['fill', 'slot fill image + checksum', () => { kernels.stageFill(image, key, value, 64, 1, operands, 3, 0); }],
    ['chainFind', 'store bucket: find key in 16 items', () => { sink = (sink + kernels.chainFind(chain, 1, key + 256)) | 0; }],
    ['chainUpsert', 'store bucket: upsert existing key', () => { sink = (sink + kernels.chainUpsert(chain, 1, key + 256, 64, 12345)) | 0; }],
    // The floor of every row: a kernel that stores one word, so its time is the call (from
    // JavaScript into WebAssembly, or through a function pointer in C) and little else.
    ['scrub', 'stage scrub: one 8-byte store (the call\'s floor)', () => { kernels.stageScrub(operands); }],
    ['histogram', 'latency histogram record', () => { histogram.record((sink & 0xffff) * 37); sink = (sink + 1) | 0; }],
    ...ssdTasks,
  ];

}

export async function benchmarkKernels(timeMs: number): Promise<KernelReport> {
  const setup = setUpKernelBench();
  const native = buildNativeKernels();
  let imagePath = '';
  const ssd = setUpSsdBench(setup);
  const ssdPath = 'executable' in native ? join(nativeDirectory(), `kernels-ssds-${process.pid}.bin`) : '';
  const p = { ...setup.parameters, ...ssd.parameters };
  const tasks = kernelTasks(setup, ssd);

  // The C port runs before and after the WebAssembly kernels (same machine, same run): its
  // figure is the median over both runs, so a load change during the run shows as spread.
  const nativeRuns: Map<string, number>[] = [];
  const runNativeOnce = () => {
    if (!('executable' in native)) return;
    const times = new Map<string, number>();
    for (const line of runNative(native.executable, imagePath, setup.imageBase, ['time', String(timeMs), `ssdDump=${ssdPath}`], p)) {
      const parsed = JSON.parse(line) as { id: string; nsPerCallMedian: number };
      times.set(parsed.id, parsed.nsPerCallMedian);
    }
    nativeRuns.push(times);
  };
  // The image is removed however the runs end (a failed native run throws).
  let bench: Bench;
  try {
    if ('executable' in native) imagePath = writeImage(benchImage(setup));
    if (ssdPath !== '') writeSsdDump(ssd.ssds, ssdPath);
    runNativeOnce();
    bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 4) });
    for (const [, name, kernel] of tasks) {
      const loop = callLoop();
      bench.add(name, () => {
        const started = performance.now();
        loop(kernel, LOOP);
        const elapsedMs = performance.now() - started;
        // The sample is one call; the time budget is charged the whole loop.
        return { overriddenDuration: elapsedMs / LOOP, overriddenIterationCost: elapsedMs };
      });
    }
    await bench.run();
    runNativeOnce();
  } finally {
    if (imagePath !== '') rmSync(imagePath, { force: true });
    if (ssdPath !== '') rmSync(ssdPath, { force: true });
  }
  const results = bench.tasks.map((task, index) => {
    const result = task.result as { latency?: { p50: number; p99: number; samples?: unknown[] } };
    const latency = result.latency;
    const nsPerCallMedian = (latency?.p50 ?? Number.NaN) * 1e6;
    const nativeTimes = nativeRuns.map((times) => times.get(tasks[index][0])).filter((time): time is number => time !== undefined);
    const nativeNsPerCallMedian = nativeTimes.length === 0 ? undefined : median(nativeTimes);
    return {
      name: task.name,
      nsPerCallMedian,
      nsPerCallP99: (latency?.p99 ?? Number.NaN) * 1e6,
      samples: latency?.samples?.length ?? 0,
      ...(nativeNsPerCallMedian === undefined ? {} : { nativeNsPerCallMedian, ratioToNative: nsPerCallMedian / nativeNsPerCallMedian }),
    };
  });
  return 'executable' in native ? { results, compiler: native.compiler } : { results, nativeSkipped: native.skipped };
}

/**
 * A loop calling `kernel` `count` times, compiled anew for each task. One loop shared by
 * every task would see a different closure at its call on each task, and the engine would
 * measure a megamorphic call (~2 ns) that no kernel call in the engines pays: each of those
 * calls one kernel, so the engine inlines it and calls into WebAssembly directly. The C port calls its
 * tasks through a function pointer, which the processor predicts.
 */
export function callLoop(): (kernel: () => void, count: number) => void {
  // A distinct source text each time: the engine caches compiled `new Function` code by its
  // text, and its type feedback with it.
  loopsMade++;
  return new Function('kernel', 'count', `for (let i = 0; i < count; i++) kernel(); // loop ${loopsMade}`) as (kernel: () => void, count: number) => void;
}
let loopsMade = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
