/**
 * The calibration's anchor table (the model's `calibrationTable`, what `scalio calibrate`
 * prints) for the report page: the paper's anchors, ours, the error, and whether each was
 * fitted or is a prediction. Cached beside the points, keyed by the model's code hash, the
 * scale and the profile's content.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../files.js';
import { join } from 'node:path';
import { type CalibrationTable, calibrationTable } from '../calibration/anchors.js';
import type { HardwareProfile } from '../hw/profile.js';
import { profileRecordOf } from './profile-record.js';
import type { Scale } from './scale.js';
import type { CodeVersion } from './version.js';

/**
 * The calibration scale for a figures scale: `scalio calibrate`'s default (quick: 1 M records,
 * the scale the fit was made at, ~2 minutes) below the paper's dataset, so the report's table
 * is the one the README and `scalio calibrate` show; the full scale at the paper's.
 */
function calibrationScaleOf(scale: Scale): string {
  return scale.records < 20_000_000 ? 'quick' : 'full';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const value = (number: number) => (Math.abs(number) >= 1000 ? Math.round(number).toLocaleString('en-US') : number.toPrecision(3));

export function anchorMarkdown(table: CalibrationTable): string {
  const lines = [
    `Profile \`${table.profile}\`, calibration scale \`${table.scale.name}\` (${table.scale.records.toLocaleString('en-US')} records); from the model's \`calibrationTable\`, as \`scalio calibrate\` prints it.\n`,
    '| anchor | paper | ours | error | tolerance | met | fitted or predicted | note |',
    '|---|---:|---:|---:|---:|---|---|---|',
  ];
  for (const row of table.anchors) {
    const error = row.errorKind === 'relative' ? `${row.error >= 0 ? '+' : ''}${(row.error * 100).toFixed(1)} %` : `${row.error >= 0 ? '+' : ''}${row.error.toFixed(3)}`;
    const tolerance = row.errorKind === 'relative' ? `±${(row.tolerance * 100).toFixed(0)} %` : `±${row.tolerance}`;
    const status = row.status === 'fitted' ? `fitted (${row.fittedParameters.join(', ')})` : 'predicted';
    lines.push(`| ${cell(row.anchor)} | ${value(row.paper)} | ${value(row.ours)} | ${error} | ${tolerance} | ${row.withinTolerance ? 'yes' : '**no**'} | ${status} | ${cell(row.note)} |`);
  }
  if (table.predictions.length > 0) {
    lines.push('', '| prediction (the paper gives no value) | ours |', '|---|---:|');
    for (const row of table.predictions) lines.push(`| ${cell(row.prediction)} | ${value(row.ours)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The anchor table as Markdown. */
export async function anchorTable(scale: Scale, cacheDirectory: string, version: CodeVersion, profile: HardwareProfile): Promise<string> {
  const calibrationScale = calibrationScaleOf(scale);
  // Keyed by the profile's content too: a profile file edited between two sweeps recomputes the table.
  const path = join(cacheDirectory, `anchors-${calibrationScale}-${version.modelHash}-${profileRecordOf(profile).contentHash}.json`);
  let table: CalibrationTable | undefined;
  if (existsSync(path)) {
    try {
      table = JSON.parse(readFileSync(path, 'utf8')) as CalibrationTable;
    } catch {
      table = undefined; // a damaged cache file is recomputed, as a damaged point is
    }
  }
  if (table === undefined) {
    table = await calibrationTable({ scale: calibrationScale, profile });
    mkdirSync(cacheDirectory, { recursive: true });
    writeFileAtomically(path, `${JSON.stringify(table)}\n`);
  }
  return anchorMarkdown(table);
}
