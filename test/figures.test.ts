import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScalioError } from '../src/errors.js';
import { renderChart } from '../src/figures/chart.js';
import { FIGURES } from '../src/figures/definitions.js';
import { generateFigures, mergeShards, rowsOf, selectFigures } from '../src/figures/generate.js';
import { linePanel, figureChart } from '../src/figures/panels.js';
import { type NvmeOfReadsRun, type PointMetrics, checkPoint, pointProfileOf, runPoint } from '../src/figures/point.js';
import { loadProfile } from '../src/hw/profile.js';
import { SCALES, type Scale } from '../src/figures/scale.js';
import { type CachedPoint, PointCache, parseShard, pointKey, shardOf, sweep } from '../src/figures/sweep.js';
import type { FigureDefinition } from '../src/figures/types.js';
import { codeVersion } from '../src/figures/version.js';
import { packageRoot } from '../src/paths.js';
import { scalio } from './cli-runner.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-figures-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A figure small enough for a test: two systems, one and two SSDs, a few thousand operations. */
const TINY_SCALE: Scale = { name: 'quick', records: 2_000, operations: 3_000, warmupOperations: 500, microbenchmarkReads: 1_000 };
const tinyFigure: FigureDefinition = {
  id: 'tiny',
  title: 'A tiny figure',
  paper: 'none',
  configuration: () => 'tiny',
  points: (scale) => ['scalio', 'leed'].flatMap((system) => [1, 2].map((ssds) => ({
    panel: 'C', series: system, x: ssds,
    run: { system, workload: 'A', config: { records: scale.records, ssds, dpuCores: 2, clients: 16, seed: 3 }, operations: scale.operations, warmupOperations: scale.warmupOperations },
  }))),
  chart: (rows) => figureChart('tiny', ['test'], [linePanel({ ours: rows.map((row) => ({ panel: row.panel, series: row.series, x: row.x, y: row.operationsPerSecond })), series: ['scalio', 'leed'], x: { title: 'SSDs' }, y: { title: 'ops/s' } })]),
  errors: (rows) => [{ figure: 'tiny', what: 'scalio at 1 SSD', paper: 1e6, ours: rows[0].operationsPerSecond, unit: 'ops/s', source: 'made up', note: '' }],
  claims: () => [{ claim: 'none', source: 'test', holds: true, ours: '' }],
  differences: () => ['none'],
};

