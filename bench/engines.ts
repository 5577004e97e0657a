/**
 * How fast each engine runs the main job at the default scale: the live engine's
 * throughput on this machine (wall clock), and the simulator's speed (simulated operations
 * per wall-clock second), measured after an unmeasured warm-up that fills the cache. Each
 * configuration is run `repetitions` times on a freshly loaded cluster; the median is
 * reported, as these machines are shared and noisy.
 */
import { type EngineName, run } from '../src/engine/run.js';
import { metricsOf } from '../src/engine/metrics.js';

export interface EngineResult {
  readonly engine: EngineName;
  readonly workload: string;
  readonly operations: number;
  readonly warmupOperations: number;
  readonly repetitions: number;
  /** Median over repetitions of operations per second: wall clock (live) or simulated (sim). */
  readonly throughputMedian: number;
  /** Median over repetitions of operations per wall-clock second (the engine's own speed). */
  readonly wallSpeedMedian: number;
  readonly hitRatioMedian: number;
  readonly all: readonly { throughput: number; wallSpeed: number; hitRatio: number }[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function benchmarkEngine(
  engine: EngineName,
  workload: string,
  operations: number,
  warmupOperations: number,
  repetitions: number,
): Promise<EngineResult> {
  const all: { throughput: number; wallSpeed: number; hitRatio: number }[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const report = await run({ system: 'scalio', engine, workload, operations, warmupOperations });
    const metrics = metricsOf(report);
    all.push({ throughput: metrics.operationsPerSecond, wallSpeed: report.operations / (report.wallMs / 1000), hitRatio: metrics.hitRatio });
  }
  return {
    engine,
    workload,
    operations,
    warmupOperations,
    repetitions,
    throughputMedian: median(all.map((result) => result.throughput)),
    wallSpeedMedian: median(all.map((result) => result.wallSpeed)),
    hitRatioMedian: median(all.map((result) => result.hitRatio)),
    all,
  };
}
