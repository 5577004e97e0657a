/**
 * The live engine against its native reference (issue 9): bench/native/live.c, a C port of
 * what the live engine does on YCSB-C with Scalio (see its header for what is ported and
 * what differs), run on the same data in the same bench run.
 *
 * One cluster is built and loaded by the project's own code and warmed up by the live
 * engine; its memory (DPU DRAM, arenas, YCSB state) and SSD blocks are dumped for the C
 * program. Then native and JavaScript measured phases alternate: each C run starts from the
 * dump; each JavaScript run continues the cluster where the last left it (both are steady
 * state: YCSB-C only reads). Both sides count operations per CPU-second of the whole process
 * (every thread): the CPU clock and the completed-operation count are sampled every 200 ms
 * while the clients run, and the rate is taken between the first and the last sample, so
 * thread start-up and the tail are left out on both sides alike.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { bucketIdsPerDevice } from '../src/config.js';
import { buildCluster, type Cluster } from '../src/engine/cluster.js';
import { runLive } from '../src/engine/live/engine.js';
import { operationsOfClient } from '../src/engine/run.js';
import { Counter, DeviceCounter } from '../src/hw/counters.js';
import { poolChunks, SsdArray } from '../src/hw/ssd.js';
import { SLOT_ACCESS_TIME_OFFSET } from '../src/layout/cache-slot.js';
import { packageRoot } from '../src/paths.js';
import { fixed, integer, siNumber, table } from '../src/cli/format.js';
import { slotGeometry } from '../src/systems/scalio/cache.js';
import { BACKOFF_FIRST_NS, BACKOFF_MAX_NS, GET_ATTEMPTS_MAX, scalioSlotImageScratch } from '../src/systems/scalio/client.js';
import { CACHE_EPOCH_NS, EPOCH_REFRESH_NS, LEASE_EPOCHS, SWEEP_SLOTS_PER_EPOCH } from '../src/systems/scalio/lease.js';
import { GET_NEEDS_MACHINE } from '../src/systems/system.js';
import { NOT_FOUND } from '../src/store/context.js';
import { READ_RESTARTS_MAX } from '../src/store/read.js';
import {
  IDLE_SLEEP_MS as CLIENT_IDLE_SLEEP_MS, IDLE_SPINS_BEFORE_SLEEP as CLIENT_IDLE_SPINS_BEFORE_SLEEP, PROGRESS_BATCH,
} from '../src/engine/live/client-thread.js';
import { IDLE_SLEEP_MS as CORE_IDLE_SLEEP_MS, IDLE_SPINS_BEFORE_SLEEP as CORE_IDLE_SPINS_BEFORE_SLEEP } from '../src/engine/live/core-thread.js';
import { planWorkload, recordSettings, type WorkloadPlan, workloadByName } from '../src/ycsb/workloads.js';
import { buildNative, layoutDefines, nativeDirectory, ssdDefines, writeSsdDump } from './native.js';

export const NATIVE_LIVE_SOURCE = join(packageRoot(), 'bench', 'native', 'live.c');
const PROGRESS_INTERVAL_NOTE = 'CPU time and completed operations sampled every 200 ms while the clients run';

export type NativeLiveBuild = { readonly executable: string; readonly compiler: string } | { readonly skipped: string };

/** A nanosecond constant for C, as a double (the C side computes with doubles, as JavaScript does). */
function nanoseconds(name: string, valueNs: number): string {
  return `-D${name}=((double)${valueNs})`;
}

