/**
 * `scalio calibrate`: the paper's published anchors against the simulator on a hardware
 * profile — paper value, ours, error, and whether the anchor was fitted or is a prediction —
 * and, with --fit, the calibration itself repeated (each fitted parameter bisected against
 * its one anchor), printing the values for the profile file.
 */
import { type AnchorRow, CALIBRATION_SCALES, type CalibrationTable, calibrationTable, fitProfile } from '../../calibration/anchors.js';
import type { HardwareProfile } from '../../hw/profile.js';
import { fixed, integer, siNumber, table } from '../format.js';
import { writeCsv, writeJson } from '../output.js';
import { OUTPUT_OPTIONS, SIMULATOR_OPTIONS, nonNegativeInteger, oneOf, optionHelp, parse, profileOption } from '../options.js';

const OPTIONS = {
  scale: { type: 'string', value: 'NAME', help: `run size: ${Object.values(CALIBRATION_SCALES).map((scale) => `${scale.name} (${integer(scale.records)} records)`).join(', ')}; default quick` },
  fit: { type: 'boolean', help: 'repeat the fit: bisect each fitted parameter against its anchor and print the values' },
  seed: { type: 'string', value: 'N', help: 'seed of every random choice (default 1)' },
  ...SIMULATOR_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

export const CALIBRATE_HELP = `Usage: scalio calibrate [options]

Runs the paper's published anchors on the simulator (YCSB C, the paper's 8-core DPU,
512 operations in flight) and prints, for each: the paper's value, ours, the error, the
tolerance, and whether the anchor was fitted (one unpublished profile parameter chosen to
meet it) or is a prediction. Predictions where the paper gives no value follow.

  scalio calibrate                       # the quick scale (1 M records), ~2 min on 2 cores
  scalio calibrate --scale test --json anchors.json
  scalio calibrate --fit                 # repeat the fit (~17 min on 2 cores)

Options:
${optionHelp(OPTIONS)}
`;

function value(row: AnchorRow, number: number): string {
  if (row.errorKind === 'absolute') return fixed(number, 3);
  return Math.abs(number) >= 1000 ? siNumber(number).trim() : fixed(number, 2);
}

export function anchorTableText(result: CalibrationTable): string {
  const anchors = table(result.anchors, [
    { title: 'anchor', value: (row) => row.anchor },
    { title: 'paper', value: (row) => value(row, row.paper), right: true },
    { title: 'ours', value: (row) => value(row, row.ours), right: true },
    { title: 'error', value: (row) => (row.errorKind === 'relative' ? `${row.error >= 0 ? '+' : ''}${fixed(100 * row.error, 1)}%` : `${row.error >= 0 ? '+' : ''}${fixed(row.error, 3)}`), right: true },
    { title: 'tolerance', value: (row) => (row.errorKind === 'relative' ? `±${fixed(100 * row.tolerance, 0)}%` : `±${fixed(row.tolerance, 2)}`), right: true },
    { title: 'met', value: (row) => (row.withinTolerance ? 'yes' : 'NO') },
    { title: 'kind', value: (row) => row.status },
  ]);
  const notes = result.anchors.map((row) => `  ${row.id}: ${row.status === 'fitted' ? `fitted (${row.fittedParameters.join(', ')}); ` : ''}${row.note}`).join('\n');
  const predictions = table(result.predictions, [
    { title: 'prediction (no published value)', value: (row) => row.prediction },
    { title: 'ours', value: (row) => (Math.abs(row.ours) >= 1000 ? siNumber(row.ours).trim() : fixed(row.ours, 2)), right: true },
  ]);
  return `${anchors}\n\n${notes}\n\n${predictions}`;
}

export async function calibrate(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS, 'scalio calibrate');
  if (values.help === true) {
    process.stdout.write(CALIBRATE_HELP);
    return;
  }
  const scale = oneOf('scale', values.scale, Object.keys(CALIBRATION_SCALES)) ?? 'quick';
  const seed = nonNegativeInteger('seed', values.seed) ?? 1;
  const profile = profileOption(values);
  const onRun = (description: string) => process.stderr.write(`  ${description}...\n`);
  let fitted: Record<string, number> | undefined;
  let tableProfile: string | HardwareProfile | undefined = profile;
  if (values.fit === true) {
    const fit = await fitProfile({ scale, profile, seed, onRun });
    fitted = fit.parameters as Record<string, number>;
    tableProfile = fit.profile;
  }
  const result = await calibrationTable({ scale, profile: tableProfile, seed, onRun });
  const records = integer(result.scale.records);
  process.stdout.write(`Anchors on the "${result.profile}" profile, ${result.scale.name} scale (${records} records, ` +
    `${integer(result.scale.warmupOperations)} warm-up + ${integer(result.scale.operations)} operations per run, 8 DPU cores, 512 in flight):\n\n`);
  process.stdout.write(`${anchorTableText(result)}\n`);
  if (fitted !== undefined) {
    process.stdout.write(`\nFitted values (write them into the profile file):\n${Object.entries(fitted).map(([name, number]) => `  ${name}: ${number}`).join('\n')}\n`);
  }
  if (typeof values.json === 'string') writeJson(values.json, { ...result, fitted });
  if (typeof values.csv === 'string') writeCsv(values.csv, result.anchors.map(({ fittedParameters, ...rest }) => ({ ...rest, fittedParameters: fittedParameters.join(' ') })));
}
