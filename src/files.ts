/**
 * Result files written so that a reader never sees half of one: the text goes to a temporary
 * file in the same directory (so the rename stays on one file system, where it is atomic),
 * then replaces the target in one rename. A failure leaves the target as it was.
 */
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temporary name beside `path`: hidden, and unique to this process and call. */
function temporaryPathBeside(path: string): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(16);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/** Writes `text` to `path` atomically (temporary file + rename); throws the file system's error. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = temporaryPathBeside(path);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // It was never created, or the rename moved it.
    }
    throw error;
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