/** -D for every constant of the live engine's path that live.c uses, each from where TypeScript defines it. */
export function liveDefines(): string[] {
  return [
    `-DGET_ATTEMPTS_MAX=${GET_ATTEMPTS_MAX}`, nanoseconds('BACKOFF_FIRST_NS', BACKOFF_FIRST_NS), nanoseconds('BACKOFF_MAX_NS', BACKOFF_MAX_NS),
    `-DREAD_RESTARTS_MAX=${READ_RESTARTS_MAX}`,
    nanoseconds('CACHE_EPOCH_NS', CACHE_EPOCH_NS), nanoseconds('EPOCH_REFRESH_NS', EPOCH_REFRESH_NS),
    `-DLEASE_EPOCHS=${LEASE_EPOCHS}`, `-DSWEEP_SLOTS_PER_EPOCH=${SWEEP_SLOTS_PER_EPOCH}`,
    `-DNOT_FOUND=(${NOT_FOUND})`, `-DGET_NEEDS_MACHINE=(${GET_NEEDS_MACHINE})`,
    `-DPROGRESS_BATCH=${PROGRESS_BATCH}`, `-DCLIENT_IDLE_SPINS_BEFORE_SLEEP=${CLIENT_IDLE_SPINS_BEFORE_SLEEP}`,
    `-DCLIENT_IDLE_SLEEP_NS=${Math.round(CLIENT_IDLE_SLEEP_MS * 1e6)}`,
    `-DCORE_IDLE_SPINS_BEFORE_SLEEP=${CORE_IDLE_SPINS_BEFORE_SLEEP}`, nanoseconds('CORE_IDLE_SLEEP_NS', CORE_IDLE_SLEEP_MS * 1e6),
  ];
}

/** Builds bench/native/live.c (`cc -O2 -pthread`, every constant by -D; see buildNative). */
export function buildNativeLive(): NativeLiveBuild {
  const counterDefines = [
    ...Object.entries(Counter).map(([name, value]) => `-DCOUNTER_${name}=${value}`),
    `-DCOUNTER_COUNT=${Object.keys(Counter).length}`,
    ...Object.entries(DeviceCounter).map(([name, value]) => `-DDEVICE_COUNTER_${name}=${value}`),
  ];
  const flags = ['-O2', '-std=gnu11', '-pthread', ...layoutDefines(), ...ssdDefines(), ...liveDefines(), ...counterDefines];
  return buildNative(NATIVE_LIVE_SOURCE, flags, 'the native reference of the live engine is');
}

/** What one measured phase did, on either side. */
export interface LivePhase {
  readonly operations: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly hitRatio: number;
  readonly readFallbacks: number;
  readonly notFound: number;
  /**
   * The verbs the hardware counted (RDMA READs other than the lease epoch's, whose count
   * follows the clock; WRITEs, CAS, offloaded NVMe reads): the same on both sides for the
   * same operations.
   */
  readonly verbs: { readonly rdmaReadsBesideEpoch: number; readonly rdmaWrites: number; readonly rdmaCompareSwaps: number; readonly nvmeReads: number };
  /**
   * Events that depend on timing, not on the operations alone: waits behind another
   * reader's fill, torn reads, reservation conflicts, fills whose lease ran out (a thread
   * preempted for several ms on a loaded machine), slots the lease sweep freed or a reader
   * took over, fallbacks. With none on either side, a one-thread run is deterministic.
   */
  readonly timingEvents: number;
  /**
   * Operations per CPU-second of the whole process, over the sampled window when `windowed`;
   * otherwise over the whole phase, which does not compare across sides (see `windowed`).
   */
  readonly operationsPerCpuSecond: number;
  /**
   * Whether the rate is over the window between two progress samples (start-up and tail
   * left out). A phase too short for two samples counts from its start instead, and the
   * sides start differently: the JavaScript side from before runLive (worker start-up
   * included), the C side from its start signal (threads already up); no share is taken then.
   */
  readonly windowed: boolean;
  readonly wallSeconds: number;
}

/** A cluster loaded and warmed by the live engine, dumped for the native reference. */
export interface PreparedLive {
  readonly cluster: Cluster;
  readonly plan: WorkloadPlan;
  readonly clientThreads: number;
  readonly memoryPath: string;
  readonly ssdPath: string;
  /** The command-line settings of bench/native/live.c (without `operations` and `threads`). */
  readonly parameters: Record<string, number>;
  readonly dispose: () => void;
}


