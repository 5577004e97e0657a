/**
 * The durability suite's scenarios, shared by `test/durability.test.ts` (the points that
 * run in `npm test`) and this file's command line, which runs many more:
 *
 *   npm run build --silent && node dist/bench/durability.js [--engine sim|live] [--scenarios N] [--first N]
 *
 * A scenario chains write phases on one set of SSD images. Each phase restarts from the
 * SSDs as the previous phase left them (the first loads a fresh store), runs a YCSB
 * update-heavy workload with its own seed, and ends in a crash at a seeded kill point — its
 * DPU cores' n-th NVMe write is cut off, torn if asked — or in a clean stop. A final
 * restart reads every key: each must hold a value its history allows (the last
 * acknowledged write, or a write in flight at a crash, or, if none was acknowledged since
 * the load, the loaded value or any value the previous phase allowed).
 */
import { parseArgs } from 'node:util';
import type { SsdImages } from '../src/engine/cluster.js';
import { loadedValueId, recordKey, resultId } from '../src/check/record-ids.js';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { type EngineName, run } from '../src/engine/run.js';
import { Counter } from '../src/hw/counters.js';
import { OPERATION_DELETE, OPERATION_INSERT, OPERATION_UPDATE } from '../src/layout/operations.js';
import { WORKLOADS, defineWorkload } from '../src/ycsb/workloads.js';

/** The workloads of a phase, by value size: update-heavy (10% reads) or update-only, zipfian. */
function workloadOf(valueBytes: number, updateOnly: boolean) {
  const mix = updateOnly ? { readProportion: 0, updateProportion: 1 } : { readProportion: 0.1, updateProportion: 0.9 };
  return defineWorkload({ ...WORKLOADS.A, name: `update ${updateOnly ? 'only' : 'heavy'}`, description: 'durability phase', ...mix, fieldCount: 1, fieldLength: valueBytes });
}

/** Writes a restarted store makes that count as "its first writes" (recovery's own first appends). */
export const FIRST_WRITES = 6;
const PHASES = 3;
/** Operations a phase that ends in a clean stop runs (one that crashes stops at its kill point). */
const CLEAN_STOP_OPERATIONS = 1200;
const CRASH_PHASE_OPERATIONS = 40_000;

export interface DurabilityPhase {
  readonly seed: number;
  /** The kill point: the phase's DPU cores die during this NVMe write; null for a clean stop. */
  readonly crashAfterCoreWrites: number | null;
  readonly tearWrites: boolean;
  readonly updateOnly: boolean;
  /** Operations of a phase that stops cleanly (CLEAN_STOP_OPERATIONS by default). */
  readonly operations?: number;
}

export interface DurabilityScenario {
  readonly name: string;
  readonly engine: EngineName;
  readonly config: Readonly<Record<string, number>>;
  readonly batched: boolean;
  /** Bytes of every value (the load's and the updates'). */
  readonly valueBytes: number;
  readonly phases: readonly DurabilityPhase[];
}

export interface DurabilityTally {
  killPoints: number;
  cleanStops: number;
  duringBucketCollection: number;
  duringValueCollection: number;
  inBatchedRuns: number;
  inFirstWritesAfterRestart: number;
  afterAnotherCrash: number;
  tornChainsSeen: number;
  keysChecked: number;
  failures: string[];
}

export function newTally(): DurabilityTally {
  return {
    killPoints: 0, cleanStops: 0, duringBucketCollection: 0, duringValueCollection: 0, inBatchedRuns: 0,
    inFirstWritesAfterRestart: 0, afterAnotherCrash: 0, tornChainsSeen: 0, keysChecked: 0, failures: [],
  };
}

export function describeTally(tally: DurabilityTally): string {
  return `${tally.killPoints} kill points (${tally.duringBucketCollection} inside bucket-log collection, ${tally.duringValueCollection} inside value-log collection, ` +
    `${tally.inBatchedRuns} in runs with batched writes, ${tally.inFirstWritesAfterRestart} in a restarted store's first ${FIRST_WRITES} writes, ` +
    `${tally.afterAnotherCrash} after an earlier crash), ${tally.cleanStops} clean stops, ${tally.tornChainsSeen} restarts found torn chains, ` +
    `${tally.keysChecked} final reads checked, ${tally.failures.length} failures`;
}

/** A small deterministic generator (mulberry32), so scenario n is the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Store shapes, all with logs small enough that garbage collection runs through most of a
 * phase: one SSD unbatched (LEED's 2-I/O writes), one SSD batched (packed multi-block value
 * appends, several chains per append), two SSDs with long chains (chain writes a crash can
 * tear in the middle), two SSDs batched with a short idle flush, and values of three
 * blocks (records with continuations, moved whole by the collector).
 */
