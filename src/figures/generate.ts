/**
 * `scalio figures` end to end: select figures, run (or shard, or merge) their points, and
 * write each figure's CSV, JSON, SVG and PNG, and one report page.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ScalioError } from '../errors.js';
import { csvText, writeFileAtomically } from '../files.js';
import { type HardwareProfile, parseProfile, resolveProfile } from '../hw/profile.js';
import { anchorTable } from './anchors.js';
import { renderChart } from './chart.js';
import { FIGURES, figureById } from './definitions.js';
import { type PointProfile, checkPoint, pointProfileOf } from './point.js';
import { type ProfileRecord, profileRecordOf } from './profile-record.js';
import { type ReportFigure, reportPage } from './report.js';
import { SCALES, type Scale, type ScaleName } from './scale.js';
import { type CachedPoint, PointCache, type Shard, type SweepProgress, pointKey, shardOf, sweep } from './sweep.js';
import type { FigureDefinition, FigurePoint, FigureRow } from './types.js';
import { type CodeVersion, codeVersion } from './version.js';

/** `--figure 10,13`: known figure ids, in the paper's order, each once. */
export function selectFigures(text: string | undefined): FigureDefinition[] {
  if (text === undefined) return [...FIGURES];
  const ids = text.split(',').map((part) => part.trim().replace(/^fig(ure)?\.?\s*/i, '')).filter((part) => part.length > 0);
  if (ids.length === 0) throw new ScalioError(`--figure needs figure numbers; known: ${FIGURES.map((figure) => figure.id).join(', ')}`);
  for (const id of ids) {
    if (figureById(id) === undefined) throw new ScalioError(`--figure: unknown figure "${id}"; known: ${FIGURES.map((figure) => figure.id).join(', ')}`);
  }
  return FIGURES.filter((figure) => ids.includes(figure.id));
}

/** A recorded profile as a profile again (checked as a file is). */
function profileOfRecord(record: ProfileRecord, where: string): HardwareProfile {
  return parseProfile({ name: record.name, description: record.description, parameters: record.parameters }, where);
}

/** A figure's points, each to run on the profile. */
export function pointsOf(figure: FigureDefinition, scale: Scale, profile: PointProfile): FigurePoint[] {
  return figure.points(scale).map((point) => ({ ...point, run: { ...point.run, profile } }));
}

/** A figure's finished points as CSV rows (in the figure's own order). */
export function rowsOf(figure: FigureDefinition, points: readonly FigurePoint[], results: ReadonlyMap<string, CachedPoint>, version: Pick<CodeVersion, 'packageVersion' | 'modelHash'>): FigureRow[] {
  return points.map((point) => {
    const key = pointKey(point.run, version as CodeVersion);
    const entry = results.get(key);
    if (entry === undefined) throw new ScalioError(`figure ${figure.id}: point ${point.series} at ${point.x} (${point.panel}) has no result (key ${key})`);
    const run = point.run;
    const described = run.kind === 'nvmeof-reads'
      ? {
        system: `NVMe-oF ${run.target}`, workload: '512-byte random reads', ssds: run.ssds, dpuCores: run.dpuCores, clients: run.queueDepth * run.ssds,
        records: Number.NaN, cacheSlots: Number.NaN, slotsPerBucket: Number.NaN, setBatch: '', requestDistribution: 'uniform', theta: '',
      }
      : {
        system: run.system, workload: run.workload, ssds: run.config.ssds ?? Number.NaN, dpuCores: run.config.dpuCores ?? Number.NaN,
        clients: run.config.clients ?? Number.NaN, records: run.config.records ?? Number.NaN, cacheSlots: run.config.cacheSlots ?? Number.NaN,
        slotsPerBucket: run.config.slotsPerBucket ?? 8, setBatch: run.config.setBatch ?? 'system default',
        requestDistribution: run.workloadChanges?.requestDistribution ?? (run.workload === 'D' ? 'latest' : 'zipfian'),
        theta: run.workloadChanges?.zipfianConstant ?? 0.99,
      };
    return { figure: figure.id, panel: point.panel, series: point.series, x: point.x, ...described, profile: run.profile?.name ?? 'paper', ...entry.result.metrics, key };
  });
}