function counterOf(values: Float64Array, counter: number): number {
  return values[counter];
}

/**
 * Builds and loads a cluster at the default scale (or `config`), warms it with the live
 * engine (`warmupOperations` YCSB-C operations) and dumps it for the native reference
 * (unless `dump` is false: no compiler, no native run). `system`: Scalio (the bench), or
 * Scalio without leases (whose one-thread runs cannot depend on timing: the port's test).
 */
export async function prepareLive(
  warmupOperations: number, clientThreads = availableParallelism(), config: Record<string, number> = {}, dump = true,
  system: 'scalio' | 'scalio-no-lease' = 'scalio',
): Promise<PreparedLive> {
  const workload = workloadByName('C');
  const cluster = buildCluster({ ...recordSettings(workload), ...config }, system);
  const layout = cluster.spec.layout;
  const resolved = layout.config;
  const plan = planWorkload(workload, resolved, warmupOperations);
  const split = (total: number) => Array.from({ length: resolved.clients }, (_, client) => operationsOfClient(total, resolved.clients, client));
  await runLive(cluster.spec, {
    plan, script: null, operationsPerClient: split(warmupOperations), recordHistory: false, clientThreads, continueRandomStreams: false,
  });
  // After the warm-up: the shared clock (main thread's timeline, ns) goes on from here on both sides.
  const clockOffsetNs = performance.now() * 1e6;

  const regions = layout.plan.regions;
  const leased = system === 'scalio';
  const needed = [regions.cache, regions.storeIndex, regions.clientArenas, regions.ycsb, ...(leased ? [regions.cacheEpoch] : [])];
  const memoryBytes = Math.max(...needed.map((region) => region.base + region.bytes));
  const directory = nativeDirectory();
  const memoryPath = join(directory, `live-memory-${process.pid}.bin`);
  const ssdPath = join(directory, `live-ssds-${process.pid}.bin`);
  const ssds = new SsdArray(cluster.spec.ssds);
  if (dump) {
    const memoryFile = openSync(memoryPath, 'w');
    writeSync(memoryFile, new Uint8Array(cluster.spec.memory.buffer, 0, memoryBytes));
    closeSync(memoryFile);
    writeSsdDump(ssds, ssdPath);
  }

  const geometry = slotGeometry(resolved);
  const arena = layout.clientArena;
  const fieldLengthMax = resolved.valueBytes / resolved.valueFields;
  const zipfian = plan.zipfian ?? { items: 0, theta: 0, zetan: 0 };
  const regionParameters = (prefix: string, region: { base: number; bytes: number; remoteKey: number; wholeWordStrideBytes: number }) => ({
    [`${prefix}Base`]: region.base, [`${prefix}Bytes`]: region.bytes, [`${prefix}Key`]: region.remoteKey, [`${prefix}Stride`]: region.wholeWordStrideBytes,
  });
  const parameters: Record<string, number> = {
    clients: resolved.clients, dpuCores: resolved.dpuCores, clockOffsetNs, leased: leased ? 1 : 0,
    slotsPerBucket: resolved.slotsPerBucket, slotBytes: geometry.slotBytes, keyBytesMax: resolved.keyBytesMax, valueBytesMax: resolved.valueBytesMax,
    valueOffset: geometry.valueOffset, bucketCount: resolved.cacheSlots / resolved.slotsPerBucket,
    bucketIdBits: resolved.bucketIdBits, devices: resolved.ssds, bucketIdsPerDevice: bucketIdsPerDevice(resolved),
    blocksPerDevice: ssds.blocksPerDevice, chunkBytes: cluster.spec.ssds.chunkBytes, poolChunks: poolChunks(ssds.blocksPerDevice, cluster.spec.ssds.chunkBytes),
    arenasBase: regions.clientArenas.base, arenaBytes: arena.bytes,
    arenaRandom: arena.random, arenaOperands: arena.operands, arenaWord: arena.word, arenaIndexEntry: arena.indexEntry, arenaKey: arena.key,
    arenaValue: arena.value, arenaChain: arena.chain, arenaValueBlocks: arena.valueBlocks, arenaSystem: arena.system,
    slotImageOffset: scalioSlotImageScratch(geometry, 0),
    ...regionParameters('cache', regions.cache), ...regionParameters('index', regions.storeIndex),
    ...(leased ? regionParameters('epoch', regions.cacheEpoch) : {}),
    zipfianItems: zipfian.items, zipfianTheta: zipfian.theta, zipfianZetan: zipfian.zetan,
    readShare: plan.readShare, updateShare: plan.updateShare, insertShare: plan.insertShare, distribution: plan.distribution,
    chooserMin: plan.chooserMin, chooserItemCount: plan.chooserItemCount, shared: regions.ycsb.base,
    orderedKeys: resolved.orderedKeys, keyZeroPadding: resolved.keyZeroPadding, fields: resolved.valueFields,
    fieldLengthMin: resolved.valueFieldBytesMin === 0 ? fieldLengthMax : resolved.valueFieldBytesMin, fieldLengthMax,
    fieldLengthDistribution: resolved.valueFieldBytesMin === 0 ? 0 : 1,
  };
  return {
    cluster, plan, clientThreads, memoryPath, ssdPath, parameters,
    dispose: () => {
      rmSync(memoryPath, { force: true });
      rmSync(ssdPath, { force: true });
    },
  };
}

