import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';

const exec = promisify(execFile);
const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

async function scalio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('the scalio command', () => {
  it('prints one row per engine and workload', async () => {
    const { code, stdout } = await scalio('--records', '3000', '--operations', '6000', '--warmup', '1000', '--clients', '16');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^(live|sim)\s+[AC]\s/.test(line));
    expect(rows.map((row) => row.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      'live C 16 6,000', 'live A 16 6,000', 'sim C 16 6,000', 'sim A 16 6,000',
    ]);
  });

  it('explains its options with --help', async () => {
    const { code, stdout } = await scalio('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--records N/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--records=-5'], /--records must be a positive integer, got "-5"/],
    [['--records', '-5'], /argument is ambiguous/],
    [['--engine', 'gpu'], /--engine must be one of live, sim/],
    [['--records', '100000', '--cache-slots', '300000000'], /4 GiB/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('refuses %j with exit code 2 and a one-line reason', async (args, message) => {
    const { code, stderr } = await scalio(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
