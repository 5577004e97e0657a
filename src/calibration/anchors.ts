/**
 * The paper's published anchors (../shared/design/evaluation.md) against the simulator:
 * what `scalio calibrate` prints and the calibration test pins.
 *
 * Each anchor is either **fitted** — one unpublished profile parameter was chosen so the
 * model meets it (`fitProfile` repeats that fit; each anchor is fitted once, by one
 * parameter) — or **predicted**: the model meets it, or misses it, with nothing tuned for
 * it. The profile file names, for each fitted parameter, the anchor it was fitted to.
 *
 * Which point is "up to 3.3×": the abstract names neither workload nor baseline; the slides
 * headline YCSB C, and the speed-up is "especially in high-density SSD configurations", so
 * we take it as Scalio ÷ LEED on YCSB C with all 7 SSDs (LEED is flat from 4 SSDs on, so
 * the ratio is largest there).
 */
import { metricsOf, type RunMetrics } from '../engine/metrics.js';
import { runNvmeOfReads } from '../engine/nvmeof.js';
import { plannedCluster, run } from '../engine/run.js';
import { ConfigError } from '../errors.js';
import { type HardwareProfile, type HardwareTiming, resolveProfile, withParameters } from '../hw/profile.js';
import { idealHitRatio, lruHitRatio } from './ideal-hit-ratio.js';
import { workloadByName } from '../ycsb/workloads.js';

/** How large the calibration runs are. The anchors are throughputs and ratios, so they barely move with scale. */
export interface CalibrationScale {
  readonly name: string;
  readonly records: number;
  readonly warmupOperations: number;
  readonly operations: number;
}

export const CALIBRATION_SCALES: Readonly<Record<string, CalibrationScale>> = {
  /** The calibration test (npm test): seconds per run. */
  test: { name: 'test', records: 100_000, warmupOperations: 300_000, operations: 200_000 },
  /** The default of `scalio calibrate`, and the scale the fit was made at. */
  quick: { name: 'quick', records: 1_000_000, warmupOperations: 1_500_000, operations: 500_000 },
  /** The paper's dataset (minutes; the load alone takes a while). */
  full: { name: 'full', records: 20_000_000, warmupOperations: 20_000_000, operations: 2_000_000 },
};

/** The testbed every anchor run uses: the paper's 8-core DPU, 512 operations in flight (the artifact's per client process). */
export const ANCHOR_TESTBED = { dpuCores: 8, clients: 512 } as const;

export type AnchorStatus = 'fitted' | 'predicted';

export interface AnchorRow {
  readonly id: string;
  readonly anchor: string;
  readonly paper: number;
  readonly ours: number;
  /** ours − paper over paper ('relative'), or ours − paper ('absolute'). */
  readonly error: number;
  readonly errorKind: 'relative' | 'absolute';
  readonly tolerance: number;
  readonly withinTolerance: boolean;
  readonly status: AnchorStatus;
  /** The profile parameters fitted to it (empty for a prediction). */
  readonly fittedParameters: readonly string[];
  /** Where it comes from, and for a miss, what in the model causes it. */
  readonly note: string;
}

/** A number the model predicts where the paper publishes none (shown, never judged). */
export interface PredictionRow {
  readonly id: string;
  readonly prediction: string;
  readonly ours: number;
}

export interface CalibrationTable {
  readonly profile: string;
  readonly scale: CalibrationScale;
  readonly anchors: readonly AnchorRow[];
  readonly predictions: readonly PredictionRow[];
}

export interface CalibrationRequest {
  readonly scale?: string | CalibrationScale;
  readonly profile?: string | HardwareProfile;
  readonly seed?: number;
  /** Also run the predictions where the paper gives no value (default true). */
  readonly predictions?: boolean;
  /** Told before each run (for a progress line). */
  readonly onRun?: (description: string) => void;
}

function scaleOf(scale: string | CalibrationScale | undefined): CalibrationScale {
  if (scale === undefined) return CALIBRATION_SCALES.quick;
  if (typeof scale !== 'string') return scale;
  const found = CALIBRATION_SCALES[scale];
  if (found === undefined) throw new ConfigError(`unknown calibration scale "${scale}"; scales: ${Object.keys(CALIBRATION_SCALES).join(', ')}`);
  return found;
}

/** One anchor run: a system on YCSB C (uniform keys with `theta` 0, Fig. 5's) with `ssds` SSDs on the anchor testbed. */
export async function anchorRun(system: string, ssds: number, scale: CalibrationScale, profile: HardwareProfile, seed = 1, theta?: number): Promise<RunMetrics> {
  const workload = theta === 0 ? { ...workloadByName('C'), requestDistribution: 'uniform' as const } : 'C';
  const report = await run({
    system,
    engine: 'sim',
    workload,
    operations: scale.operations,
    warmupOperations: scale.warmupOperations,
    profile,
    config: { ...ANCHOR_TESTBED, ssds, records: scale.records, seed },
  });
  return metricsOf(report);
}