/** One measured phase of the live engine on the prepared cluster, continuing where it stands. */
export async function runJavaScriptPhase(prepared: PreparedLive, operations: number): Promise<LivePhase> {
  const { cluster, plan, clientThreads } = prepared;
  const clients = cluster.spec.layout.config.clients;
  const samples: { cpuMicroseconds: number; operations: number }[] = [];
  const cpuTotal = () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  };
  const startCpu = cpuTotal();
  const startedMs = performance.now();
  const output = await runLive(cluster.spec, {
    plan, script: null, recordHistory: false, clientThreads, continueRandomStreams: true,
    operationsPerClient: Array.from({ length: clients }, (_, client) => operationsOfClient(operations, clients, client)),
    onProgress: (completed) => {
      if (completed < operations) samples.push({ cpuMicroseconds: cpuTotal(), operations: completed });
    },
  });
  const endCpu = cpuTotal();
  const wallSeconds = (performance.now() - startedMs) / 1000;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const windowed = samples.length >= 2 && last.cpuMicroseconds > first.cpuMicroseconds && last.operations > first.operations;
  const operationsPerCpuSecond = windowed
    ? (last.operations - first.operations) / ((last.cpuMicroseconds - first.cpuMicroseconds) / 1e6)
    : output.stats.operations / ((endCpu - startCpu) / 1e6);
  const values = output.counters.values;
  const hits = counterOf(values, Counter.cacheHits);
  const misses = counterOf(values, Counter.cacheMisses);
  return {
    operations: output.stats.operations,
    cacheHits: hits,
    cacheMisses: misses,
    hitRatio: hits + misses > 0 ? hits / (hits + misses) : 0,
    readFallbacks: counterOf(values, Counter.readFallbacks),
    notFound: output.stats.notFound,
    verbs: {
      rdmaReadsBesideEpoch: counterOf(values, Counter.rdmaReads) - counterOf(values, Counter.epochReads), rdmaWrites: counterOf(values, Counter.rdmaWrites),
      rdmaCompareSwaps: counterOf(values, Counter.rdmaCompareSwaps), nvmeReads: counterOf(values, Counter.nvmeReadsOffloaded),
    },
    timingEvents: [
      Counter.pendingWaits, Counter.tornReads, Counter.reservationConflicts, Counter.fillsAbandoned, Counter.reservationsLost,
      Counter.slotsSwept, Counter.slotsReclaimed, Counter.slotsScrubbed, Counter.readFallbacks,
    ].reduce((total, counter) => total + counterOf(values, counter), 0),
    operationsPerCpuSecond,
    windowed,
    wallSeconds,
  };
}

