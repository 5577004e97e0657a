/**
 * The code version a figure was made with: the package version, the git commit (when the
 * package is a git checkout) and a hash of the built code that runs a point. The hash, not the
 * commit, keys the point cache: an uncommitted change to the model changes it, a change to
 * the charts or the report does not.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../paths.js';

export interface CodeVersion {
  readonly packageVersion: string;
  /** The checkout's commit, or null outside a git checkout. */
  readonly gitCommit: string | null;
  /** True when the checkout has uncommitted changes (the commit alone does not name the code). */
  readonly gitDirty: boolean | null;
  /** SHA-256 (first 16 hex digits) of the built model code and WebAssembly module. */
  readonly modelHash: string;
}

/** Built directories that do not decide a point's numbers: the command line, charts and reports. */
const NOT_MODEL = new Set(['cli', 'figures']);
/** Files under figures/ that do decide a point's numbers. */
const FIGURE_MODEL_FILES = new Set(['point.js', 'point-worker.js']);

function filesUnder(directory: string): string[] {
  return readdirSync(directory).sort().flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A hash of the built code a point runs: dist/src (less the CLI, charts and reports), build/*.wasm and profiles/*.json. */
export function modelHash(root = packageRoot()): string {
  const source = join(root, 'dist', 'src');
  const hash = createHash('sha256');
  const files = filesUnder(source).filter((path) => {
    if (!path.endsWith('.js')) return false;
    const [top, ...rest] = relative(source, path).split(/[\\/]/);
    if (!NOT_MODEL.has(top)) return true;
    return top === 'figures' && rest.length === 1 && FIGURE_MODEL_FILES.has(rest[0]);
  });
  const wasm = readdirSync(join(root, 'build')).filter((name) => name.endsWith('.wasm')).sort().map((name) => join(root, 'build', name));
  // Hardware profiles are data a point runs on: editing one must not reuse old points.
  const profiles = existsSync(join(root, 'profiles')) ? filesUnder(join(root, 'profiles')).filter((path) => path.endsWith('.json')) : [];
  for (const path of [...files, ...wasm, ...profiles]) {
    hash.update(relative(root, path));
    hash.update('\0');
    hash.update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 16);
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

let cached: CodeVersion | undefined;

export function codeVersion(): CodeVersion {
  if (cached !== undefined) return cached;
  const root = packageRoot();
  const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const gitCommit = git(root, ['rev-parse', 'HEAD']);
  const status = gitCommit === null ? null : git(root, ['status', '--porcelain', '--untracked-files=no']);
  cached = { packageVersion, gitCommit, gitDirty: status === null ? null : status.length > 0, modelHash: modelHash(root) };
  return cached;
}