describe('scalio figures', () => {
  it('a sweep run twice gives identical CSVs; run again it resumes from its cache', async () => {
    const first = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'first'), threads: 2, anchors: false });
    const second = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'second'), threads: 2, anchors: false });
    expect(first.timing.computed).toBe(4);
    expect(second.timing.computed).toBe(4);
    const csv = readFileSync(join(directory, 'first', 'fig-tiny.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(5);
    expect(readFileSync(join(directory, 'second', 'fig-tiny.csv'), 'utf8')).toBe(csv);
    const again = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'first'), threads: 2, anchors: false });
    expect(again.timing).toMatchObject({ computed: 0, fromCache: 4 });
    expect(readFileSync(join(directory, 'first', 'fig-tiny.csv'), 'utf8')).toBe(csv);
    const json = JSON.parse(readFileSync(join(directory, 'first', 'fig-tiny.json'), 'utf8'));
    expect(json.codeVersion.modelHash).toBe(codeVersion().modelHash);
    expect(json.points).toHaveLength(4);
    expect(readFileSync(join(directory, 'first', 'fig-tiny.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(directory, 'first', 'fig-tiny.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(directory, 'first', 'report.md'), 'utf8')).toMatch(/!\[A tiny figure\]\(fig-tiny\.png\)/);
  });

  it('shards split the points disjointly and --merge assembles the same CSV', async () => {
    const points = tinyFigure.points(TINY_SCALE);
    const shards = [1, 2, 3].map((index) => shardOf(points, { index, count: 3 }));
    expect(shards.flat().map((point) => pointKey(point.run, codeVersion())).sort()).toEqual(points.map((point) => pointKey(point.run, codeVersion())).sort());
    for (const index of [1, 2]) {
      await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, `shard-${index}`), cacheDirectory: join(directory, 'first', 'points'), shard: { index, count: 2 } });
    }
    await mergeShards([join(directory, 'shard-1'), join(directory, 'shard-2')], join(directory, 'merged'), [tinyFigure]);
    expect(readFileSync(join(directory, 'merged', 'fig-tiny.csv'), 'utf8')).toBe(readFileSync(join(directory, 'first', 'fig-tiny.csv'), 'utf8'));
    await expect(mergeShards([join(directory, 'shard-1')], join(directory, 'merged'), [tinyFigure])).rejects.toThrow(/shard 2\/2 missing/);
    await expect(mergeShards([join(directory, 'shard-1'), join(directory, 'shard-1')], join(directory, 'merged'), [tinyFigure])).rejects.toThrow(/given twice/);
    const broken = join(directory, 'broken-shard');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'shard-1-of-2.json'), '{"figures": 3}');
    await expect(mergeShards([broken], join(directory, 'merged'), [tinyFigure])).rejects.toThrow(ScalioError);
  });

  it('a figure this build cannot make is refused when asked for, and named when left out of "all"', async () => {
    const never: FigureDefinition = { ...tinyFigure, id: 'never', unavailable: async () => 'needs a part this model lacks' };
    await expect(generateFigures({ figures: [never], scale: TINY_SCALE, out: join(directory, 'never'), anchors: false })).rejects.toThrow('--figure never: needs a part this model lacks');
    const outcome = await generateFigures({ figures: [never], scale: TINY_SCALE, out: join(directory, 'never'), anchors: false, skipUnavailable: true });
    expect(outcome.skipped).toEqual(['Fig. never: needs a part this model lacks']);
    expect(readFileSync(join(directory, 'never', 'report.md'), 'utf8')).toMatch(/Left out: Fig\. never: needs a part this model lacks/);
  });

  it('a point the model refuses in a worker thread is a user error (exit 2), not a crash', async () => {
    // An error's class is lost on its way out of a worker: before points returned refusals, this was a plain Error (exit 70).
    const run = { system: 'scalio', workload: 'C', config: { records: 1000, ssds: 100, dpuCores: 2, clients: 16 }, operations: 10, warmupOperations: 0 };
    const failure = sweep([run], { cache: new PointCache(join(directory, 'refused')), version: codeVersion(), threads: 1 });
    await expect(failure).rejects.toBeInstanceOf(ScalioError);
    await expect(failure).rejects.toThrow(/figure point scalio on YCSB C, .*ssds must be an integer from 1 to 64, got 100/);
  });

  it('parses --shard and --figure strictly', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard must be K\/N/);
    expect(selectFigures('13, 10').map((figure) => figure.id)).toEqual(['10', '13']);
    expect(() => selectFigures('10,99')).toThrow(/unknown figure "99"/);
  });

  it('every figure draws a chart from its points (synthetic numbers, no runs)', async () => {
    const version = codeVersion();
    for (const figure of FIGURES) {
      const points = figure.points(SCALES.quick);
      expect(points.length).toBeGreaterThan(0);
      const results = new Map<string, CachedPoint>();
      points.forEach((point, index) => {
        const key = pointKey(point.run, version);
        const metrics = { operationsPerSecond: 1e5 * (1 + index), latencyMeanUs: 50 + index, latencyP50Us: 40, latencyP99Us: 200, hitRatio: 0.8, ssdReadIops: 1e5, ssdWriteIops: 1e4, ssdIops: 1.1e5, ssdIopsMaxDevice: 2e4, ssdIosPerOperation: 1, rpcsPerOperation: 1, coreUtilisation: 0.5, coreUsPerOperation: 5, coreUtilisationRpc: 0.3, coreUtilisationSsdIo: 0.2, coreUtilisationNvmeTarget: 0, clientUsPerOperation: 1, idealHitRatio: 0.85, lruHitRatio: 0.8, ssdIopsByDevice: '1;2', operations: 100, measuredSeconds: 0.1 } satisfies PointMetrics;
        results.set(key, { key, run: point.run, modelHash: version.modelHash, result: { metrics, timing: { wallSeconds: 1 } } });
      });
      const rows = rowsOf(figure, points, results, version);
      const { svg, png } = await renderChart(figure.chart(rows, SCALES.quick));
      expect(svg, `figure ${figure.id}`).toMatch(/^<svg/);
      expect(png.length).toBeGreaterThan(1000);
      expect(figure.claims(rows).length + figure.errors(rows).length).toBeGreaterThan(0);
      expect(figure.differences(rows, SCALES.quick).length).toBeGreaterThan(0);
    }
  });

  it('--profile: every point runs on it, a changed profile file recomputes the points, the JSON records it', async () => {
    const paperFile = join(packageRoot(), 'profiles', 'paper.json');
    const mine = join(directory, 'my-profile.json');
    const profileJson = JSON.parse(readFileSync(paperFile, 'utf8'));
    profileJson.name = 'mine';
    writeFileSync(mine, JSON.stringify(profileJson));
    const cacheDirectory = join(directory, 'profile-points');
    const paper = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'profile-paper'), cacheDirectory, threads: 2, anchors: false });
    expect(paper.timing.computed).toBe(4);
    // The same values under another name: other keys (the name is content), so computed again.
    const same = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'profile-mine'), cacheDirectory, threads: 2, anchors: false, profile: mine });
    expect(same.timing).toMatchObject({ computed: 4, fromCache: 0 });
    const again = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'profile-mine'), cacheDirectory, threads: 2, anchors: false, profile: mine });
    expect(again.timing).toMatchObject({ computed: 0, fromCache: 4 });
    const csvBefore = readFileSync(join(directory, 'profile-mine', 'fig-tiny.csv'), 'utf8');
    // The user edits the file: a slower network. The old points must not be reused, and the numbers move.
    profileJson.parameters.networkOneWayNs.value *= 4;
    writeFileSync(mine, JSON.stringify(profileJson));
    const edited = await generateFigures({ figures: [tinyFigure], scale: TINY_SCALE, out: join(directory, 'profile-mine'), cacheDirectory, threads: 2, anchors: false, profile: mine });
    expect(edited.timing).toMatchObject({ computed: 4, fromCache: 0 });
    const csvAfter = readFileSync(join(directory, 'profile-mine', 'fig-tiny.csv'), 'utf8');
    expect(csvAfter).not.toBe(csvBefore);
    expect(csvAfter.split('\n')[1]).toMatch(/,mine,/);
    const json = JSON.parse(readFileSync(join(directory, 'profile-mine', 'fig-tiny.json'), 'utf8'));
    expect(json.profile).toMatchObject({ name: 'mine', file: mine });
    expect(json.profile.parameters.networkOneWayNs.value).toBe(profileJson.parameters.networkOneWayNs.value);
    expect(json.points[0].run.profile).toBeUndefined();
    expect(readFileSync(join(directory, 'profile-mine', 'report.md'), 'utf8')).toContain(`on the \`mine\` hardware profile (${mine}, content hash ${json.profile.contentHash}`);
  });

  it("Fig. 6's NVMe-oF read points run on the point's profile", async () => {
    const paper = loadProfile('paper');
    const point: NvmeOfReadsRun = { kind: 'nvmeof-reads', target: 'offload', ssds: 1, queueDepth: 4, dpuCores: 8, commands: 2_000 };
    const slow = { ...pointProfileOf(paper), parameters: { ...pointProfileOf(paper).parameters, networkOneWayNs: paper.networkOneWayNs + 20_000 } };
    const onPaper = await runPoint({ ...point, profile: pointProfileOf(paper) });
    const onDefault = await runPoint(point);
    const onSlow = await runPoint({ ...point, profile: slow });
    expect(onPaper.metrics).toEqual(onDefault.metrics);
    // 20 µs more each way: 40 µs more per read.
    expect(onSlow.metrics.latencyMeanUs - onPaper.metrics.latencyMeanUs).toBeCloseTo(40, 0);
  });

  it('bad input: exit 2 and one line', async () => {
    const unknownProfile = await scalio('figures', '--profile', 'nope', '--figure', '10', '--out', join(directory, 'unused'));
    expect(unknownProfile.code).toBe(2);
    expect(unknownProfile.stderr.trim().split('\n')).toEqual([expect.stringMatching(/profile "nope" is neither a shipped profile \(paper\) nor a file/)]);
    const broken = join(directory, 'broken-profile.json');
    writeFileSync(broken, JSON.stringify({ name: 'broken', parameters: { networkOneWayNs: { value: -1, source: 'x' } } }));
    const malformed = await scalio('figures', '--profile', broken, '--figure', '10', '--out', join(directory, 'unused'));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/profile .*broken-profile\.json: parameter "networkOneWayNs" is negative/)]);

    // An output directory that cannot be made is refused before any point runs.
    const aFile = join(directory, 'a-file');
    writeFileSync(aFile, '');
    for (const flag of ['--out', '--cache']) {
      const unwritable = await scalio('figures', '--figure', '10', '--quick', flag, join(aFile, 'below'));
      expect(unwritable.code).toBe(2);
      expect(unwritable.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`${flag} .*a-file/below: cannot write there \\(ENOTDIR\\)`))]);
    }
    const unknown = await scalio('figures', '--figure', '10,99');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--figure: unknown figure "99"; known: 5, /)]);
    const shard = await scalio('figures', '--shard', '9/8');
    expect(shard.code).toBe(2);
    expect(shard.stderr.trim().split('\n')).toHaveLength(1);
    const empty = join(directory, 'empty');
    mkdirSync(empty, { recursive: true });
    const merge = await scalio('figures', '--merge', empty, join(directory, 'nowhere'));
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/has no shard-K-of-N\.json/);
    const both = await scalio('figures', '--quick', '--full');
    expect(both.code).toBe(2);
  });

  it('refuses, before the sweep, a point whose cluster the run would refuse: its memory plan too', () => {
    const point = { system: 'scalio', workload: 'C', config: { records: 1000 }, operations: 100, warmupOperations: 0 };
    expect(() => checkPoint(point)).not.toThrow();
    // 60 M cache slots need more DRAM than WebAssembly's 4 GiB: the configuration alone resolves.
    expect(() => checkPoint({ ...point, config: { records: 1000, cacheSlots: 60_000_000 } })).toThrowError(/more than WebAssembly's 4 GiB memory/);
  });

  it('builds every point of the paper\'s scale (20 M records, 1 to 7 SSDs)', () => {
    // An emulated SSD is no longer one buffer of at most 4 GiB (src/hw/ssd.ts): the 1-SSD
    // points of 20 M records (~54 GiB of capacity, ~3 GiB stored) are configurations like any other.
    for (const figure of FIGURES) for (const point of figure.points(SCALES.full)) expect(() => checkPoint(point.run)).not.toThrow();
  });
});
