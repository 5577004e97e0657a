/**
 * YCSB core workloads: what a workload says (the properties of Java YCSB's CoreWorkload),
 * the built-in ones, and the plan the kernels run it by.
 *
 * A workload comes by name (`A`…`F`, built in: the stock workloads' operation mixes and
 * distributions with the paper's 64-byte values and the artifact's zipfian ranks) or from a
 * property file (`src/ycsb/workload-file.ts`; the six stock files are in `workloads/`).
 *
 * The scrambled zipfian chooser comes in two *rank spaces* (README, "YCSB"):
 *
 * - `java` — Java YCSB's `ScrambledZipfianGenerator`: ranks drawn over 10^10 items (ζ
 *   precomputed for θ = 0.99), folded onto the keys by `fnvhash64(rank) mod itemcount`.
 *   Ranks past the record count carry much of the mass and land uniformly, so the skew the
 *   keys see is much flatter than θ suggests. Workload files use it unless they say
 *   otherwise (`scalio.rankspace=records`).
 * - `records` — the Scalio artifact's generator: ranks drawn over the key count with the
 *   exact ζ(n, θ), then scrambled the same way. The paper's figures were measured with it;
 *   the built-in workloads use it.
 */
import type { ResolvedConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import {
  DISTRIBUTION_EXPONENTIAL, DISTRIBUTION_HOTSPOT, DISTRIBUTION_LATEST, DISTRIBUTION_SEQUENTIAL, DISTRIBUTION_UNIFORM,
  DISTRIBUTION_ZIPFIAN, FIELD_LENGTH_CONSTANT, FIELD_LENGTH_UNIFORM,
} from '../layout/ycsb.js';
import { SCRAMBLED_ITEM_COUNT, SCRAMBLED_ZETAN, ZIPFIAN_CONSTANT, zeta } from './reference.js';

export type RankSpace = 'java' | 'records';
export type RequestDistribution = 'uniform' | 'zipfian' | 'latest' | 'hotspot' | 'exponential' | 'sequential';
export const REQUEST_DISTRIBUTIONS: readonly RequestDistribution[] = ['uniform', 'zipfian', 'latest', 'hotspot', 'exponential', 'sequential'];

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** The file it was read from; undefined for a built-in or one made in code. */
  readonly source?: string;
  /** Shares of the operations (they sum to 1): reads, updates, inserts, read-modify-writes. */
  readonly readProportion: number;
  readonly updateProportion: number;
  readonly insertProportion: number;
  readonly readModifyWriteProportion: number;
  readonly requestDistribution: RequestDistribution;
  /** θ of the zipfian and latest choosers, in (0, 1). */
  readonly zipfianConstant: number;
  readonly rankSpace: RankSpace;
  /** Key names: `"user" + fnvhash64(n)` (hashed, Java's default) or `"user" + n` (ordered). */
  readonly insertOrder: 'hashed' | 'ordered';
  /** Key numbers are zero padded to this many digits (1 to 20). */
  readonly zeroPadding: number;
  /** A record is `fieldCount` fields of `fieldLength` bytes (or uniform in [minFieldLength, fieldLength]), stored as one value. */
  readonly fieldCount: number;
  readonly fieldLength: number;
  readonly minFieldLength: number;
  readonly fieldLengthDistribution: 'constant' | 'uniform';
  /**
   * The first key number this client loads and draws from (YCSB `insertstart`). As in
   * Java, the latest and exponential choosers ignore it: they count back from the newest
   * acknowledged key, so with insertstart > 0 they also draw keys other clients would
   * have loaded (here: keys never loaded, which reads find absent).
   */
  readonly insertStart: number;
  /** Keys loaded and drawn from, from `insertStart` (YCSB `insertcount`; default: recordcount - insertstart). */
  readonly insertCount?: number;
  /** Hotspot chooser: the share of the keys that are hot, and of the operations that go to them. */
  readonly hotspotDataFraction: number;
  readonly hotspotOperationFraction: number;
  /** Exponential chooser: `exponentialPercentile` % of the operations go to the newest `exponentialFraction` of the keys. */
  readonly exponentialPercentile: number;
  readonly exponentialFraction: number;
  /** What a file may say about the run (command-line flags win): `recordcount`, `operationcount`, `maxexecutiontime`, `threadcount`. */
  readonly recordCount?: number;
  readonly operationCount?: number;
  readonly maxExecutionTimeSeconds?: number;
  readonly threadCount?: number;
}

