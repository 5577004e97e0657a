/** Runs the built command line (dist/src/cli/main.js) in a child process, for the tests of its exit codes and output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.js';

const exec = promisify(execFile);
/** The built command line: tests run `npm run build` first. */
export const CLI_PATH = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a built script (`node SCRIPT ARGS…`), killed after `timeoutMs`: its exit code and output. */
export async function nodeWithin(timeoutMs: number, script: string, ...args: string[]): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [script, ...args], { timeout: timeoutMs, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Runs `scalio ARGS…`, killed after `timeoutMs` (a refusal must come at once, before any work). */
export async function scalioWithin(timeoutMs: number, ...args: string[]): Promise<CliOutcome> {
  return nodeWithin(timeoutMs, CLI_PATH, ...args);
}

/** Runs `scalio ARGS…` with a generous time limit (100 s). */
export async function scalio(...args: string[]): Promise<CliOutcome> {
  return scalioWithin(100_000, ...args);
}