export interface NativePhase extends LivePhase {
  readonly cacheDigest: string;
}

/** One measured phase of bench/native/live.c from the dump. `dumpAfter`: also write its final memory there. */
export function runNativePhase(executable: string, prepared: PreparedLive, operations: number, threads = prepared.clientThreads, dumpAfter?: string): NativePhase {
  const parameters = { ...prepared.parameters, operations, threads };
  const args = [prepared.memoryPath, prepared.ssdPath, ...Object.entries(parameters).map(([name, value]) => `${name}=${value}`)];
  if (dumpAfter !== undefined) args.push(`dumpAfter=${dumpAfter}`);
  const run = spawnSync(executable, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`bench/native/live.c failed (${run.status ?? run.signal}): ${run.stderr.trim()}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() as string);
  return {
    operations: result.operations,
    cacheHits: result.cacheHits,
    cacheMisses: result.cacheMisses,
    hitRatio: result.hitRatio,
    readFallbacks: result.readFallbacks,
    notFound: result.notFound,
    verbs: { rdmaReadsBesideEpoch: result.rdmaReads - result.epochReads, rdmaWrites: result.rdmaWrites, rdmaCompareSwaps: result.rdmaCompareSwaps, nvmeReads: result.nvmeReads },
    timingEvents: ['pendingWaits', 'tornReads', 'reservationConflicts', 'fillsAbandoned', 'reservationsLost', 'slotsSwept', 'slotsReclaimed', 'slotsScrubbed', 'readFallbacks']
      .reduce((total, name) => total + (result[name] as number), 0),
    operationsPerCpuSecond: result.operationsPerCpuSecond,
    windowed: result.windowed === true,
    wallSeconds: result.wallNs / 1e9,
    cacheDigest: result.cacheDigest,
  };
}

/** A hash of a cache region without its slots' access times (clock readings differ between runs). */
export function cacheDigestOf(memory: Uint8Array, base: number, slots: number, slotBytes: number): string {
  const copy = memory.slice(base, base + slots * slotBytes);
  for (let slot = 0; slot < slots; slot++) copy.fill(0, slot * slotBytes + SLOT_ACCESS_TIME_OFFSET, slot * slotBytes + SLOT_ACCESS_TIME_OFFSET + 8);
  return createHash('sha256').update(copy).digest('hex');
}

export interface NativeLiveReport {
  readonly workload: 'C';
  readonly operations: number;
  readonly warmupOperations: number;
  readonly repetitions: number;
  readonly clientThreads: number;
  readonly compiler?: string;
  /** Why the native side was not measured (no compiler), if it was not. */
  readonly nativeSkipped?: string;
  readonly javascript: readonly LivePhase[];
  readonly native: readonly NativePhase[];
  readonly javascriptOperationsPerCpuSecondMedian: number;
  readonly nativeOperationsPerCpuSecondMedian?: number;
  /** JavaScript over native, operations per CPU-second (medians). Target ≥ 0.8. Only when every phase was windowed. */
  readonly share?: number;
  /** Why no share was taken though both sides ran (a phase was not windowed), if so. */
  readonly shareRefused?: string;
  readonly method: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The live engine and its native reference on YCSB-C at the default scale, alternating. */
export async function benchmarkNativeLive(operations: number, warmupOperations: number, repetitions: number): Promise<NativeLiveReport> {
  const build = buildNativeLive();
  const prepared = await prepareLive(warmupOperations, availableParallelism(), {}, 'executable' in build);
  try {
    const javascript: LivePhase[] = [];
    const native: NativePhase[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      if ('executable' in build) native.push(runNativePhase(build.executable, prepared, operations));
      javascript.push(await runJavaScriptPhase(prepared, operations));
    }
    const javascriptMedian = median(javascript.map((phase) => phase.operationsPerCpuSecond));
    const nativeMedian = native.length > 0 ? median(native.map((phase) => phase.operationsPerCpuSecond)) : undefined;
    const unwindowed = [
      ...javascript.flatMap((phase, index) => (phase.windowed ? [] : [`JavaScript run ${index + 1}`])),
      ...native.flatMap((phase, index) => (phase.windowed ? [] : [`C run ${index + 1}`])),
    ];
    const shareRefused = nativeMedian !== undefined && unwindowed.length > 0
      ? `${unwindowed.join(', ')}: ended before two progress samples (200 ms apart), and a rate over a whole phase counts start-up, ` +
        'which differs between the sides (JavaScript: from before the worker threads start; C: from its start signal); run more operations'
      : undefined;
    return {
      workload: 'C',
      operations,
      warmupOperations,
      repetitions,
      clientThreads: prepared.clientThreads,
      compiler: 'compiler' in build ? build.compiler : undefined,
      nativeSkipped: 'skipped' in build ? build.skipped : undefined,
      javascript,
      native,
      javascriptOperationsPerCpuSecondMedian: javascriptMedian,
      nativeOperationsPerCpuSecondMedian: nativeMedian,
      share: nativeMedian === undefined || shareRefused !== undefined ? undefined : javascriptMedian / nativeMedian,
      shareRefused,
      method: `operations per CPU-second of the whole process (all threads), ${PROGRESS_INTERVAL_NOTE}; native and JavaScript phases alternate on one warmed cluster`,
    };
  } finally {
    prepared.dispose();
  }
}

/** Issue 9: the live engine at ≥ 80 % of its native reference, per CPU-second. */
export const NATIVE_LIVE_SHARE_TARGET = 0.8;

/** The bench's section: both sides' operations per CPU-second, hit ratios, and the share against its target. */
export function formatNativeLive(report: NativeLiveReport): string {
  const rows = [
    { side: 'live engine (JavaScript)', phases: report.javascript, median: report.javascriptOperationsPerCpuSecondMedian },
    ...(report.nativeOperationsPerCpuSecondMedian === undefined ? [] : [{ side: 'native reference (C)', phases: report.native, median: report.nativeOperationsPerCpuSecondMedian }]),
  ];
  const lines = [
    `Live engine against its native reference (YCSB-C, default scale, ${report.clientThreads} client threads; ${integer(report.warmupOperations)} warm-up, ` +
    `then ${report.repetitions} × ${integer(report.operations)} operations per side, alternating; medians)`,
    '',
    table(rows, [
      { title: 'side', value: (row) => row.side },
      { title: 'ops per CPU-s', value: (row) => `${siNumber(row.median)}ops`, right: true },
      { title: 'runs', value: (row) => row.phases.map((phase) => siNumber(phase.operationsPerCpuSecond).trim()).join(', '), right: true },
      { title: 'windowed', value: (row) => `${row.phases.filter((phase) => phase.windowed).length} of ${row.phases.length}`, right: true },
      { title: 'hit ratio', value: (row) => fixed(median(row.phases.map((phase) => phase.hitRatio)), 3), right: true },
      { title: 'fallbacks', value: (row) => integer(row.phases.reduce((total, phase) => total + phase.readFallbacks, 0)), right: true },
    ]),
  ];
  if (report.shareRefused !== undefined) {
    lines.push(`share: not taken: ${report.shareRefused}`);
  } else if (report.share === undefined) {
    lines.push(`note: ${report.nativeSkipped ?? 'the native reference did not run'}; share not measured`);
  } else {
    lines.push(`share: ${fixed(report.share * 100, 1)} % of the native reference (bench/native/live.c, ${report.compiler} -O2) — ` +
      `target ≥ ${NATIVE_LIVE_SHARE_TARGET * 100} %: ${report.share >= NATIVE_LIVE_SHARE_TARGET ? 'met' : 'MISSED'}`);
  }
  lines.push(`(${report.method})`);
  return `${lines.join('\n')}\n`;
}
