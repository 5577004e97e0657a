/**
 * How big a sweep's runs are. The paper loads 20 M records and runs 8 M operations per client
 * process; `--full` does that (hours on a large machine), the default a twentieth of the
 * records, `--quick` a hundredth (the whole list in minutes on 2 cores). Every figure's JSON
 * and report say which scale made it.
 */
export type ScaleName = 'quick' | 'default' | 'full';
export const SCALE_NAMES: readonly ScaleName[] = ['quick', 'default', 'full'];

export interface Scale {
  /** A preset's name, or "custom" when --records or --ops changed one. */
  readonly name: ScaleName | 'custom';
  /** Records loaded (the paper: 20 M). Figure 16 runs 1, 2, 3 and 4 times this. */
  readonly records: number;
  /** Measured operations per point, over all clients. */
  readonly operations: number;
  /** Unmeasured operations first, to warm the caches. */
  readonly warmupOperations: number;
  /** Fig. 6's microbenchmark: NVMe-oF reads per point. */
  readonly microbenchmarkReads: number;
}

export const PAPER_RECORDS = 20_000_000;

export const SCALES: Readonly<Record<ScaleName, Scale>> = Object.freeze({
  quick: { name: 'quick', records: 200_000, operations: 100_000, warmupOperations: 50_000, microbenchmarkReads: 100_000 },
  default: { name: 'default', records: 1_000_000, operations: 500_000, warmupOperations: 250_000, microbenchmarkReads: 500_000 },
  full: { name: 'full', records: PAPER_RECORDS, operations: 8_000_000, warmupOperations: 2_000_000, microbenchmarkReads: 8_000_000 },
});

/** A preset with its records and operations changed (`--records`, `--ops`); warm-up: half the operations. */
export function customScale(preset: Scale, records: number | undefined, operations: number | undefined): Scale {
  if (records === undefined && operations === undefined) return preset;
  const measured = operations ?? preset.operations;
  return { ...preset, name: 'custom', records: records ?? preset.records, operations: measured, warmupOperations: Math.floor(measured / 2), microbenchmarkReads: measured };
}

/** "200 K records (1/100 of the paper's 20 M)". */
export function describeScale(scale: Scale): string {
  const ratio = PAPER_RECORDS / scale.records;
  const records = scale.records >= 1e6 ? `${scale.records / 1e6} M` : `${scale.records / 1e3} K`;
  const operations = scale.operations >= 1e6 ? `${scale.operations / 1e6} M` : `${scale.operations / 1e3} K`;
  const share = ratio === 1 ? ' (the paper\'s 20 M)' : Number.isInteger(ratio) ? ` (1/${ratio} of the paper's 20 M)` : ` (${((1 / ratio) * 100).toPrecision(2)} % of the paper's 20 M)`;
  return `${scale.name}: ${records} records${share}, ${operations} measured operations per point after ${scale.warmupOperations / 1e3} K warm-up`;
}
