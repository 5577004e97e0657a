/** What a figure is made of: its points, its rows of results, its chart, its checks. */
import type { ChartSpec } from './chart.js';
import type { PointMetrics, PointRun } from './point.js';
import type { Scale } from './scale.js';

/** A point as a figure places it: which panel, which series, where on the x axis. */
export interface FigurePoint {
  readonly panel: string;
  readonly series: string;
  readonly x: number;
  readonly run: PointRun;
}

/** A finished point, as the figure's CSV has it. */
export interface FigureRow extends PointMetrics {
  readonly figure: string;
  readonly panel: string;
  readonly series: string;
  readonly x: number;
  readonly system: string;
  readonly workload: string;
  readonly ssds: number;
  readonly dpuCores: number;
  readonly clients: number;
  readonly records: number;
  readonly cacheSlots: number;
  readonly slotsPerBucket: number;
  readonly setBatch: number | string;
  readonly requestDistribution: string;
  readonly theta: number | string;
  /** The point's cache key (its configuration and the model's code hash). */
  readonly key: string;
}

/** A number the paper published, beside ours. */
export interface ErrorRow {
  readonly figure: string;
  readonly what: string;
  readonly paper: number;
  /** NaN when the sweep has no point to compare with. */
  readonly ours: number;
  readonly unit: string;
  readonly source: string;
  /** What our number is taken from. */
  readonly note: string;
}

/** A claim the paper makes in words, checked against our rows. */
export interface ClaimCheck {
  readonly claim: string;
  readonly source: string;
  /** null: the sweep cannot tell (missing points). */
  readonly holds: boolean | null;
  readonly ours: string;
}

export interface FigureDefinition {
  /** "10", "11", … (the paper's numbering; the slides number Fig. 11 and 12 as 10 and 11). */
  readonly id: string;
  readonly title: string;
  /** What the paper's figure shows and how the artifact ran it. */
  readonly paper: string;
  /** Why this build cannot make the figure (a model part it needs is missing), or null. */
  unavailable?(): Promise<string | null>;
  /** How we run it, in words, at this scale. */
  configuration(scale: Scale): string;
  points(scale: Scale): FigurePoint[];
  chart(rows: readonly FigureRow[], scale: Scale): ChartSpec;
  errors(rows: readonly FigureRow[]): ErrorRow[];
  claims(rows: readonly FigureRow[]): ClaimCheck[];
  /** Where and why ours differs from the paper, in words. */
  differences(rows: readonly FigureRow[], scale: Scale): string[];
}