const SHAPES: readonly { readonly name: string; readonly batched: boolean; readonly valueBytes: number; readonly config: Readonly<Record<string, number>>; readonly writesPerPhase: number }[] = [
  { name: 'unbatched', batched: false, valueBytes: 64, config: { records: 900, ssds: 1, dpuCores: 1, clients: 16, setBatch: 1, gcSegmentBlocks: 16, valueLogOverProvision: 1, bucketLogOverProvision: 1 }, writesPerPhase: 2400 },
  { name: 'batched', batched: true, valueBytes: 64, config: { records: 900, ssds: 1, dpuCores: 1, clients: 32, setBatch: 8, gcSegmentBlocks: 16, valueLogOverProvision: 1, bucketLogOverProvision: 1 }, writesPerPhase: 900 },
  { name: 'long chains', batched: false, valueBytes: 64, config: { records: 900, ssds: 2, dpuCores: 2, clients: 16, setBatch: 1, bucketIdBits: 5, gcSegmentBlocks: 16, valueLogOverProvision: 1, bucketLogOverProvision: 1 }, writesPerPhase: 2400 },
  { name: 'batched, long chains', batched: true, valueBytes: 64, config: { records: 900, ssds: 2, dpuCores: 2, clients: 32, setBatch: 4, batchIdleNs: 2000, bucketIdBits: 6, gcSegmentBlocks: 16, valueLogOverProvision: 1, bucketLogOverProvision: 1 }, writesPerPhase: 1200 },
  { name: 'large values, batched', batched: true, valueBytes: 1200, config: { records: 600, ssds: 1, dpuCores: 1, clients: 16, setBatch: 4, valueBytesMax: 1200, gcSegmentBlocks: 16, valueLogOverProvision: 2, bucketLogOverProvision: 1 }, writesPerPhase: 1000 },
];

/** `count` scenarios from number `first` on: the same numbers give the same scenarios. */
export function durabilityScenarios(engine: EngineName, count: number, first: number): DurabilityScenario[] {
  const scenarios: DurabilityScenario[] = [];
  for (let number = first; number < first + count; number++) {
    const next = random(number * 7919 + (engine === 'live' ? 17 : 0));
    const shape = SHAPES[number % SHAPES.length];
    const phases: DurabilityPhase[] = [];
    for (let phase = 0; phase < PHASES; phase++) {
      const draw = next();
      let crashAfterCoreWrites: number | null;
      if (phase > 0 && draw < 0.3) crashAfterCoreWrites = 1 + Math.floor(next() * FIRST_WRITES);
      else if (draw < 0.93) crashAfterCoreWrites = 1 + Math.floor(next() * (engine === 'live' ? shape.writesPerPhase / 4 : shape.writesPerPhase));
      else crashAfterCoreWrites = null;
      phases.push({ seed: number * 10 + phase + 1, crashAfterCoreWrites, tearWrites: next() < 0.75, updateOnly: next() < 0.3 });
    }
    scenarios.push({ name: `${engine} scenario ${number} (${shape.name})`, engine, config: shape.config, batched: shape.batched, valueBytes: shape.valueBytes, phases });
  }
  return scenarios;
}

/** Runs one scenario; adds what it covered, and every key that read back wrong, to `tally`. */
export async function runScenario(scenario: DurabilityScenario, tally: DurabilityTally): Promise<void> {
  const loadSeed = scenario.phases[0].seed;
  const records = scenario.config.records;
  let allowed: Set<number>[] = Array.from({ length: records }, (_, record) => new Set([loadedValueId(loadSeed, record, scenario.valueBytes)]));
  let images: SsdImages | undefined;
  let crashedBefore = false;
  for (const [index, phase] of scenario.phases.entries()) {
    const where = `${scenario.name}, phase ${index + 1} (seed ${phase.seed}, ${phase.crashAfterCoreWrites === null ? 'clean stop' : `kill point ${phase.crashAfterCoreWrites}`})`;
    const report = await run({
      system: 'scalio',
      engine: scenario.engine,
      config: { ...scenario.config, seed: phase.seed },
      images,
      workload: workloadOf(scenario.valueBytes, phase.updateOnly),
      operations: phase.crashAfterCoreWrites === null ? phase.operations ?? CLEAN_STOP_OPERATIONS : CRASH_PHASE_OPERATIONS,
      recordHistory: true,
      crash: phase.crashAfterCoreWrites === null ? undefined : { afterCoreWrites: phase.crashAfterCoreWrites, tearWrites: phase.tearWrites },
    });
    if (report.recovery !== null) {
      if (report.recovery.damagedItems > 0) tally.failures.push(`${where}: the restart found ${report.recovery.damagedItems} items whose value record is not theirs`);
      if (report.recovery.incompleteChains > 0) tally.tornChainsSeen++;
    }
    if (phase.crashAfterCoreWrites !== null && !report.crashed && scenario.engine === 'sim') {
      tally.failures.push(`${where}: the phase ended before its kill point`);
    }
    if (report.crashed) {
      tally.killPoints++;
      const counters = report.counters;
      if (counters.get(Counter.gcBucketSegmentsStarted) > counters.get(Counter.gcBucketSegments)) tally.duringBucketCollection++;
      if (counters.get(Counter.gcValueSegmentsStarted) > counters.get(Counter.gcValueSegments)) tally.duringValueCollection++;
      if (scenario.batched) tally.inBatchedRuns++;
      if (index > 0 && (phase.crashAfterCoreWrites ?? 0) <= FIRST_WRITES) tally.inFirstWritesAfterRestart++;
      if (crashedBefore) tally.afterAnotherCrash++;
      crashedBefore = true;
    } else {
      tally.cleanStops++;
    }
    if (report.counters.get(Counter.deviceFullRefusals) > 0) tally.failures.push(`${where}: ${report.counters.get(Counter.deviceFullRefusals)} writes refused for a full device`);
    allowed = allowedAfter(allowed, report.history as Float64Array, report.inFlight);
    images = report.images;
  }
  // The final restart reads every key, on the simulator (the reads are the same on both engines).
  const keys = Array.from({ length: records }, (_, record) => ({ kind: 'get' as const, key: recordKey(record) }));
  const final = await run({ system: 'scalio', engine: 'sim', config: { clients: 1 }, images, script: [keys] });
  if ((final.recovery?.damagedItems ?? 0) > 0) tally.failures.push(`${scenario.name}, final restart: ${final.recovery?.damagedItems} damaged items`);
  const results = final.scriptResults?.[0] ?? [];
  for (let record = 0; record < records; record++) {
    tally.keysChecked++;
    const found = resultId(results[record] ?? null);
    if (!allowed[record].has(found)) {
      tally.failures.push(`${scenario.name}: record ${record} reads value ${found}; allowed ${[...allowed[record]].join(', ')}`);
    }
  }
}

