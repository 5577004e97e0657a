/**
 * The report page: every chart, the paper's published numbers beside ours (the error table),
 * the paper's claims in words checked against our points, and where and why we differ.
 */
import { PAPER_RECORDS, type Scale, describeScale } from './scale.js';
import type { SweepTiming } from './generate.js';
import type { ClaimCheck, ErrorRow, FigureDefinition, FigureRow } from './types.js';
import type { ProfileRecord } from './profile-record.js';
import type { CodeVersion } from './version.js';

export interface ReportFigure {
  readonly figure: FigureDefinition;
  readonly rows: readonly FigureRow[];
  readonly errors: readonly ErrorRow[];
  readonly claims: readonly ClaimCheck[];
  readonly differences: readonly string[];
  readonly configuration: string;
  /** The PNG, relative to the page. */
  readonly image: string;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function number(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ops/s') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : `${(value / 1e3).toFixed(0)} K`;
  if (unit === '×') return `${value.toFixed(2)}×`;
  return `${value.toPrecision(3)} ${unit}`;
}

/** Relative error of ours against the paper's, in percent. */
export function relativeError(paper: number, ours: number): number {
  return ((ours - paper) / paper) * 100;
}

function errorTable(rows: readonly ErrorRow[]): string {
  if (rows.length === 0) return '_The paper publishes no number for this figure; its claims are checked below._\n';
  const lines = ['| figure | what | paper | ours | error | paper\'s source | ours from |', '|---|---|---:|---:|---:|---|---|'];
  for (const row of rows) {
    const error = relativeError(row.paper, row.ours);
    lines.push(`| ${row.figure} | ${cell(row.what)} | ${number(row.paper, row.unit)} | ${number(row.ours, row.unit)} | ${Number.isFinite(error) ? `${error >= 0 ? '+' : ''}${error.toFixed(0)} %` : 'n/a'} | ${cell(row.source)} | ${cell(row.note)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Claims, with a figure column when they come from several figures. */
function claimTable(claims: readonly { figure: string | null; claim: ClaimCheck }[]): string {
  const withFigure = claims.some((entry) => entry.figure !== null);
  const lines = [`| ${withFigure ? 'figure | ' : ''}the paper says | source | holds here? | ours |`, `|${withFigure ? '---|' : ''}---|---|---|---|`];
  for (const { figure, claim } of claims) {
    const holds = claim.holds === null ? 'cannot tell' : claim.holds ? 'yes' : '**no**';
    lines.push(`| ${withFigure ? `${figure} | ` : ''}${cell(claim.claim)} | ${claim.source} | ${holds} | ${cell(claim.ours)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** What a scale below the paper's shrinks, and what it keeps (so a reader knows what the numbers stand for). */
export function scaleNote(scale: Scale): string {
  if (scale.records >= PAPER_RECORDS) return 'This is the paper\'s dataset size (20 M records).';
  return `What this scale changes against the paper: the records loaded (${scale.records.toLocaleString('en-US')} against 20 M; Fig. 16 loads 1–4× this, against 20–80 M), ` +
    `the DRAM cache with them (its slots stay at the paper's share of the records, so hit ratios compare), and the operations measured per point ` +
    `(${scale.operations.toLocaleString('en-US')} after ${scale.warmupOperations.toLocaleString('en-US')} of warm-up, against the artifact's 8 M per client process; ` +
    `Fig. 6: ${scale.microbenchmarkReads.toLocaleString('en-US')} reads per point). ` +
    'It keeps the testbed: the SSD counts, DPU cores, in-flight operations, θ, slots per bucket and value size of each figure are the paper\'s, and so is the hardware profile. ' +
    'The calibration\'s anchor table below runs at its own scale (1 M records): where a quantity appears in both tables (Scalio ÷ LEED on C at 7 SSDs, LEED at 4 SSDs), the difference between them is the effect of the dataset and run length, not a second calibration.';
}

/** The report page; `anchors` is the calibration's anchor table in Markdown (null: none). */
export function reportPage(figures: readonly ReportFigure[], scale: Scale, version: CodeVersion, timing: SweepTiming | null, skipped: readonly string[], anchors: string | null, profile: ProfileRecord): string {
  const out: string[] = [];
  out.push('# Scalio\'s evaluation, reproduced on the simulator\n');
  out.push(`Made by \`scalio figures\` at the **${scale.name}** scale — ${describeScale(scale)}. ` +
    `Code: scalio ${version.packageVersion}, commit ${version.gitCommit ?? 'unknown'}${version.gitDirty === true ? ' with uncommitted changes' : ''}, model hash ${version.modelHash}. ` +
    `Every point is a deterministic simulator run on the \`${profile.name}\` hardware profile (${profile.file ?? 'built in code'}, content hash ${profile.contentHash}; every parameter's value and source are in each figure's JSON): ` +
    'the same code, profile and configuration give the same numbers.\n');
  out.push(`${scaleNote(scale)}\n`);
  if (timing !== null && timing.computed > 0) {
    out.push(`Sweep: ${timing.points} distinct points (${timing.computed} computed, ${timing.fromCache} from the cache) in ${timing.wallSeconds.toFixed(0)} s of wall time on ${timing.threads} worker threads ` +
      `(${timing.pointSeconds.toFixed(0)} s of point time).\n`);
  } else if (timing !== null) {
    out.push(`Sweep: all ${timing.points} distinct points from the cache; computing them had taken ${timing.cachedPointSeconds.toFixed(0)} s of point time (summed over worker threads, on whatever machine and load computed them).\n`);
  }
  out.push('The paper\'s plotted values are not published: the numbers below are all that our sources (the slides, the abstract, the artifact) give. ' +
    'Figures with no published number show the paper\'s claims in words, checked against our points.\n');
  if (skipped.length > 0) out.push(`Left out: ${skipped.join('; ')}.\n`);
  out.push(`## Calibration anchors\n\n${anchors ?? '_Not in this report: the figures were made with the anchor table turned off, or merged from shards (run `scalio calibrate`)._\n'}`);
  const errors = figures.flatMap((entry) => entry.errors);
  const seen = new Set<string>();
  const uniqueErrors = errors.filter((row) => {
    const id = `${row.what}|${row.ours}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  out.push('## Published numbers beside ours\n');
  out.push(errorTable(uniqueErrors));
  out.push('## The paper\'s claims, checked\n');
  out.push(claimTable(figures.flatMap((entry) => entry.claims.map((claim) => ({ figure: entry.figure.id, claim })))));
  for (const entry of figures) {
    out.push(`## ${entry.figure.title}\n`);
    out.push(`![${entry.figure.title}](${entry.image})\n`);
    out.push(`**The paper:** ${entry.figure.paper}\n`);
    out.push(`**Here:** ${entry.configuration} Points: \`fig-${entry.figure.id}.csv\`; configuration and code version: \`fig-${entry.figure.id}.json\`.\n`);
    if (entry.errors.length > 0) out.push(errorTable(entry.errors));
    out.push(claimTable(entry.claims.map((claim) => ({ figure: null, claim }))));
    out.push('**Where and why we differ:**\n');
    out.push(`${entry.differences.map((line) => `- ${line}`).join('\n')}\n`);
  }
  return out.join('\n');
}
