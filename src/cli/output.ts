/**
 * Results written for spreadsheets and scripts: JSON and CSV files. Every output flag (a flag
 * marked `output: true` in a command's option table) is checked before any work starts, and
 * each file is written atomically, so a bad path never costs a run and a failure never leaves
 * half a file.
 */
import { resolve } from 'node:path';
import { ScalioError } from '../errors.js';
import { csvText, unwritableReason, writeFileAtomically } from '../files.js';

/**
 * Refuses, before any work, an output flag whose file cannot be written, or two output flags
 * that name the same file. `flags` are the output flags' names; `values` the parsed values.
 */
export function checkOutputFiles(values: Readonly<Record<string, unknown>>, flags: readonly string[]): void {
  const flagOfPath = new Map<string, string>();
  for (const flag of flags) {
    const path = values[flag];
    if (typeof path !== 'string') continue;
    const reason = unwritableReason(path);
    if (reason !== undefined) throw new ScalioError(`--${flag} ${path}: cannot write the results there: ${reason}; give a file in an existing directory`);
    const earlier = flagOfPath.get(resolve(path));
    if (earlier !== undefined) throw new ScalioError(`--${earlier} and --${flag} both name ${path}; give each its own file`);
    flagOfPath.set(resolve(path), flag);
  }
}

function write(path: string, text: string): void {
  try {
    writeFileAtomically(path, text);
  } catch (error) {
    throw new ScalioError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Writes data as indented JSON, atomically. */
export function writeJson(path: string, data: unknown): void {
  write(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Writes rows of flat objects as CSV (src/files.ts csvText), atomically. */
export function writeCsv(path: string, rows: readonly Record<string, unknown>[]): void {
  write(path, csvText(rows));
}

/**
 * A run's metrics as one flat CSV row: the per-operation latencies become columns
 * (`read_p99_us`, `update_count`, …), in the same order for every row given.
 */
export function flattenMetrics(rows: readonly { readonly byOperation: readonly { readonly operation: string }[] }[]): Record<string, unknown>[] {
  const operations = [...new Set(rows.flatMap((row) => row.byOperation.map((latency) => latency.operation)))];
  return rows.map((row) => {
    const { byOperation, ...rest } = row;
    const flat: Record<string, unknown> = {};
    // Lists (per SSD, per core) become one column each: ssdReadIopsByDevice_0, …
    for (const [key, value] of Object.entries(rest)) {
      if (Array.isArray(value)) value.forEach((item, index) => { flat[`${key}_${index}`] = item; });
      else flat[key] = value;
    }
    for (const operation of operations) {
      const latency = byOperation.find((entry) => entry.operation === operation) as Record<string, unknown> | undefined;
      const prefix = operation.replace(/-/g, '_');
      for (const field of ['count', 'p50Us', 'p90Us', 'p99Us', 'p999Us', 'maxUs']) {
        flat[`${prefix}_${field.replace(/Us$/, '_us')}`] = latency?.[field] ?? '';
      }
    }
    return flat;
  });
}