/** Java CoreWorkload's defaults, for what a workload does not say. */
export const CORE_WORKLOAD_DEFAULTS = Object.freeze({
  readProportion: 0.95,
  updateProportion: 0.05,
  insertProportion: 0,
  readModifyWriteProportion: 0,
  requestDistribution: 'uniform' as RequestDistribution,
  zipfianConstant: ZIPFIAN_CONSTANT,
  rankSpace: 'java' as RankSpace,
  insertOrder: 'hashed' as const,
  zeroPadding: 1,
  fieldCount: 10,
  fieldLength: 100,
  minFieldLength: 1,
  fieldLengthDistribution: 'constant' as const,
  insertStart: 0,
  hotspotDataFraction: 0.2,
  hotspotOperationFraction: 0.8,
  exponentialPercentile: 95,
  exponentialFraction: 0.8571428571,
});

/** A workload from the properties it sets; the rest are CoreWorkload's defaults. */
export function defineWorkload(properties: Partial<Workload> & Pick<Workload, 'name' | 'description'>): Workload {
  return Object.freeze({ ...CORE_WORKLOAD_DEFAULTS, ...properties });
}

/** The paper's record: one 64-byte value (fieldcount=1, fieldlength=64 in the artifact's files). */
const PAPER_RECORDS = { fieldCount: 1, fieldLength: 64, rankSpace: 'records' as RankSpace };

/**
 * The built-in workloads: the stock workloads' mixes and request distributions over the
 * paper's records (workloads/ has the stock files themselves, with 1 KB records).
 */
export const WORKLOADS: Readonly<Record<string, Workload>> = Object.freeze({
  A: defineWorkload({ name: 'A', description: 'update heavy: 50% reads, 50% updates, zipfian', readProportion: 0.5, updateProportion: 0.5, requestDistribution: 'zipfian', ...PAPER_RECORDS }),
  B: defineWorkload({ name: 'B', description: 'read mostly: 95% reads, 5% updates, zipfian', readProportion: 0.95, updateProportion: 0.05, requestDistribution: 'zipfian', ...PAPER_RECORDS }),
  C: defineWorkload({ name: 'C', description: 'read only: 100% reads, zipfian', readProportion: 1, updateProportion: 0, requestDistribution: 'zipfian', ...PAPER_RECORDS }),
  D: defineWorkload({ name: 'D', description: 'read latest: 95% reads, 5% inserts, latest', readProportion: 0.95, updateProportion: 0, insertProportion: 0.05, requestDistribution: 'latest', ...PAPER_RECORDS }),
  F: defineWorkload({ name: 'F', description: 'read-modify-write: 50% reads, 50% read-modify-writes, zipfian', readProportion: 0.5, updateProportion: 0, readModifyWriteProportion: 0.5, requestDistribution: 'zipfian', ...PAPER_RECORDS }),
});

/** Why workload E (95 % scans) cannot run here; said wherever E is asked for. */
export const SCANS_REFUSED =
  'scans (YCSB workload E) need keys in order, and LEED\'s store, like Scalio\'s and Ditto\'s caches, is a hash table: ' +
  'keys are placed by a hash of the key, so there is no next key to scan to. Emulating a scan by point reads would ' +
  'measure something else; use a workload without scanproportion';

export function workloadByName(name: string): Workload {
  const workload = WORKLOADS[name.toUpperCase()];
  if (workload === undefined) {
    if (name.toUpperCase() === 'E') throw new ConfigError(`workload E cannot run: ${SCANS_REFUSED}`);
    throw new ConfigError(`unknown workload "${name}"; built in: ${Object.keys(WORKLOADS).join(', ')} (E is refused: it scans), or give a YCSB workload file`);
  }
  return workload;
}

