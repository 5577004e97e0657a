/**
 * Charts: vega-lite specifications, compiled to vega, rendered headlessly to SVG by vega's
 * own SVG renderer, and to PNG by resvg (a Rust renderer shipped inside its npm package).
 * Text uses DejaVu Sans from the `dejavu-fonts-ttf` package, loaded by file with system fonts
 * off, so a chart looks the same on a machine with no fonts installed.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const require = createRequire(import.meta.url);

export const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((name) => require.resolve(`dejavu-fonts-ttf/ttf/${name}`));

/** A vega-lite specification (kept loose: vega-lite checks it when compiling). */
export type ChartSpec = Record<string, unknown>;

/** Series colours, the same in every figure. */
const SERIES_COLORS: Readonly<Record<string, string>> = {
  Scalio: '#d62728',
  'Scalio (batching)': '#d62728',
  'Scalio (no batching)': '#ff9896',
  'LEED+Ditto': '#1f77b4',
  LEED: '#7f7f7f',
  'LEED (stage 0)': '#7f7f7f',
  '+ offloaded reads (stage 1)': '#9ecae1',
  '+ DRAM cache (stage 2)': '#3182bd',
  '+ batched writes = Scalio (stage 3)': '#d62728',
  'standard target': '#7f7f7f',
  'target offload': '#d62728',
};
const OTHER_COLORS = ['#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf'];

/** A colour scale for these series, in this order. */
export function seriesColors(series: readonly string[]): { domain: string[]; range: string[] } {
  let other = 0;
  return { domain: [...series], range: series.map((name) => SERIES_COLORS[name] ?? OTHER_COLORS[other++ % OTHER_COLORS.length]) };
}

const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e8e8e8' },
  // Without a canvas vega estimates text widths generously: no label or title limits, or it cuts them short.
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'bold', labelLimit: 1000, titleLimit: 1000 },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555555', anchor: 'start', offset: 10 },
  concat: { spacing: 24 },
};

/** Adds the shared look (font, sizes, white background) to a figure's specification. */
export function withStyle(spec: ChartSpec): ChartSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config: CONFIG };
}

/** A figure's chart as SVG text and PNG bytes (twice the SVG's size, for print). */
export async function renderChart(spec: ChartSpec): Promise<{ svg: string; png: Buffer }> {
  const compiled = vegaLite.compile(withStyle(spec) as unknown as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
      fitTo: { mode: 'zoom', value: 2 },
      background: 'white',
    }).render().asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}
