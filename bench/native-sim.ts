/**
 * The simulator against its native replica (issue 9): bench/native/sim.c replays YCSB-C on
 * Scalio event for event — the same event queue, timing model, protocol steps, kernels and
 * bytes — and this measures both in simulated operations per CPU-second, alternating one
 * JavaScript run and one C run from the same loaded state, and takes medians.
 *
 * One cluster is loaded; its DPU memory is kept as it was after the load, and every run (JS
 * or C) starts from those bytes: the JS runs restore them, the C runs read them from a file,
 * with the SSDs' written blocks (YCSB-C writes no SSD). Each run is a warm-up phase and a
 * measured phase, as `run()` does them (a fresh SimEngine per phase over the same memory; the
 * measured phase continues the clock and the random streams). The C replica must report the
 * same events, operations, virtual end time, latency sum and cache contents as the JS engine:
 * a ratio is only printed for a replica that is exact.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildCluster, type Cluster, POSTED_WRITE_BYTES_MAX, POSTED_WRITES_PER_CLIENT } from '../src/engine/cluster.js';
import { configureSource, plannedCluster } from '../src/engine/run.js';
import { SimEngine } from '../src/engine/sim/engine.js';
import { Counter } from '../src/hw/counters.js';
import { type HardwareProfile, TIMING_PARAMETERS, dpuThreadPools, resolveProfile } from '../src/hw/profile.js';
import { SLOT_CLASSES, SLOT_STEP_BYTES, slotBytesOfClass, slotClassFor, SsdArray } from '../src/hw/ssd.js';
import { BLOCK_BYTES } from '../src/layout/store.js';
import { DISTRIBUTION_ZIPFIAN, FIELD_LENGTH_CONSTANT, FIELD_LENGTH_UNIFORM } from '../src/layout/ycsb.js';
import { fixed, integer, siNumber, table } from '../src/cli/format.js';
import { packageRoot } from '../src/paths.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';
import { BACKOFF_FIRST_NS, BACKOFF_MAX_NS, GET_ATTEMPTS_MAX, scalioSlotImageScratch } from '../src/systems/scalio/client.js';
import {
  CACHE_EPOCH_NS, EPOCH_REFRESH_NS, EPOCH_TICK_CPU_NS, LEASE_EPOCHS, SWEEP_SLOT_CPU_NS, SWEEP_SLOTS_PER_EPOCH,
} from '../src/systems/scalio/lease.js';
import { NOT_FOUND } from '../src/store/context.js';
import { READ_RESTARTS_MAX } from '../src/store/read.js';
import { planWorkload, type WorkloadPlan, WORKLOADS } from '../src/ycsb/workloads.js';
import { buildNative, layoutDefines, nativeDirectory, ssdDefines } from './native.js';

const SIM_SOURCE = join(packageRoot(), 'bench', 'native', 'sim.c');

/** One phase's outcome, the same fields from both sides. */
export interface PhaseOutcome {
  readonly events: number;
  readonly operations: number;
  readonly durationNs: number;
  readonly endTimeNs: number;
  readonly latencyTotalNs: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

/** One run (warm-up + measured phase) on one side. */
export interface SideRun {
  readonly warmup: PhaseOutcome;
  readonly run: PhaseOutcome;
  /** CPU seconds of both phases (JS: process.cpuUsage, all threads; C: CLOCK_PROCESS_CPUTIME_ID). */
  readonly cpuSeconds: number;
  /** murmur3x64 (seed 1) of the cache region after the run. */
  readonly cacheDigest: string;
}

export interface NativeSimResult {
  /** Records loaded (the default scale: 1,000,000). */
  readonly records: number;
  readonly operations: number;
  readonly warmupOperations: number;
  readonly repetitions: number;
  /** Simulated operations (warm-up and measured) per CPU-second, medians. */
  readonly jsOperationsPerCpuSecond: number;
  readonly nativeOperationsPerCpuSecond?: number;
  /** JS over C (target ≥ 0.75). */
  readonly share?: number;
  /** Events per operation over both phases, each side. */
  readonly jsEventsPerOperation: number;
  readonly nativeEventsPerOperation?: number;
  /** Events per operation of the measured phase alone (the warm-up's cold cache misses more), each side. */
  readonly jsEventsPerMeasuredOperation: number;
  readonly nativeEventsPerMeasuredOperation?: number;
  /** The measured phase's simulated throughput (operations per virtual second), each side. */
  readonly jsSimulatedThroughput: number;
  readonly nativeSimulatedThroughput?: number;
  readonly jsHitRatio: number;
  readonly nativeHitRatio?: number;
  /** Whether the replica matched the JS run exactly (events, operations, times, latencies, hits, cache bytes). */
  readonly exact?: boolean;
  /** What differed, if anything. */
  readonly mismatch?: string;
  /** Why the C side was not run. */
  readonly nativeSkipped?: string;
  readonly compiler?: string;
  readonly js: readonly SideRun[];
  readonly native: readonly SideRun[];
}

type Build = { readonly executable: string; readonly compiler: string } | { readonly skipped: string };

/** Builds bench/native/sim.c (`cc -O2`, layouts and SSD constants by -D; see buildNative). */
export function buildNativeSim(): Build {
  const flags = ['-O2', '-std=gnu11', ...layoutDefines(), ...ssdDefines(), `-DSSD_ENTRY_CLASS_SHIFT=${NATIVE_SIM_ENTRY_CLASS_SHIFT}`,
    `-DNOT_FOUND_RESULT=(${NOT_FOUND})`];
  return buildNative(SIM_SOURCE, flags, 'the native simulator replica is');
}

/** The loaded cluster both sides start from, and how to run each side on it. */
export interface SimPair {
  readonly cluster: Cluster;
  readonly profile: HardwareProfile;
  readonly plan: WorkloadPlan;
  /** Runs the JS simulator (warm-up + measured) from the loaded state. */
  runJs(): SideRun;
  /** Runs the C replica from the loaded state (its images are written on first use). */
  runNative(executable: string): SideRun;
  /** Deletes the image files. */
  dispose(): void;
}

/**
 * Loads YCSB-C's cluster for Scalio as `run()` would for these operation counts (`config`:
 * overrides, e.g. a smaller scale for tests) and prepares both sides.
 */
export function prepareSimPair(operations: number, warmupOperations: number, config: Record<string, number> = {}, profileName?: string): SimPair {
  const request = { system: 'scalio', engine: 'sim' as const, workload: 'C', operations, warmupOperations, config };
  const resolved = plannedCluster(request).config;
  const cluster = buildCluster(resolved, 'scalio');
  const spec = cluster.spec;
  const layout = spec.layout;
  const profile = resolveProfile(profileName);
  const plan = planWorkload(WORKLOADS.C, resolved, warmupOperations + operations);
  const sharedState = layout.plan.regions.ycsb.base;
  const bytes = new Uint8Array(spec.memory.buffer);
  const loaded = bytes.slice();
  const cache = layout.plan.regions.cache;

  const cacheDigest = (kernels: { murmur3x64(source: number, length: number, seed: number): bigint }) =>
    BigInt.asUintN(64, kernels.murmur3x64(cache.base, cache.bytes, 1)).toString(16).padStart(16, '0');

  const runJs = (): SideRun => {
    bytes.set(loaded);
    const phase = (count: number, startTimeNs: number, continueRandomStreams: boolean) => {
      const clients = resolved.clients;
      const split = Array.from({ length: clients }, (_, client) => Math.floor(count / clients) + (client < count % clients ? 1 : 0));
      return new SimEngine(spec, {
        profile,
        source: (node) => configureSource(node.kernels, plan, undefined, sharedState),
        operationsPerClient: (client) => split[client],
        recordHistory: false,
        startTimeNs,
        continueRandomStreams,
        stopAtNs: Number.POSITIVE_INFINITY,
      }).run();
    };
    const started = process.cpuUsage();
    const warm = warmupOperations > 0 ? phase(warmupOperations, 0, false) : undefined;
    const measured = phase(operations, warm?.endTimeNs ?? 0, warm !== undefined);
    const used = process.cpuUsage(started);
    const outcome = (output: ReturnType<typeof phase>): PhaseOutcome => ({
      events: output.events,
      operations: output.stats.operations,
      durationNs: output.durationNs,
      endTimeNs: output.endTimeNs,
      latencyTotalNs: output.stats.all().totalNs,
      cacheHits: output.node.counters.get(Counter.cacheHits),
      cacheMisses: output.node.counters.get(Counter.cacheMisses),
    });
    if (measured.node.counters.get(Counter.nvmeWritesByCore) > 0) throw new Error('YCSB-C wrote to an SSD: the C replica starts from the loaded SSDs');
    return {
      warmup: warm === undefined ? emptyPhase() : outcome(warm),
      run: outcome(measured),
      cpuSeconds: (used.user + used.system) / 1e6,
      cacheDigest: cacheDigest(measured.node.kernels as never),
    };
  };

  let images: { dpu: string; ssd: string } | undefined;
  const writeImages = () => {
    const directory = nativeDirectory();
    const dpu = join(directory, `sim-dpu-${process.pid}.bin`);
    const ssd = join(directory, `sim-ssd-${process.pid}.bin`);
    const file = openSync(dpu, 'w');
    try {
      writeSync(file, loaded);
    } finally {
      closeSync(file);
    }
    writeSsdImage(new SsdArray(spec.ssds), ssd);
    images = { dpu, ssd };
    return images;
  };

  const parameters = nativeParameters(cluster, profile, plan, operations, warmupOperations);
  const runNative = (executable: string): SideRun => {
    const { dpu, ssd } = images ?? writeImages();
    const args = [dpu, ssd, ...Object.entries(parameters).map(([name, value]) => `${name}=${value}`)];
    if (process.env.NATIVE_SIM_DEBUG !== undefined) process.stderr.write(`${executable} ${args.join(' ')}\n`);
    const result = spawnSync(executable, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (result.status !== 0) throw new Error(`the native simulator failed (status ${result.status}): ${(result.stderr || result.error?.message || '').trim()}`);
    if (process.env.NATIVE_SIM_DEBUG !== undefined) process.stderr.write(result.stderr + result.stdout);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const phaseOf = (name: string): (PhaseOutcome & { cpuSeconds: number }) | undefined => {
      const line = lines.find((entry) => entry.phase === name) as (Record<string, number> & { counters: Record<string, number> }) | undefined;
      if (line === undefined) return undefined;
      return {
        events: line.events, operations: line.operations, durationNs: line.durationNs, endTimeNs: line.endTimeNs,
        latencyTotalNs: line.latencyTotalNs, cacheHits: line.counters.cacheHits, cacheMisses: line.counters.cacheMisses, cpuSeconds: line.cpuSeconds,
      };
    };
    const warm = phaseOf('warm-up');
    const measured = phaseOf('run');
    if (measured === undefined) throw new Error(`the native simulator printed no run phase: ${result.stdout}`);
    const { cpuSeconds: runCpu, ...run } = measured;
    const warmup = warm === undefined ? emptyPhase() : (({ cpuSeconds: _, ...rest }) => rest)(warm);
    const digest = lines.find((entry) => typeof entry.cacheDigest === 'string')?.cacheDigest as string;
    return { warmup, run, cpuSeconds: runCpu + (warm?.cpuSeconds ?? 0), cacheDigest: digest };
  };

  return {
    cluster,
    profile,
    plan,
    runJs,
    runNative,
    dispose() {
      if (process.env.NATIVE_SIM_KEEP_IMAGES !== undefined) return;
      if (images !== undefined) for (const path of [images.dpu, images.ssd]) rmSync(path, { force: true });
      images = undefined;
    },
  };
}

function emptyPhase(): PhaseOutcome {
  return { events: 0, operations: 0, durationNs: 0, endTimeNs: 0, latencyTotalNs: 0, cacheHits: 0, cacheMisses: 0 };
}

/**
 * A table entry of the replica's SSD image holds the slot's class above this bit (classes
 * 1..SLOT_CLASSES fit above it) and 1 + the slot's offset in the pool, in SLOT_STEP_BYTES, below.
 */
export const NATIVE_SIM_ENTRY_CLASS_SHIFT = 32 - Math.ceil(Math.log2(SLOT_CLASSES + 1));

/**
 * The SSDs' written blocks in the replica's format (bench/native/sim.c, loadSsds): i32
 * devices, i32 blocks per device; per device a u32 table (0: never written; else see
 * NATIVE_SIM_ENTRY_CLASS_SHIFT), the pool's length (u64) and the pool. A block keeps its
 * bytes up to its last non-zero one in the smallest slot class that holds them, as
 * src/hw/ssd.ts stores it (slotClassFor, slotBytesOfClass).
 */
function writeSsdImage(ssds: SsdArray, path: string): void {
  const file = openSync(path, 'w');
  try {
    const header = Buffer.alloc(8);
    header.writeInt32LE(ssds.count, 0);
    header.writeInt32LE(ssds.blocksPerDevice, 4);
    writeSync(file, header);
    const block = new Uint8Array(BLOCK_BYTES);
    const placesMax = 2 ** NATIVE_SIM_ENTRY_CLASS_SHIFT - 1;
    for (let device = 0; device < ssds.count; device++) {
      const table = new Uint32Array(ssds.blocksPerDevice);
      const pieces: Uint8Array[] = [];
      let steps = 0;
      for (let index = 0; index < ssds.blocksPerDevice; index++) {
        if (!ssds.isWritten(device, index)) continue;
        ssds.read(device, index, 1, block, 0);
        let end = BLOCK_BYTES;
        while (end > 0 && block[end - 1] === 0) end--;
        // A block written with zeros only gets the smallest slot here: reads see zeros either way.
        const slotClass = Math.max(1, slotClassFor(end));
        const slotBytes = slotBytesOfClass(slotClass);
        if (steps + 1 > placesMax) {
          throw new Error(`an SSD holds more than the native replica's table addresses (${(placesMax * SLOT_STEP_BYTES) / 2 ** 30} GiB)`);
        }
        table[index] = ((steps + 1) | (slotClass << NATIVE_SIM_ENTRY_CLASS_SHIFT)) >>> 0;
        pieces.push(block.slice(0, slotBytes));
        steps += slotBytes / SLOT_STEP_BYTES;
      }
      writeSync(file, new Uint8Array(table.buffer));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(steps * SLOT_STEP_BYTES));
      writeSync(file, length);
      for (let start = 0; start < pieces.length; start += 65536) writeSync(file, Buffer.concat(pieces.slice(start, start + 65536)));
    }
  } finally {
    closeSync(file);
  }
}

/** Every number the replica needs, each from where TypeScript defines it. */
function nativeParameters(cluster: Cluster, profile: HardwareProfile, plan: WorkloadPlan, operations: number, warmupOperations: number): Record<string, number> {
  const layout = cluster.spec.layout;
  const config = layout.config;
  if (plan.distribution !== DISTRIBUTION_ZIPFIAN || plan.zipfian === null) throw new Error('the native simulator draws keys with the zipfian chooser only');
  if (config.clientCores !== 0 || config.nvmeTargetOffload !== 1) throw new Error('the native simulator models NVMe-oF target offload and a CPU per client only');
  const pools = dpuThreadPools(profile, config.dpuCores);
  if (pools.rdma[0] !== 0 && pools.ssd[0] !== 0) throw new Error('unexpected DPU thread pools');
  const { slotBytes, valueOffset, bucketBytes } = slotGeometry(config);
  const regions = layout.plan.regions;
  const region = (name: string, prefix: string) => ({
    [`${prefix}Base`]: regions[name].base, [`${prefix}Bytes`]: regions[name].bytes,
    [`${prefix}RemoteKey`]: regions[name].remoteKey, [`${prefix}Stride`]: regions[name].wholeWordStrideBytes,
  });
  const arena = layout.clientArena;
  const fieldLengthMax = config.valueBytes / config.valueFields;
  const timing = Object.fromEntries(TIMING_PARAMETERS.map((name) => [name, profile[name]]));
  return {
    ...timing,
    slotsPerBucket: config.slotsPerBucket, slotBytes, keyBytesMax: config.keyBytesMax, valueBytesMax: config.valueBytesMax, valueOffset,
    leaseEpochs: LEASE_EPOCHS,
    zipfianItems: plan.zipfian.items, zipfianTheta: plan.zipfian.theta, zipfianZetan: plan.zipfian.zetan,
    readShare: plan.readShare, updateShare: plan.updateShare, insertShare: plan.insertShare,
    chooserMin: plan.chooserMin, chooserItemCount: plan.chooserItemCount, shared: regions.ycsb.base,
    orderedKeys: config.orderedKeys, keyZeroPadding: config.keyZeroPadding, fields: config.valueFields,
    fieldLengthMin: config.valueFieldBytesMin === 0 ? fieldLengthMax : config.valueFieldBytesMin, fieldLengthMax,
    fieldLengthDistribution: config.valueFieldBytesMin === 0 ? FIELD_LENGTH_CONSTANT : FIELD_LENGTH_UNIFORM,
    bucketCount: config.cacheSlots / config.slotsPerBucket, bucketIdBits: config.bucketIdBits,
    clients: config.clients, seed: config.seed, devices: config.ssds, bucketIdsPerDevice: layout.store.bucketIdsPerDevice,
    dpuThreads: config.dpuCores,
    ...region('cache', 'cache'), ...region('storeIndex', 'index'), ...region('cacheEpoch', 'epoch'),
    clientArenasBase: regions.clientArenas.base, stagingBase: regions.simStaging.base,
    arenaBytes: arena.bytes, arenaRandom: arena.random, arenaOperands: arena.operands, arenaWord: arena.word,
    arenaIndexEntry: arena.indexEntry, arenaKey: arena.key, arenaValue: arena.value, arenaChain: arena.chain,
    arenaValueBlocks: arena.valueBlocks, arenaSystem: arena.system, slotImageOffset: scalioSlotImageScratch({ bucketBytes }, 0),
    getAttemptsMax: GET_ATTEMPTS_MAX, readRestartsMax: READ_RESTARTS_MAX, backoffFirstNs: BACKOFF_FIRST_NS, backoffMaxNs: BACKOFF_MAX_NS,
    postedWritesPerClient: POSTED_WRITES_PER_CLIENT, postedWriteBytesMax: POSTED_WRITE_BYTES_MAX,
    cacheEpochNs: CACHE_EPOCH_NS, epochRefreshNs: EPOCH_REFRESH_NS, epochTickCpuNs: EPOCH_TICK_CPU_NS, sweepSlotCpuNs: SWEEP_SLOT_CPU_NS,
    sweepSlotsPerEpoch: SWEEP_SLOTS_PER_EPOCH,
    warmupOperations, operations,
  };
}

/** What differs between a JS run and a C run of the same start, or undefined if nothing. */
export function compareRuns(js: SideRun, native: SideRun): string | undefined {
  const fields: (keyof PhaseOutcome)[] = ['events', 'operations', 'endTimeNs', 'durationNs', 'latencyTotalNs', 'cacheHits', 'cacheMisses'];
  for (const phase of ['warmup', 'run'] as const) {
    for (const field of fields) {
      if (js[phase][field] !== native[phase][field]) return `${phase} ${field}: JS ${js[phase][field]}, C ${native[phase][field]}`;
    }
  }
  if (js.cacheDigest !== native.cacheDigest) return `cache contents after the run: JS ${js.cacheDigest}, C ${native.cacheDigest}`;
  return undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const operationsOf = (side: SideRun) => side.warmup.operations + side.run.operations;
const eventsPerOperation = (side: SideRun) => (side.warmup.events + side.run.events) / operationsOf(side);
const eventsPerMeasuredOperation = (side: SideRun) => side.run.events / side.run.operations;
const throughputOf = (side: SideRun) => (side.run.durationNs > 0 ? (side.run.operations * 1e9) / side.run.durationNs : 0);
const hitRatioOf = (side: SideRun) => {
  const lookups = side.run.cacheHits + side.run.cacheMisses;
  return lookups > 0 ? side.run.cacheHits / lookups : 0;
};

/**
 * Alternates `repetitions` JS runs and C runs of YCSB-C from one loaded cluster (JS first,
 * then C, and so on); reports medians of simulated operations per CPU-second.
 */
export function benchmarkNativeSim(operations: number, warmupOperations: number, repetitions: number, config: Record<string, number> = {}): NativeSimResult {
  const build = buildNativeSim();
  const pair = prepareSimPair(operations, warmupOperations, config);
  const js: SideRun[] = [];
  const native: SideRun[] = [];
  try {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      js.push(pair.runJs());
      if ('executable' in build) native.push(pair.runNative(build.executable));
    }
  } finally {
    pair.dispose();
  }
  const jsSpeed = median(js.map((side) => operationsOf(side) / side.cpuSeconds));
  const base = {
    records: pair.cluster.spec.layout.config.records,
    operations,
    warmupOperations,
    repetitions,
    jsOperationsPerCpuSecond: jsSpeed,
    jsEventsPerOperation: eventsPerOperation(js[0]),
    jsEventsPerMeasuredOperation: eventsPerMeasuredOperation(js[0]),
    jsSimulatedThroughput: throughputOf(js[0]),
    jsHitRatio: hitRatioOf(js[0]),
    js,
    native,
  };
  if ('skipped' in build) return { ...base, nativeSkipped: build.skipped };
  const mismatch = js.map((side, index) => compareRuns(side, native[index])).find((difference) => difference !== undefined);
  const nativeSpeed = median(native.map((side) => operationsOf(side) / side.cpuSeconds));
  return {
    ...base,
    compiler: build.compiler,
    nativeOperationsPerCpuSecond: nativeSpeed,
    share: jsSpeed / nativeSpeed,
    nativeEventsPerOperation: eventsPerOperation(native[0]),
    nativeEventsPerMeasuredOperation: eventsPerMeasuredOperation(native[0]),
    nativeSimulatedThroughput: throughputOf(native[0]),
    nativeHitRatio: hitRatioOf(native[0]),
    exact: mismatch === undefined,
    mismatch,
  };
}

/** Issue 9: the simulator at ≥ 75 % of its native replica's simulated operations per CPU-second. */
export const NATIVE_SIM_SHARE_TARGET = 0.75;

/** The bench's report of a comparison. */
export function formatNativeSim(result: NativeSimResult): string {
  const rows = [
    {
      side: 'JS simulator', speed: result.jsOperationsPerCpuSecond, events: result.jsEventsPerOperation, measuredEvents: result.jsEventsPerMeasuredOperation,
      throughput: result.jsSimulatedThroughput, hitRatio: result.jsHitRatio,
    },
  ];
  if (result.nativeOperationsPerCpuSecond !== undefined) {
    rows.push({
      side: `C replica (${result.compiler} -O2)`, speed: result.nativeOperationsPerCpuSecond, events: result.nativeEventsPerOperation ?? 0,
      measuredEvents: result.nativeEventsPerMeasuredOperation ?? 0,
      throughput: result.nativeSimulatedThroughput ?? 0, hitRatio: result.nativeHitRatio ?? 0,
    });
  }
  let text = `\nSimulator against its native replica (YCSB-C on Scalio, ${integer(result.records)} records: ${integer(result.warmupOperations)} warm-up + ` +
    `${integer(result.operations)} measured operations; bench/native/sim.c does the same events from the same loaded bytes; ` +
    `median of ${result.repetitions} alternating runs)\n\n`;
  text += `${table(rows, [
    { title: 'side', value: (row) => row.side },
    { title: 'sim-ops per CPU-s', value: (row) => siNumber(row.speed), right: true },
    { title: 'events/op', value: (row) => fixed(row.events, 3), right: true },
    { title: 'measured phase', value: (row) => fixed(row.measuredEvents, 3), right: true },
    { title: 'simulated throughput', value: (row) => `${siNumber(row.throughput)}ops/s`, right: true },
    { title: 'hit ratio', value: (row) => fixed(row.hitRatio, 3), right: true },
  ])}\n`;
  if (result.nativeSkipped !== undefined) {
    text += `note: ${result.nativeSkipped}; share not measured\n`;
  } else if (result.exact !== true) {
    text += `share not reported: the replica did not do the same work (${result.mismatch})\n`;
  } else {
    const share = result.share ?? 0;
    text += `share: ${fixed(100 * share, 1)} % of the replica (target >= ${100 * NATIVE_SIM_SHARE_TARGET} %: ${share >= NATIVE_SIM_SHARE_TARGET ? 'met' : 'MISSED'}); ` +
      'replica exact: same events, virtual end times, latency sums, hits and cache bytes as every JS run\n';
  }
  text += `CPU time: process.cpuUsage (all threads) around the JS phases, CLOCK_PROCESS_CPUTIME_ID around the C ones; ` +
    `load average at the end: ${loadavg().map((load) => load.toFixed(2)).join(' ')} on ${availableParallelism()} cores\n`;
  return text;
}
