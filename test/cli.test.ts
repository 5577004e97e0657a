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
    const { code, stdout } = await scalio('--records', '3000', '--ops', '6000', '--warmup', '1000', '--clients', '16');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^(live|sim)\s+[AC]\s/.test(line));
    expect(rows.map((row) => row.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      'live C 16 6,000', 'live A 16 6,000', 'sim C 16 6,000', 'sim A 16 6,000',
    ]);
  });

  it('check: passes Scalio (exit 0) and shows a failing sub-history of a naive design (exit 1)', async () => {
    const passed = await scalio('check', '--ops', '10000', '--records', '2000');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/scalio on sim, seed 1: linearizable — 10,000 of 10,000 operations/);
    const failed = await scalio('check', '--system', 'naive-ssd-first', '--ops', '20000', '--records', '2000');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/NOT LINEARIZABLE/);
    expect(failed.stdout).toMatch(/client \d+\s+get → v\d/);
  });

  it('compare: one row per system', async () => {
    const { code, stdout } = await scalio('compare', '--ops', '5000', '--warmup', '1000', '--records', '2000');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^(scalio|leed|leed\+ditto)\s+\d/.test(line));
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['scalio', 'leed', 'leed+ditto']);
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
    [['check', '--system', 'redis'], /--system must be one of scalio/],
    [['compare', '--systems', 'scalio,memcached'], /--systems must be one of .*got "memcached"/],
  ])('refuses %j with exit code 2 and a one-line reason', async (args, message) => {
    const { code, stderr } = await scalio(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
