/**
 * The chart shapes the paper's figures use, as vega-lite specifications over a figure's rows:
 * lines over an x axis (optionally one panel per workload), grouped bars, and latency over
 * throughput. Published values are drawn as black diamonds in their own legend.
 */
import { type ChartSpec, seriesColors } from './chart.js';

/** A plotted value: ours (from a row) or the paper's. */
export interface PlotPoint {
  readonly panel: string;
  readonly series: string;
  readonly x: number | string;
  readonly y: number;
  /** The paper's values: what the legend calls it ("LEED, YCSB C: ~800 K (slides)"). */
  readonly label?: string;
  /** Latency charts: the in-flight operations, written beside the point. */
  readonly note?: string;
}

export interface AxisOptions {
  readonly title: string;
  readonly type?: 'quantitative' | 'ordinal' | 'nominal';
  /** Tick values (quantitative axes). */
  readonly values?: readonly number[];
  readonly format?: string;
  readonly zero?: boolean;
  readonly domain?: readonly [number, number];
  readonly scaleType?: 'linear' | 'log';
}

export interface PanelOptions {
  readonly title?: string;
  readonly ours: readonly PlotPoint[];
  readonly paper?: readonly PlotPoint[];
  readonly x: AxisOptions;
  readonly y: AxisOptions;
  /** Series in legend order (sets the colours). */
  readonly series: readonly string[];
  readonly seriesTitle?: string;
  /** One small panel per value of `panel`, in this order. */
  readonly facet?: { readonly title: string; readonly order: readonly string[]; readonly columns?: number };
  readonly width?: number;
  readonly height?: number;
  /** Dashed reference lines (a device's capacity, the ideal hit ratio). */
  readonly rules?: readonly PlotPoint[];
}

function axis(options: AxisOptions, field: string): Record<string, unknown> {
  const type = options.type ?? 'quantitative';
  const scale: Record<string, unknown> = {};
  if (options.zero !== undefined) scale.zero = options.zero;
  if (options.domain !== undefined) scale.domain = [...options.domain];
  if (options.scaleType !== undefined) scale.type = options.scaleType;
  return {
    field,
    type,
    title: options.title,
    ...(Object.keys(scale).length > 0 ? { scale } : {}),
    axis: {
      ...(options.values !== undefined ? { values: [...options.values] } : {}),
      ...(options.format !== undefined ? { format: options.format } : {}),
      ...(type !== 'quantitative' ? { labelAngle: 0 } : {}),
    },
  };
}

function layersOf(options: PanelOptions, kind: 'line' | 'bar' | 'latency'): ChartSpec[] {
  const colors = seriesColors(options.series);
  const color = { field: 'series', type: 'nominal', scale: colors, sort: [...options.series], legend: { title: options.seriesTitle ?? 'ours (simulated)', orient: 'right' } };
  const ours = { filter: "datum.source === 'ours'" };
  const x = axis(options.x, 'x');
  const y = axis(options.y, 'y');
  const layers: ChartSpec[] = [];
  if (kind === 'bar') {
    layers.push({ transform: [ours], mark: { type: 'bar' }, encoding: { x, xOffset: { field: 'series', type: 'nominal', sort: [...options.series] }, y, color } });
  } else if (kind === 'latency') {
    layers.push({ transform: [ours], mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 }, encoding: { x, y, color, order: { field: 'order', type: 'quantitative' } } });
    layers.push({ transform: [ours], mark: { type: 'text', dx: 4, dy: -8, fontSize: 9, align: 'left', color: '#444444' }, encoding: { x, y, text: { field: 'note', type: 'nominal' } } });
  } else {
    layers.push({ transform: [ours], mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 }, encoding: { x, y, color } });
  }
  if ((options.rules ?? []).length > 0) {
    layers.push({
      transform: [{ filter: "datum.source === 'rule'" }],
      mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1.5, color: '#555555' },
      encoding: { x, y, detail: { field: 'series', type: 'nominal' }, strokeDash: { field: 'label', type: 'nominal', legend: { title: 'reference' }, scale: { range: [[4, 3], [1, 2]] } } },
    });
  }
  if ((options.paper ?? []).length > 0) {
    layers.push({
      transform: [{ filter: "datum.source === 'paper'" }],
      mark: { type: 'point', filled: true, size: 170, color: 'black', opacity: 1 },
      encoding: { x, y, shape: { field: 'label', type: 'nominal', legend: { title: 'paper (published)', orient: 'right' }, scale: { range: ['diamond', 'square', 'triangle-up', 'cross'] } } },
    });
  }
  return layers;
}

function panel(options: PanelOptions, kind: 'line' | 'bar' | 'latency'): ChartSpec {
  const values = [
    ...options.ours.map((point) => ({ ...point, source: 'ours' })),
    ...(options.paper ?? []).map((point) => ({ ...point, source: 'paper' })),
    ...(options.rules ?? []).map((point) => ({ ...point, source: 'rule' })),
  ].map((point, order) => ({ order, ...point }));
  const size = { width: options.width ?? 260, height: options.height ?? 200 };
  const title = options.title !== undefined ? { title: options.title } : {};
  if (options.facet !== undefined) {
    return {
      ...title,
      data: { values },
      facet: { field: 'panel', type: 'nominal', title: options.facet.title, sort: [...options.facet.order] },
      columns: options.facet.columns ?? options.facet.order.length,
      spec: { ...size, layer: layersOf(options, kind) },
      resolve: { scale: { y: 'independent' } },
    };
  }
  return { ...title, ...size, data: { values }, layer: layersOf(options, kind) };
}

export const linePanel = (options: PanelOptions): ChartSpec => panel(options, 'line');
export const barPanel = (options: PanelOptions): ChartSpec => panel(options, 'bar');
export const latencyPanel = (options: PanelOptions): ChartSpec => panel(options, 'latency');

/** Panels side by side under one title, with a subtitle (what differs from the paper). */
export function figureChart(title: string, subtitle: readonly string[], panels: readonly ChartSpec[], direction: 'horizontal' | 'vertical' = 'horizontal'): ChartSpec {
  const heading = { title: { text: title, subtitle: [...subtitle] } };
  if (panels.length === 1) {
    const { title: _panelTitle, ...panel } = panels[0];
    return { ...panel, ...heading };
  }
  return { ...heading, [direction === 'horizontal' ? 'hconcat' : 'vconcat']: [...panels], resolve: { scale: { color: 'independent', shape: 'independent' } } };
}