/** A workload's mix in words: "50% reads, 50% updates, zipfian θ=0.99 (java ranks)". */
export function describeMix(workload: Workload): string {
  const shares = workload.readProportion + workload.updateProportion + workload.insertProportion + workload.readModifyWriteProportion;
  const parts = ([
    [workload.readProportion, 'reads'], [workload.updateProportion, 'updates'], [workload.insertProportion, 'inserts'],
    [workload.readModifyWriteProportion, 'read-modify-writes'],
  ] as const).filter(([share]) => share > 0).map(([share, name]) => `${Number(((share / shares) * 100).toFixed(1))}% ${name}`);
  let distribution: string = workload.requestDistribution;
  if (distribution === 'zipfian') distribution = `zipfian θ=${workload.zipfianConstant} (${workload.rankSpace} ranks)`;
  if (distribution === 'latest') distribution = `latest θ=${workload.zipfianConstant}`;
  return `${parts.join(', ')}, ${distribution}`;
}

/** Bytes of the largest record value a workload writes. */
export function recordBytesMax(workload: Workload): number {
  return workload.fieldCount * workload.fieldLength;
}

const zetaCache = new Map<string, number>();

/**
 * ζ(n, θ) for the generators: summed term by term as Java's `zetastatic` does up to 10^7
 * items (cached per (n, θ): 10^7 terms take ~0.15 s), by Euler–Maclaurin beyond.
 */
export function cachedZeta(items: number, theta: number): number {
  const key = `${items}/${theta}`;
  let value = zetaCache.get(key);
  if (value === undefined) {
    value = zeta(items, theta);
    zetaCache.set(key, value);
  }
  return value;
}

/** What every thread's kernels need to run a workload: plain numbers, computed once per run. */
export interface WorkloadPlan {
  readonly readShare: number;
  readonly updateShare: number;
  readonly insertShare: number;
  readonly distribution: number;
  readonly chooserMin: number;
  readonly chooserItemCount: number;
  readonly parameterA: number;
  readonly parameterB: number;
  /** The zipfian generator (zipfian and latest choosers), or null. */
  readonly zipfian: { readonly items: number; readonly theta: number; readonly zetan: number } | null;
  /** The key number the first insert takes (YCSB: recordcount). */
  readonly firstInsert: number;
}

const DISTRIBUTION_CODES: Record<RequestDistribution, number> = {
  uniform: DISTRIBUTION_UNIFORM,
  zipfian: DISTRIBUTION_ZIPFIAN,
  latest: DISTRIBUTION_LATEST,
  hotspot: DISTRIBUTION_HOTSPOT,
  exponential: DISTRIBUTION_EXPONENTIAL,
  sequential: DISTRIBUTION_SEQUENTIAL,
};

/**
 * Plans a workload over a cluster's loaded records, as Java's `CoreWorkload.init` builds
 * its generators. `operations` is the run's operation count (YCSB `operationcount`), from
 * which the zipfian chooser sizes its key space for the inserts to come.
 */