function write(path: string, data: string | Buffer): void {
  try {
    writeFileAtomically(path, data);
  } catch (error) {
    throw new ScalioError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

export interface SweepTiming {
  readonly points: number;
  readonly computed: number;
  readonly fromCache: number;
  readonly wallSeconds: number;
  readonly pointSeconds: number;
  /** The cached points' wall times when they were computed. */
  readonly cachedPointSeconds: number;
  readonly threads: number;
}

/** Writes every figure's files and the report page into `out`. */
export async function writeFigures(figures: readonly FigureDefinition[], scale: Scale, results: ReadonlyMap<string, CachedPoint>, version: CodeVersion, out: string, timing: SweepTiming | null, profile: HardwareProfile, skipped: readonly string[] = [], anchors: string | null = null): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const report: ReportFigure[] = [];
  const record = profileRecordOf(profile);
  const content = pointProfileOf(profile);
  for (const figure of figures) {
    const points = pointsOf(figure, scale, content);
    const rows = rowsOf(figure, points, results, version);
    const base = join(out, `fig-${figure.id}`);
    write(`${base}.csv`, csvText(rows));
    const errors = figure.errors(rows);
    const claims = figure.claims(rows);
    write(`${base}.json`, `${JSON.stringify({
      figure: figure.id,
      title: figure.title,
      paper: figure.paper,
      configuration: figure.configuration(scale),
      scale,
      codeVersion: version,
      engine: 'sim',
      // Every point ran on this profile (each point's run below leaves it out; its key includes it).
      profile: record,
      points: points.map((point) => ({ panel: point.panel, series: point.series, x: point.x, key: pointKey(point.run, version), run: { ...point.run, profile: undefined } })),
      published: errors,
      claims,
    }, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
    const { svg, png } = await renderChart(figure.chart(rows, scale));
    write(`${base}.svg`, svg);
    write(`${base}.png`, png);
    written.push(`${base}.csv`, `${base}.json`, `${base}.svg`, `${base}.png`);
    report.push({ figure, rows, errors, claims, image: `fig-${figure.id}.png`, differences: figure.differences(rows, scale), configuration: figure.configuration(scale) });
  }
  const page = reportPage(report, scale, version, timing, skipped, anchors, record);
  write(join(out, 'report.md'), page);
  written.push(join(out, 'report.md'));
  return written;
}

// ---------------------------------------------------------------------------------------
// Shards and merging.

export const POINTS_DIRECTORY = 'points';

/** What a shard wrote beside its points, for `--merge` to check and assemble. */
export interface ShardManifest {
  readonly scalioFiguresShard: 1;
  readonly figures: readonly string[];
  readonly scale: Scale;
  readonly shard: Shard;
  readonly codeVersion: CodeVersion;
  readonly profile: ProfileRecord;
  readonly keys: readonly string[];
}

const manifestName = (shard: Shard) => `shard-${shard.index}-of-${shard.count}.json`;

export interface FiguresRequest {
  readonly figures: readonly FigureDefinition[];
  /** A preset's name, or a scale of its own (tests use tiny ones). */
  readonly scale: ScaleName | Scale;
  readonly out: string;
  readonly cacheDirectory?: string;
  readonly threads?: number;
  readonly shard?: Shard;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Leave out (and name) figures this build cannot make, instead of refusing (for "all figures"). */
  readonly skipUnavailable?: boolean;
  /** Put the calibration's anchor table in the report (runs its anchor points once per model; default true). */
  readonly anchors?: boolean;
  /** The hardware profile every point runs on: a shipped name, a file's path, or a profile (default 'paper'). */
  readonly profile?: string | HardwareProfile;
}

export interface FiguresOutcome {
  readonly written: string[];
  readonly timing: SweepTiming;
  /** Figures left out, with why. */
  readonly skipped: readonly string[];
}

/** The figures this build can make; the others are refused, or left out and named. */
async function availableFigures(figures: readonly FigureDefinition[], skip: boolean): Promise<{ figures: FigureDefinition[]; skipped: string[] }> {
  const available: FigureDefinition[] = [];
  const skipped: string[] = [];
  for (const figure of figures) {
    const reason = (await figure.unavailable?.()) ?? null;
    if (reason === null) available.push(figure);
    else if (skip) skipped.push(`Fig. ${figure.id}: ${reason}`);
    else throw new ScalioError(`--figure ${figure.id}: ${reason}`);
  }
  return { figures: available, skipped };
}

/** Runs the figures' points (or one shard of them) and, unless sharded, writes the figures. */
export async function generateFigures(request: FiguresRequest): Promise<FiguresOutcome> {
  const scale = typeof request.scale === 'string' ? SCALES[request.scale] : request.scale;
  // A bad profile is refused before anything runs.
  const profile = resolveProfile(request.profile);
  const content = pointProfileOf(profile);
  const version = codeVersion();
  const { figures, skipped } = await availableFigures(request.figures, request.skipUnavailable ?? false);
  const all = figures.flatMap((figure) => pointsOf(figure, scale, content));
  for (const figure of figures) {
    for (const point of pointsOf(figure, scale, content)) {
      try {
        checkPoint(point.run);
      } catch (error) {
        if (!(error instanceof ScalioError)) throw error;
        throw new ScalioError(`Fig. ${figure.id} at the ${scale.name} scale cannot run its point ${point.series} at ${point.x}${point.panel !== point.series ? ` (${point.panel})` : ''}: ${error.message}`);
      }
    }
  }
  const points = request.shard !== undefined ? shardOf(dedupe(all, version), request.shard) : all;
  const cache = new PointCache(request.cacheDirectory ?? join(request.out, POINTS_DIRECTORY));
  const result = await sweep(points.map((point) => point.run), { cache, version, threads: request.threads, onProgress: request.onProgress });
  const timing: SweepTiming = {
    points: result.points.size, computed: result.computed, fromCache: result.fromCache, wallSeconds: result.wallMs / 1000, pointSeconds: result.pointSeconds, cachedPointSeconds: result.cachedPointSeconds,
    threads: request.threads ?? availableParallelism(),
  };
  if (request.shard !== undefined) {
    mkdirSync(request.out, { recursive: true });
    // The points go to the shard's own directory whatever cache it used, so that its directory alone can be merged.
    const own = new PointCache(join(request.out, POINTS_DIRECTORY));
    for (const entry of result.points.values()) if (own.get(entry.key) === undefined) own.put(entry);
    const manifest: ShardManifest = {
      scalioFiguresShard: 1, figures: figures.map((figure) => figure.id), scale, shard: request.shard, codeVersion: version, profile: profileRecordOf(profile), keys: [...result.points.keys()].sort(),
    };
    const path = join(request.out, manifestName(request.shard));
    write(path, `${JSON.stringify(manifest, null, 2)}\n`);
    return { written: [path], timing, skipped };
  }
  const anchors = request.anchors === false ? null : await anchorTable(scale, cache.directory, version, profile);
  return { written: await writeFigures(figures, scale, result.points, version, request.out, timing, profile, skipped, anchors), timing, skipped };
}

function dedupe(points: readonly FigurePoint[], version: CodeVersion): FigurePoint[] {
  const seen = new Map<string, FigurePoint>();
  for (const point of points) seen.set(pointKey(point.run, version), point);
  return [...seen.values()];
}

const isScale = (scale: Scale | undefined): boolean => scale !== null && typeof scale === 'object' && typeof scale.name === 'string'
  && [scale.records, scale.operations, scale.warmupOperations, scale.microbenchmarkReads].every((value) => Number.isSafeInteger(value) && value >= 0);

function readManifest(path: string, catalogue: readonly FigureDefinition[]): ShardManifest {
  let manifest: ShardManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as ShardManifest;
  } catch (error) {
    throw new ScalioError(`--merge: ${path} is not a shard manifest (${(error as Error).message.split('\n')[0]})`);
  }
  const valid = manifest !== null && typeof manifest === 'object' && manifest.scalioFiguresShard === 1 && Array.isArray(manifest.figures) && Array.isArray(manifest.keys)
    && isScale(manifest.scale) && typeof manifest.codeVersion?.modelHash === 'string'
    && typeof manifest.profile?.contentHash === 'string' && typeof manifest.profile.parameters === 'object' && manifest.profile.parameters !== null
    && Number.isSafeInteger(manifest.shard?.index) && Number.isSafeInteger(manifest.shard?.count) && manifest.shard.index >= 1 && manifest.shard.index <= manifest.shard.count
    && manifest.figures.every((id) => catalogue.some((figure) => figure.id === id));
  if (!valid) throw new ScalioError(`--merge: ${path} is not a valid shard manifest (made by \`scalio figures --shard K/N\`)`);
  return manifest;
}

/** Assembles the shards' points (each DIR is a `--shard` run's --out) and writes the figures. */
export async function mergeShards(directories: readonly string[], out: string, catalogue: readonly FigureDefinition[] = FIGURES): Promise<FiguresOutcome> {
  if (directories.length === 0) throw new ScalioError('--merge needs the shards\' output directories: scalio figures --merge DIR...');
  const manifests: { manifest: ShardManifest; directory: string }[] = [];
  for (const directory of directories) {
    if (!existsSync(directory)) throw new ScalioError(`--merge: ${directory} does not exist`);
    const names = readdirSync(directory).filter((name) => /^shard-\d+-of-\d+\.json$/.test(name));
    if (names.length === 0) throw new ScalioError(`--merge: ${directory} has no shard-K-of-N.json (it is not a \`scalio figures --shard\` output)`);
    for (const name of names) manifests.push({ manifest: readManifest(join(directory, name), catalogue), directory });
  }
  const first = manifests[0].manifest;
  for (const { manifest, directory } of manifests) {
    const same = manifest.figures.join(',') === first.figures.join(',') && JSON.stringify(manifest.scale) === JSON.stringify(first.scale) && manifest.shard.count === first.shard.count
      && manifest.codeVersion.modelHash === first.codeVersion.modelHash && manifest.codeVersion.packageVersion === first.codeVersion.packageVersion
      && manifest.profile.contentHash === first.profile.contentHash;
    if (!same) {
      throw new ScalioError(`--merge: shard ${manifest.shard.index}/${manifest.shard.count} in ${directory} was run with other settings (figures ${manifest.figures.join(',')}, ` +
        `--${manifest.scale.name}, model ${manifest.codeVersion.modelHash}, profile ${manifest.profile.name} ${manifest.profile.contentHash}) than shard ${first.shard.index}/${first.shard.count} ` +
        `(figures ${first.figures.join(',')}, --${first.scale.name}, model ${first.codeVersion.modelHash}, profile ${first.profile.name} ${first.profile.contentHash})`);
    }
  }
  const indexes = manifests.map(({ manifest }) => manifest.shard.index);
  const missing = Array.from({ length: first.shard.count }, (_, index) => index + 1).filter((index) => !indexes.includes(index));
  const twice = indexes.filter((index, position) => indexes.indexOf(index) !== position);
  if (twice.length > 0) throw new ScalioError(`--merge: shard ${twice[0]}/${first.shard.count} given twice`);
  if (missing.length > 0) throw new ScalioError(`--merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${first.shard.count}`).join(', ')} missing from ${directories.join(' ')}`);
  const results = new Map<string, CachedPoint>();
  for (const { manifest, directory } of manifests) {
    const cache = new PointCache(join(directory, POINTS_DIRECTORY));
    for (const key of manifest.keys) {
      const entry = cache.get(key);
      if (entry === undefined) throw new ScalioError(`--merge: ${join(directory, POINTS_DIRECTORY, `${key}.json`)} is missing or damaged (listed by shard ${manifest.shard.index}/${manifest.shard.count})`);
      results.set(key, entry);
    }
  }
  const figures = first.figures.map((id) => catalogue.find((figure) => figure.id === id) as FigureDefinition);
  const profile = profileOfRecord(first.profile, `recorded in ${join(manifests[0].directory, manifestName(first.shard))}`);
  const written = await writeFigures(figures, first.scale, results, first.codeVersion, out, null, profile);
  return { written, timing: { points: results.size, computed: 0, fromCache: results.size, wallSeconds: 0, pointSeconds: 0, cachedPointSeconds: [...results.values()].reduce((total, entry) => total + entry.result.timing.wallSeconds, 0), threads: 0 }, skipped: [] };
}

