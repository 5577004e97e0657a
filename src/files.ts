/**
 * Files users give and files results go to.
 *
 * Input: a text file is read only if it is a regular file (a device or a pipe could be
 * endless, or wait forever for a writer) under a size bound, and holds text.
 *
 * Output: result files are written so that a reader never sees half of one: the text goes to
 * a temporary file in the same directory (so the rename stays on one file system, where it is
 * atomic), then replaces the target in one rename. A failure leaves the target as it was.
 */
import { type Stats, accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

export interface TextFileRules {
  /** What the file is, for messages ("workload file", "history file"). */
  readonly what: string;
  /** The largest file read, in bytes. */
  readonly bytesMax: number;
  /** What to do instead, ending each refusal ("give a YCSB workload file"). */
  readonly hint: string;
}

function sizeInWords(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes.toLocaleString('en-US')} bytes (${bytes / 2 ** 20} MiB)` : `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * The text of a file a user gave: a regular file (not a directory, device or pipe) of at most
 * `bytesMax` bytes, in UTF-8 (so ASCII too), without control characters other than tabs, form
 * feeds and line ends. A byte-order mark is dropped (it is no part of the text). Anything else
 * is refused with an InputError naming the file and what is allowed, before reading it where
 * that is possible.
 */
export function readTextFile(path: string, rules: TextFileRules): string {
  const { what, bytesMax, hint } = rules;
  let bytes: Buffer;
  let descriptor: number | undefined;
  try {
    // Looked at before opening: opening a pipe would wait for a writer. Opened without
    // blocking, and looked at again, in case the path changed in between.
    const refuseUnlessRegular = (status: Stats) => {
      if (status.isDirectory()) throw new InputError(`${what} ${path} is a directory; ${hint}`);
      if (!status.isFile()) throw new InputError(`${what} ${path} is not a regular file (a device, pipe or socket); ${hint}`);
    };
    refuseUnlessRegular(statSync(path));
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const status = fstatSync(descriptor);
    refuseUnlessRegular(status);
    if (status.size > bytesMax) throw new InputError(`${what} ${path} is ${status.size.toLocaleString('en-US')} bytes, more than the ${sizeInWords(bytesMax)} a ${what} may be; ${hint}`);
    // Room for one byte more than the file had: filling it means the file grew meanwhile.
    const buffer = Buffer.alloc(status.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > status.size) throw new InputError(`${what} ${path} grew while it was read; ${hint}`);
    bytes = buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  let text: string;
  try {
    // fatal: invalid UTF-8 throws; ignoreBOM false (the default): a leading BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${what} ${path} is not text (it is not valid UTF-8); ${hint}`);
  }
  const control = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.exec(text);
  if (control !== null) {
    const line = text.slice(0, control.index).split(/\r\n|\r|\n/).length;
    throw new InputError(`${what} ${path} is not text (control character 0x${control[0].charCodeAt(0).toString(16).padStart(2, '0')} on line ${line}); ${hint}`);
  }
  return text;
}

/** A temporary name beside `path`: hidden, and unique to this process and call. */
function temporaryPathBeside(path: string): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(16);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/**
 * Writes `text` to `path` atomically (temporary file + rename); throws the file system's
 * error, leaving `path` as it was and no temporary file. The text may come in pieces (a
 * generator), so that a large result is never one string, or as bytes (a PNG).
 */
export function writeFileAtomically(path: string, text: string | Uint8Array | Iterable<string>): void {
  const temporary = temporaryPathBeside(path);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx');
    if (text instanceof Uint8Array) writeSync(descriptor, text);
    else for (const piece of typeof text === 'string' ? [text] : text) writeSync(descriptor, piece);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Creates the output directory `path` (and its parents) if needed and checks it can be
 * written, before any work: a directory named `what` (a flag) that cannot be is an
 * InputError of one line, not a failure after a long run.
 */
export function makeWritableDirectory(path: string, what: string): void {
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw new InputError(`${what} ${path}: cannot write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Why `path` cannot take a result file written by `writeFileAtomically`, or undefined if it
 * can: the target must not be a directory or another non-regular file, and its directory must
 * let a temporary file be created there (tried, and removed at once: nothing is left behind).
 */
export function unwritableReason(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return (error as Error).message;
  }
  if (target?.isDirectory() === true) return 'it is a directory';
  if (target !== undefined && !target.isFile()) return 'it is not a regular file';
  const directory = dirname(path);
  let directoryStat: ReturnType<typeof statSync>;
  try {
    directoryStat = statSync(directory);
  } catch {
    return `its directory ${directory} does not exist`;
  }
  if (!directoryStat.isDirectory()) return `${directory} is not a directory`;
  const probe = temporaryPathBeside(path);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    return `cannot create a file in ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  return undefined;
}

/**
 * Rows of flat objects as CSV text (RFC 4180 quoting): one column per key of any row, first
 * seen first; an absent value or NaN is an empty cell.
 */
export function csvText(rows: readonly object[]): string {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => {
    const text = value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value)) ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[columns.join(','), ...rows.map((row) => columns.map((column) => cell((row as Record<string, unknown>)[column])).join(','))].join('\n')}\n`;
}