/**
 * The values each key may hold after a phase, given those it could hold before: any
 * acknowledged write not followed by a later-started acknowledged one, any write in flight
 * at a crash, and — if no write of it was acknowledged — whatever it could hold before.
 */
function allowedAfter(before: readonly Set<number>[], history: Float64Array, inFlight: Float64Array | null): Set<number>[] {
  const acknowledged = new Map<number, { valueId: number; call: number; returned: number }[]>();
  const pending = new Map<number, number[]>();
  const isWrite = (kind: number) => kind === OPERATION_UPDATE || kind === OPERATION_DELETE || kind === OPERATION_INSERT;
  for (let at = 0; at < history.length; at += HISTORY_FIELDS) {
    if (!isWrite(history[at + 1])) continue;
    const key = history[at + 2];
    const list = acknowledged.get(key) ?? [];
    list.push({ valueId: history[at + 3], call: history[at + 4], returned: history[at + 5] });
    acknowledged.set(key, list);
  }
  for (let at = 0; inFlight !== null && at < inFlight.length; at += HISTORY_FIELDS) {
    if (!isWrite(inFlight[at + 1])) continue;
    const key = inFlight[at + 2];
    const list = pending.get(key) ?? [];
    list.push(inFlight[at + 3]);
    pending.set(key, list);
  }
  return before.map((previous, key) => {
    const writes = acknowledged.get(key) ?? [];
    const values = new Set<number>(pending.get(key) ?? []);
    for (const write of writes) if (!writes.some((later) => later.call > write.returned)) values.add(write.valueId);
    if (writes.length === 0) for (const value of previous) values.add(value);
    return values;
  });
}

/** Command line: more scenarios than `npm test` runs. */
async function main(): Promise<void> {
  let values: { engine?: string; scenarios?: string; first?: string };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { engine: { type: 'string', default: 'sim' }, scenarios: { type: 'string', default: '1000' }, first: { type: 'string', default: '100000' } },
    }));
  } catch (error) {
    process.stderr.write(`durability: ${(error as Error).message}; options: --engine sim|live, --scenarios N, --first N\n`);
    process.exit(2);
  }
  const engine = values.engine as EngineName;
  const count = Number(values.scenarios);
  const first = Number(values.first);
  if (engine !== 'sim' && engine !== 'live') {
    process.stderr.write(`durability: --engine must be sim or live, got "${values.engine}"\n`);
    process.exit(2);
  }
  if (!/^[1-9][0-9]*$/.test(values.scenarios ?? '') || !/^[0-9]+$/.test(values.first ?? '')) {
    process.stderr.write('durability: --scenarios must be a positive integer and --first a non-negative integer\n');
    process.exit(2);
  }
  const tally = newTally();
  const started = performance.now();
  for (const [index, scenario] of durabilityScenarios(engine, count, first).entries()) {
    await runScenario(scenario, tally);
    if ((index + 1) % 50 === 0) process.stderr.write(`${index + 1}/${count} scenarios, ${tally.killPoints} kill points, ${tally.failures.length} failures\n`);
  }
  process.stdout.write(`durability (${engine}, scenarios ${first}..${first + count - 1}): ${describeTally(tally)} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  for (const failure of tally.failures.slice(0, 20)) process.stdout.write(`  ${failure}\n`);
  process.exit(tally.failures.length > 0 ? 1 : 0);
}

if (process.argv[1]?.endsWith('durability.js')) await main();