/**
 * The cache slots of the anchors' Scalio runs: the paper's ratio to the records, in whole
 * buckets, as the run settles it (112,232 at 1 M records, not the 112,230 the ratio rounds to).
 */
export function anchorCacheSlots(scale: CalibrationScale): number {
  return plannedCluster({ system: 'scalio', engine: 'sim', workload: 'C', config: { ...ANCHOR_TESTBED, ssds: 7, records: scale.records } }).config.cacheSlots;
}

function row(fields: Omit<AnchorRow, 'error' | 'withinTolerance'>): AnchorRow {
  const error = fields.errorKind === 'relative' ? (fields.ours - fields.paper) / fields.paper : fields.ours - fields.paper;
  return { ...fields, error, withinTolerance: Math.abs(error) <= fields.tolerance };
}

/** The anchor table: runs the anchor points on the simulator and compares them with the paper's values. */
export async function calibrationTable(request: CalibrationRequest = {}): Promise<CalibrationTable> {
  const scale = scaleOf(request.scale);
  const profile = resolveProfile(request.profile);
  const seed = request.seed ?? 1;
  const runs = new Map<string, RunMetrics>();
  const measure = async (system: string, ssds: number) => {
    const key = `${system}/${ssds}`;
    let metrics = runs.get(key);
    if (metrics === undefined) {
      request.onRun?.(`${system} on YCSB C, ${ssds} SSDs`);
      metrics = await anchorRun(system, ssds, scale, profile, seed);
      runs.set(key, metrics);
    }
    return metrics;
  };
  const leed4 = await measure('leed', 4);
  const leed7 = await measure('leed', 7);
  const scalio7 = await measure('scalio', 7);
  const slots = anchorCacheSlots(scale);
  const ideal = idealHitRatio({ records: scale.records, slots, theta: 0.99 });
  const lru = lruHitRatio({ records: scale.records, slots, theta: 0.99 });
  request.onRun?.('NVMe-oF reads, standard target and offload, 4 SSDs');
  const offload = runNvmeOfReads({ profile, ssds: 4, queueDepth: 128, target: 'offload' });
  const standard = runNvmeOfReads({ profile, ssds: 4, queueDepth: 128, target: 'standard' });

  const anchors: AnchorRow[] = [
    row({
      id: 'leed-c-plateau-7-ssds',
      anchor: 'LEED plateau: throughput, YCSB C, 7 SSDs (ops/s)',
      paper: 800_000, ours: leed7.operationsPerSecond, errorKind: 'relative', tolerance: 0.15, status: 'fitted',
      fittedParameters: ['coreNvmeSubmitNs', 'coreNvmeCompleteNs'],
      note: 'slides: ~800 K QPS, no gain past 4 SSDs ("overloaded Arm cores"); the SSD workers\' time per NVMe command was fitted to the plateau',
    }),
    row({
      id: 'leed-c-4-ssds',
      anchor: 'LEED throughput, YCSB C, 4 SSDs (ops/s)',
      paper: 800_000, ours: leed4.operationsPerSecond, errorKind: 'relative', tolerance: 0.15, status: 'predicted',
      fittedParameters: [],
      note: 'slides: ~800 K QPS at 4 SSDs, "saturates SSD I/O": 4 SSDs of ~500 K IOPS at 2 reads per GET, less the zipfian imbalance between SSDs',
    }),
    row({
      id: 'leed-c-flat-7-over-4',
      anchor: 'LEED stays flat: YCSB C throughput at 7 SSDs ÷ at 4 SSDs',
      paper: 1, ours: leed7.operationsPerSecond / leed4.operationsPerSecond, errorKind: 'relative', tolerance: 0.15, status: 'predicted',
      fittedParameters: [],
      note: 'slides: no gain past 4 SSDs; follows from 3 RDMA threads + 4 SSD workers shared by all SSDs (a model structure, not a fitted value)',
    }),
    row({
      id: 'scalio-over-leed-c-7-ssds',
      anchor: 'Scalio ÷ LEED, YCSB C, 7 SSDs (the "up to 3.3×" point)',
      paper: 3.3, ours: scalio7.operationsPerSecond / leed7.operationsPerSecond, errorKind: 'relative', tolerance: 0.2, status: 'fitted',
      fittedParameters: ['dpuMemoryPathMessageNs'],
      note: 'abstract: up to 3.3×; the message rate of the NIC → Arm-memory path (which bounds Scalio\'s one-sided verbs) was fitted to it',
    }),
    row({
      id: 'scalio-hit-ratio-c',
      anchor: `Scalio hit ratio, YCSB C (ideal: hottest ${slots} keys' share)`,
      paper: ideal, ours: scalio7.hitRatio, errorKind: 'absolute', tolerance: 0.05, status: 'predicted',
      fittedParameters: [],
      note: `the ideal is exact for the generator (fnvhash64 folding); LRU can reach only ~${lru.toFixed(3)} (Che's approximation, fully associative): ` +
        'Scalio evicts the least recently used slot of a bucket, as the artifact does, and LRU keeps some cold keys a static top-k would not',
    }),
    row({
      id: 'nvmeof-offload-over-standard-iops',
      anchor: 'NVMe-oF 512 B random reads, 4 SSDs, QD 128: offload IOPS ÷ standard IOPS',
      paper: 1, ours: offload.iops / standard.iops, errorKind: 'relative', tolerance: 0.15, status: 'predicted',
      fittedParameters: [],
      note: `slides: comparable IOPS at ~zero target CPU (ours: offload ${(100 * offload.targetCoreUtilisation).toFixed(0)}% vs standard ${(100 * standard.targetCoreUtilisation).toFixed(0)}% of 8 cores)`,
    }),
  ];

  const predictions: PredictionRow[] = [];
  if (request.predictions === false) return { profile: profile.name, scale, anchors, predictions };
  const predict = async (id: string, prediction: string, value: () => Promise<number>) => predictions.push({ id, prediction, ours: await value() });
  await predict('leed-c-1-ssd', 'LEED, YCSB C, 1 SSD (ops/s)', async () => (await measure('leed', 1)).operationsPerSecond);
  await predict('scalio-over-leed-c-1-ssd', 'Scalio ÷ LEED, YCSB C, 1 SSD', async () => (await measure('scalio', 1)).operationsPerSecond / (await measure('leed', 1)).operationsPerSecond);
  await predict('scalio-over-leed-c-4-ssds', 'Scalio ÷ LEED, YCSB C, 4 SSDs', async () => (await measure('scalio', 4)).operationsPerSecond / leed4.operationsPerSecond);
  await predict('scalio-over-leed-ditto-c-7-ssds', 'Scalio ÷ LEED+Ditto, YCSB C, 7 SSDs', async () => scalio7.operationsPerSecond / (await measure('leed+ditto', 7)).operationsPerSecond);
  await predict('leed-c-4-ssds-dpu-busy', 'LEED, YCSB C, 4 SSDs: DPU core utilisation', async () => leed4.dpuCoreUtilisation);
  await predict('scalio-c-7-ssds-read-iops-per-ssd', 'Scalio, YCSB C, 7 SSDs: measured read IOPS per SSD', async () => scalio7.ssdReadIops / 7);
  return { profile: profile.name, scale, anchors, predictions };
}

