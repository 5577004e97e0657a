/**
 * Refusing, before any work, a run this machine has no memory for: the estimate of
 * `src/engine/memory-estimate.ts` against the memory available now and V8's heap limit, with
 * a message that says what the run needs, what fits, and which flag to change.
 */
import type { ClusterConfig } from '../config.js';
import { ConfigError, ScalioError } from '../errors.js';
import {
  CHECK_HEAP_BYTES_PER_OPERATION, HISTORY_BYTES_PER_OPERATION, type MachineMemory, type MemoryEstimate, estimateMemory, machineMemory,
} from '../engine/memory-estimate.js';
import { type EngineName, plannedCluster } from '../engine/run.js';
import type { Workload } from '../ycsb/workloads.js';
import { resolveWorkload } from '../ycsb/workload-file.js';
import { integer } from './format.js';

/** A run a command is about to start. */
export interface PlannedRun {
  readonly system: string;
  readonly engine: EngineName;
  readonly config: Partial<ClusterConfig>;
  /** A workload, or a built-in's name. */
  readonly workload: Workload | string;
  /** Measured operations (Infinity for a run of a duration). */
  readonly operations: number;
  readonly warmupOperations?: number;
  /** The run records its history and checks it (`scalio check`). */
  readonly checked?: boolean;
}

function gibibytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function estimateOf(run: PlannedRun): MemoryEstimate {
  const layout = plannedCluster({ system: run.system, engine: run.engine, config: run.config, workload: run.workload, operations: run.operations, warmupOperations: run.warmupOperations });
  const checked = run.checked === true ? run.operations : 0;
  const workload = resolveWorkload(run.workload);
  const shares = workload.readProportion + workload.updateProportion + workload.insertProportion + workload.readModifyWriteProportion;
  const writeShare = shares > 0 ? (workload.updateProportion + workload.insertProportion + workload.readModifyWriteProportion) / shares : 0;
  const writeOperations = writeShare > 0 ? (run.operations + (run.warmupOperations ?? 0)) * writeShare : 0;
  return estimateMemory(layout, { engine: run.engine, writeOperations, recordedOperations: checked, checkedOperations: checked });
}

/** The most records (up to `records`) whose run fits in `bytes`, by bisection; 0 if none does. */
function recordsThatFit(run: PlannedRun, records: number, bytes: number): number {
  const fits = (count: number) => {
    try {
      return estimateOf({ ...run, config: { ...run.config, records: count } }).totalBytes <= bytes;
    } catch (error) {
      if (error instanceof ConfigError) return false; // a count the other settings rule out
      throw error;
    }
  };
  let low = 0;
  let high = records;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Rounds down to two significant digits, for "about N fit". */
function roughly(count: number): number {
  if (count < 100) return Math.floor(count);
  const scale = 10 ** (Math.floor(Math.log10(count)) - 1);
  return Math.floor(count / scale) * scale;
}

/**
 * Throws a one-line ScalioError if any of `runs` (started one after another) would not fit in
 * the memory this machine has now, or a check's history in V8's heap.
 */
export function refuseRunsTooLargeForMemory(runs: readonly PlannedRun[], machine: MachineMemory = machineMemory()): void {
  for (const run of runs) {
    const estimate = estimateOf(run);
    if (estimate.heapBytes > machine.heapUsableBytes) {
      const fit = roughly(machine.heapUsableBytes / CHECK_HEAP_BYTES_PER_OPERATION);
      throw new ScalioError(
        `checking ${integer(run.operations)} operations needs about ${gibibytes(estimate.heapBytes)} of JavaScript heap, more than the ${gibibytes(machine.heapUsableBytes)} ` +
        `a check may use of Node's ${gibibytes(machine.heapLimitBytes)} limit; about ${integer(fit)} operations fit: lower --ops, and use --seeds for more runs ` +
        '(or raise the limit: NODE_OPTIONS=--max-old-space-size=MiB)',
      );
    }
    if (estimate.totalBytes <= machine.availableBytes) continue;
    const parts = [
      ['SSD images', estimate.ssdBytes], ['DPU DRAM', estimate.dramBytes], ['history', estimate.historyBytes + estimate.heapBytes],
    ] as const;
    const needs = `this run (${run.system} on ${run.engine}) needs about ${gibibytes(estimate.totalBytes)} of memory ` +
      `(${parts.filter(([, bytes]) => bytes >= 2 ** 27).map(([name, bytes]) => `${name} ${gibibytes(bytes)}`).join(', ')}), ` +
      `more than the ${gibibytes(machine.availableBytes)} available on this machine (${gibibytes(machine.totalBytes)} in all)`;
    const largest = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    let advice: string;
    if (largest[0] === 'history') {
      const room = machine.availableBytes - (estimate.totalBytes - estimate.historyBytes - estimate.heapBytes);
      const fit = roughly(Math.max(0, room) / (HISTORY_BYTES_PER_OPERATION + CHECK_HEAP_BYTES_PER_OPERATION));
      advice = `about ${integer(fit)} operations fit: lower --ops`;
    } else if (largest[0] === 'DPU DRAM') {
      advice = 'lower --cache-slots, --clients or --records';
    } else {
      const fit = roughly(recordsThatFit(run, estimate.records, machine.availableBytes));
      advice = fit > 0
        ? `about ${integer(fit)} records fit with these settings: lower --records (or --ops, if the run writes)`
        : 'lower --records (or --ops, if the run writes)';
    }
    throw new ScalioError(`${needs}; ${advice}`);
  }
}
