/**
 * The YCSB core workloads this emulator runs, with YCSB's scrambled zipfian request
 * distribution (θ = 0.99) in one of two rank spaces:
 *
 * - `java`: Java YCSB's `ScrambledZipfianGenerator` — ranks drawn over 10^10 items with the
 *   precomputed ζ = 26.469, folded onto the keys by `fnvhash64(rank) mod itemcount`, over
 *   CoreWorkload's `recordcount + 1` items (draws past the last record are redrawn). Ranks
 *   past the record count carry ~45 % of the mass and land uniformly, so the skew the keys
 *   see is much flatter than θ suggests.
 * - `records` (the Scalio artifact's generator, see ../shared/design/scalio.md): ranks drawn
 *   over the record count with the exact ζ(n, θ), then scrambled the same way. This is what
 *   the paper's figures were measured with (ideal hit share of the hottest 11.2 % of keys:
 *   0.864 over 20 M records).
 */
import { ConfigError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import { SCRAMBLED_ITEM_COUNT, SCRAMBLED_ZETAN, ZIPFIAN_CONSTANT, zeta } from './reference.js';

export type RankSpace = 'java' | 'records';

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly readProportion: number;
  readonly updateProportion: number;
  readonly rankSpace: RankSpace;
}

export const WORKLOADS: Readonly<Record<string, Workload>> = Object.freeze({
  A: { name: 'A', description: 'update heavy: 50% reads, 50% updates, zipfian (artifact ranks)', readProportion: 0.5, updateProportion: 0.5, rankSpace: 'records' },
  C: { name: 'C', description: 'read only: 100% reads, zipfian (artifact ranks)', readProportion: 1, updateProportion: 0, rankSpace: 'records' },
});

const zetaCache = new Map<string, number>();

/** ζ(n, θ) summed as Java's `zetastatic` does, cached per (n, θ): 20 M terms take ~0.3 s. */
export function cachedZeta(items: number, theta: number): number {
  const key = `${items}/${theta}`;
  let value = zetaCache.get(key);
  if (value === undefined) {
    value = zeta(items, theta);
    zetaCache.set(key, value);
  }
  return value;
}

export function workloadByName(name: string): Workload {
  const workload = WORKLOADS[name.toUpperCase()];
  if (workload === undefined) {
    throw new ConfigError(`unknown workload "${name}"; available: ${Object.keys(WORKLOADS).join(', ')}`);
  }
  return workload;
}

/**
 * Configures this thread's YCSB kernel for a workload over `records` loaded records.
 * `zetan` is ζ(records, θ) for the `records` rank space (compute it once per run with
 * `cachedZeta` and pass it to every thread).
 */
export function configureWorkloadKernels(kernels: Kernels, workload: Workload, records: number, zetan?: number): void {
  if (workload.rankSpace === 'java') {
    // ScrambledZipfianGenerator(0, recordcount): ranks over ITEM_COUNT + 1 items; keys over
    // max - min + 1 = recordcount + 1 items, of which the last is not loaded and is redrawn.
    kernels.configureZipfian(SCRAMBLED_ITEM_COUNT + 1, 0, ZIPFIAN_CONSTANT, SCRAMBLED_ZETAN);
    kernels.configureWorkload(workload.readProportion, 0, records + 1, records - 1);
    return;
  }
  kernels.configureZipfian(records, 0, ZIPFIAN_CONSTANT, zetan ?? cachedZeta(records, ZIPFIAN_CONSTANT));
  kernels.configureWorkload(workload.readProportion, 0, records, records - 1);
}