/** A fitted parameter: the anchor it is fitted to and the range searched. */
interface Fit {
  readonly anchor: string;
  readonly parameters: readonly (keyof HardwareTiming)[];
  readonly lowNs: number;
  readonly highNs: number;
  /** The anchor's value for a profile, and its target; the value must fall as the parameter rises. */
  readonly measure: (profile: HardwareProfile) => Promise<number>;
  readonly target: number;
}

/**
 * Repeats the calibration: each fitted parameter is bisected (in order, each anchor once)
 * until its anchor is met; returns the fitted values. `scalio calibrate --fit` prints them
 * for the profile file.
 */
export async function fitProfile(request: CalibrationRequest & { readonly steps?: number } = {}): Promise<{ parameters: Partial<HardwareTiming>; profile: HardwareProfile }> {
  const scale = scaleOf(request.scale);
  let profile = resolveProfile(request.profile);
  const steps = request.steps ?? 8;
  const fits: Fit[] = [
    {
      anchor: 'leed-c-plateau-7-ssds', parameters: ['coreNvmeSubmitNs', 'coreNvmeCompleteNs'], lowNs: 400, highNs: 2_000, target: 800_000,
      measure: async (candidate) => (await anchorRun('leed', 7, scale, candidate, request.seed)).operationsPerSecond,
    },
    {
      anchor: 'scalio-over-leed-c-7-ssds', parameters: ['dpuMemoryPathMessageNs'], lowNs: 50, highNs: 300, target: 3.3,
      measure: async (candidate) => {
        // LEED runs again at each step: its RPCs cross the same NIC → Arm-memory path
        // (src/engine/sim/engine.ts, rpcArrives), so its throughput depends on the parameter too.
        const scalio = await anchorRun('scalio', 7, scale, candidate, request.seed);
        const leed = await anchorRun('leed', 7, scale, candidate, request.seed);
        return scalio.operationsPerSecond / leed.operationsPerSecond;
      },
    },
  ];
  const fitted: Partial<Record<keyof HardwareTiming, number>> = {};
  for (const fit of fits) {
    let low = fit.lowNs;
    let high = fit.highNs;
    for (let step = 0; step < steps; step++) {
      const middle = Math.round((low + high) / 2);
      const candidate = withParameters(profile, Object.fromEntries(fit.parameters.map((name) => [name, middle])), `calibrated to anchor ${fit.anchor}`);
      request.onRun?.(`fitting ${fit.parameters.join(', ')} = ${middle} ns to ${fit.anchor}`);
      if ((await fit.measure(candidate)) > fit.target) low = middle;
      else high = middle;
    }
    const value = Math.round((low + high) / 2);
    for (const name of fit.parameters) fitted[name] = value;
    profile = withParameters(profile, Object.fromEntries(fit.parameters.map((name) => [name, value])), `calibrated to anchor ${fit.anchor}`);
  }
  return { parameters: fitted, profile };
}
