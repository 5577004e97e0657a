/** `scalio figures`: the paper's evaluation figures, as CSV, JSON, SVG, PNG and a report page. */
import { ScalioError } from '../../errors.js';
import { FIGURES } from '../../figures/definitions.js';
import { generateFigures, mergeShards, selectFigures } from '../../figures/generate.js';
import { SCALES, type ScaleName, customScale } from '../../figures/scale.js';
import { duration, parseShard, sweepProgressLine } from '../../figures/sweep.js';
import { makeWritableDirectory } from '../../files.js';
import { DEFAULT_PROFILE_NAME } from '../../hw/profile.js';
import { optionHelp, parse, positiveInteger, profileOption } from '../options.js';

const OPTIONS = {
  figure: { type: 'string', value: 'LIST', help: `comma-separated figures (default: all: ${FIGURES.map((figure) => figure.id).join(', ')})` },
  quick: { type: 'boolean', help: 'small runs, the whole list in minutes: 200 K records, 100 K operations per point (default: 1 M and 500 K)' },
  full: { type: 'boolean', help: 'the paper\'s 20 M records and 8 M operations per point (~3.5 GiB per point running; hours)' },
  records: { type: 'string', value: 'N', help: 'records loaded per point instead of the scale\'s (Fig. 16 runs 1–4×)' },
  ops: { type: 'string', value: 'N', help: 'measured operations per point instead of the scale\'s (warm-up: half as many)' },
  out: { type: 'string', value: 'DIR', help: 'where the figures, the report and the finished points go (default: figures)' },
  cache: { type: 'string', value: 'DIR', help: 'finished points, reused by any later sweep of the same code (default: DIR/points)' },
  threads: { type: 'string', value: 'N', help: 'worker threads running points (default: the machine\'s cores)' },
  profile: { type: 'string', value: 'NAME|FILE', help: 'hardware profile every point runs on: a shipped name (paper) or a profile JSON file (default: paper; README, Calibration)' },
  shard: { type: 'string', value: 'K/N', help: 'run only the K-th of N deterministic shares of the points (an array job\'s task), then --merge' },
  merge: { type: 'boolean', help: 'assemble the figures from shards\' --out directories given as arguments: --merge DIR...' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

export const FIGURES_HELP = `Usage: scalio figures [--figure LIST] [--quick | --full] [--profile NAME|FILE] [--out DIR] [--shard K/N]
       scalio figures --merge DIR... [--out DIR]

Regenerates the paper's evaluation figures on the simulator: for each, a CSV of its points,
a JSON of its exact configuration and code version, a chart (SVG and PNG) with the paper's
published values beside ours, and one report page (report.md) for them all.

Points run in parallel on worker threads and are cached in DIR/points: a sweep that is
interrupted or run again resumes. For a cluster, run shards 1/N … N/N as an array job
(each with its own --out) and assemble them with --merge.

Options:
${optionHelp(OPTIONS)}
`;

export async function figures(argv: string[]): Promise<void> {
  // Directories are words, not flags: `--merge DIR...` (anything else with words is refused below).
  const { values, positionals } = parse(argv, OPTIONS, 'scalio figures', { positionals: true });
  if (values.help === true) {
    process.stdout.write(FIGURES_HELP);
    return;
  }
  const out = typeof values.out === 'string' ? values.out : 'figures';
  if (values.merge === true) {
    for (const flag of ['figure', 'quick', 'full', 'records', 'ops', 'shard', 'cache', 'threads', 'profile'] as const) {
      if (values[flag] !== undefined) throw new ScalioError(`--merge takes its figures, scale and profile from the shards; drop --${flag}`);
    }
    makeWritableDirectory(out, '--out');
    const outcome = await mergeShards(positionals, out);
    process.stdout.write(`merged ${outcome.timing.points} points from ${positionals.length} director${positionals.length === 1 ? 'y' : 'ies'}; wrote ${outcome.written.length} files to ${out} (report: ${out}/report.md)\n`);
    return;
  }
  if (positionals.length > 0) throw new ScalioError(`unexpected argument "${positionals[0]}"; directories go with --merge; see scalio figures --help`);
  if (values.quick === true && values.full === true) throw new ScalioError('--quick and --full exclude each other');
  const preset: ScaleName = values.quick === true ? 'quick' : values.full === true ? 'full' : 'default';
  const scale = customScale(SCALES[preset], positiveInteger('records', values.records), positiveInteger('ops', values.ops));
  const selected = selectFigures(typeof values.figure === 'string' ? values.figure : undefined);
  const shard = typeof values.shard === 'string' ? parseShard(values.shard) : undefined;
  const threads = positiveInteger('threads', values.threads);
  // Checked here, before any point runs: a bad name or file is one line and exit 2.
  const profile = profileOption(values) ?? DEFAULT_PROFILE_NAME;
  makeWritableDirectory(out, '--out');
  if (typeof values.cache === 'string') makeWritableDirectory(values.cache, '--cache');
  const progress = sweepProgressLine();
  let outcome;
  try {
    outcome = await generateFigures({
      figures: selected, scale, out, shard, threads, profile, skipUnavailable: values.figure === undefined,
      ...(typeof values.cache === 'string' ? { cacheDirectory: values.cache } : {}),
      onProgress: progress.update,
    });
  } finally {
    progress.done();
  }
  const { timing } = outcome;
  for (const reason of outcome.skipped) process.stderr.write(`scalio: left out ${reason}\n`);
  const what = `${timing.points} points (${timing.computed} computed, ${timing.fromCache} from the cache) in ${duration(timing.wallSeconds * 1000)}`;
  if (shard !== undefined) {
    process.stdout.write(`shard ${shard.index}/${shard.count}: ${what}; wrote ${outcome.written[0]}. Assemble all shards with: scalio figures --merge DIR...\n`);
  } else {
    const made = selected.filter((figure) => !outcome.skipped.some((reason) => reason.startsWith(`Fig. ${figure.id}:`)));
    const profileName = typeof profile === 'string' ? profile : profile.name;
    process.stdout.write(`figures ${made.map((figure) => figure.id).join(', ')} at the ${scale.name} scale on the "${profileName}" profile: ${what}; wrote ${outcome.written.length} files to ${out} (report: ${out}/report.md)\n`);
  }
}