export function planWorkload(workload: Workload, config: ResolvedConfig, operations: number): WorkloadPlan {
  const shares = workload.readProportion + workload.updateProportion + workload.insertProportion + workload.readModifyWriteProportion;
  if (!(shares > 0)) throw new ConfigError(`workload ${workload.name}: every operation proportion is 0; nothing to run`);
  const recordCount = config.records;
  const insertStart = config.loadFirst;
  const insertCount = config.loadCount;
  const theta = workload.zipfianConstant;
  const base = {
    readShare: workload.readProportion / shares,
    updateShare: workload.updateProportion / shares,
    insertShare: workload.insertProportion / shares,
    distribution: DISTRIBUTION_CODES[workload.requestDistribution],
    chooserMin: insertStart,
    chooserItemCount: insertCount,
    parameterA: 0,
    parameterB: 0,
    zipfian: null,
    firstInsert: recordCount,
  };
  switch (workload.requestDistribution) {
    case 'zipfian': {
      // Java sizes the key space for the inserts it expects: operationcount × insertproportion × 2.
      const expectedNewKeys = Math.floor(operations * workload.insertProportion * 2);
      if (workload.rankSpace === 'java') {
        const items = SCRAMBLED_ITEM_COUNT + 1;
        const zetan = theta === ZIPFIAN_CONSTANT ? SCRAMBLED_ZETAN : cachedZeta(items, theta);
        // ScrambledZipfianGenerator(insertstart, insertstart + insertcount + expectednewkeys): max inclusive.
        return { ...base, chooserItemCount: insertCount + expectedNewKeys + 1, zipfian: { items, theta, zetan } };
      }
      const items = insertCount + expectedNewKeys;
      return { ...base, chooserItemCount: items, zipfian: { items, theta, zetan: cachedZeta(items, theta) } };
    }
    case 'latest': {
      // SkewedLatestGenerator: a zipfian over the acknowledged keys, created over recordcount - 1 of them.
      const items = recordCount - 1;
      if (items < 1) throw new ConfigError('the latest distribution needs at least 2 records');
      return { ...base, zipfian: { items, theta, zetan: cachedZeta(items, theta) } };
    }
    case 'hotspot':
      return { ...base, parameterA: Math.floor(insertCount * workload.hotspotDataFraction), parameterB: workload.hotspotOperationFraction };
    case 'exponential': {
      // ExponentialGenerator(percentile, recordcount × frac): γ = -ln(1 - percentile/100) / range.
      const gamma = -Math.log(1 - workload.exponentialPercentile / 100) / (recordCount * workload.exponentialFraction);
      // A draw lands on an existing key with probability 1 - e^(-γ · recordcount); Java redraws forever.
      const existing = 1 - Math.exp(-gamma * recordCount);
      if (!(existing >= 0.01)) {
        throw new ConfigError(
          `exponential.percentile ${workload.exponentialPercentile} over exponential.frac ${workload.exponentialFraction} of ${recordCount} records ` +
          `puts only ${(existing * 100).toPrecision(2)}% of draws on existing keys; use an exponential.frac near 1 or below`,
        );
      }
      return { ...base, parameterA: gamma };
    }
    default:
      return base;
  }
}

/** Configures this thread's YCSB kernel for a planned workload and the run's shared state. */
export function configureWorkloadKernels(kernels: Kernels, plan: WorkloadPlan, sharedState: number): void {
  kernels.configureOperations(plan.readShare, plan.updateShare, plan.insertShare);
  if (plan.zipfian !== null) kernels.configureZipfian(plan.zipfian.items, 0, plan.zipfian.theta, plan.zipfian.zetan);
  kernels.configureChooser(plan.distribution, plan.chooserMin, plan.chooserItemCount, plan.parameterA, plan.parameterB);
  kernels.configureSharedState(sharedState, 0);
}

/** Configures this thread's kernels for the cluster's records: key names and value lengths. */
export function configureRecordKernels(kernels: Kernels, config: ResolvedConfig): void {
  const fieldLengthMax = config.valueBytes / config.valueFields;
  kernels.configureRecords(
    config.orderedKeys, config.keyZeroPadding, config.valueFields,
    config.valueFieldBytesMin === 0 ? fieldLengthMax : config.valueFieldBytesMin, fieldLengthMax,
    config.valueFieldBytesMin === 0 ? FIELD_LENGTH_CONSTANT : FIELD_LENGTH_UNIFORM,
  );
}

/** The cluster settings that follow from a workload's records (key names, value sizes, loaded keys). */
export function recordSettings(workload: Workload): {
  orderedKeys: number; keyZeroPadding: number; valueFields: number; valueBytes: number; valueFieldBytesMin: number; loadFirst: number;
} {
  return {
    orderedKeys: workload.insertOrder === 'ordered' ? 1 : 0,
    keyZeroPadding: workload.zeroPadding,
    valueFields: workload.fieldCount,
    valueBytes: recordBytesMax(workload),
    valueFieldBytesMin: workload.fieldLengthDistribution === 'uniform' ? workload.minFieldLength : 0,
    loadFirst: workload.insertStart,
  };
}
