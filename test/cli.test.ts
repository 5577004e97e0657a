import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';

const exec = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'scalio-cli-'));
const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

async function scalio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], { timeout: 100_000, killSignal: 'SIGKILL' });
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

  it('refuses a malformed workload file with its line', async () => {
    const path = join(directory, 'broken');
    writeFileSync(path, '# fine\nrecordcount=1000\nreadproportion=lots\n');
    const { code, stderr } = await scalio('run', '--workload', path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/broken:3: readproportion must be a number, got "lots"/);
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

  it('run: a stock workload file unchanged, reported per operation, with JSON and CSV', async () => {
    const json = join(directory, 'run.json');
    const csv = join(directory, 'run.csv');
    const { code, stdout } = await scalio('run', '--workload', 'workloads/workloada', '--json', json, '--csv', csv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/YCSB workloada .* 50% reads, 50% updates, zipfian θ=0\.99 \(java ranks\); 1,000 records of 10 × 100 B/);
    expect(stdout).toMatch(/^run +1,000 operations/m);
    expect(stdout).toMatch(/^read +\d+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$/m);
    expect(stdout).toMatch(/^update +\d+ /m);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(results.operations).toBe(1000);
    expect(results.byOperation.map((entry: { operation: string }) => entry.operation)).toEqual(['read', 'update']);
    expect(results.config.valueBytes).toBe(1000);
    const [header, row] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['operationsPerSecond', 'read_p99_us', 'update_count']));
    expect(row.split(',')).toHaveLength(header.split(',').length);
  });

  it('run: YCSB-style -p overrides, a duration, and warnings for unknown properties', async () => {
    const { code, stdout, stderr } = await scalio('run', '--workload', 'D', '-p', 'readproportion=0.5', '-p', 'insertproportion=0.5', '-p', 'colour=blue', '--records', '2000', '--duration', '0.001');
    expect(code).toBe(0);
    expect(stdout).toMatch(/50% reads, 50% inserts, latest/);
    expect(stdout).toMatch(/^insert +\d+/m);
    expect(stderr).toMatch(/warning: -p:3: unknown property "colour" ignored/);
  });

  it('run: a file\'s maxexecutiontime bounds the run (operationcount=0 is no limit, as in YCSB); --records replaces recordcount for insertstart', async () => {
    const timed = await scalio('run', '--workload', 'C', '-p', 'operationcount=0', '-p', 'maxexecutiontime=0.002', '--records', '2000', '--warmup', '0');
    expect(timed.code).toBe(0);
    const [, count, seconds] = /^run +([\d,]+) operations in ([\d.]+) s of simulated time/m.exec(timed.stdout) ?? [];
    expect(Number(count.replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(Number(seconds)).toBeGreaterThanOrEqual(0.002);
    expect(Number(seconds)).toBeLessThan(0.004);
    const shifted = await scalio('run', '--workload', 'workloada', '--records', '5000', '-p', 'insertstart=2000', '--ops', '2000');
    expect(shifted.code).toBe(0);
    expect(shifted.stdout).toMatch(/3,000 records of 10 × 100 B/);
  });

  it('check --history: inserts and read-modify-writes in the JSON history', async () => {
    const path = join(directory, 'history.json');
    const { code } = await scalio('check', '--workload', 'D', '--ops', '3000', '--history', path);
    expect(code).toBe(0);
    const history = JSON.parse(readFileSync(path, 'utf8'));
    const kinds = new Set(history.operations.map((operation: { op: string }) => operation.op));
    expect([...kinds].sort()).toEqual(['get', 'insert']);
  });

  it('check --faults: says what the faults did and checks the cut operations as possibly effective', async () => {
    const { code, stdout } = await scalio('check', '--ops', '20000', '--faults', 'client-death:rate=0.002+client-stall:rate=0.001,for=15ms');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^faults client-death:rate=0.002,restart=1ms\+client-stall:rate=0.001,for=15ms: \d+ client deaths, \d+ stalls, 0 DPU restarts, \d+ operations cut/);
    expect(stdout).toMatch(/scalio on sim, seed 1: linearizable/);
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
    [['run', '--workload', 'workloade'], /scanproportion: scans \(YCSB workload E\) need keys in order/],
    [['run', '--workload', 'nosuch'], /no workload "nosuch": give a built-in name \(A, B, C, D, F\)/],
    [['run', '-p', 'recordcount=-5'], /-p:1: recordcount must be an integer from 1/],
    [['run', '-p', 'recordcount'], /write a property as NAME=VALUE/],
    [['run', '--duration=-1'], /--duration must be a positive number/],
    [['run', '--ops', '1.5'], /--ops must be a positive integer/],
    [['run', '--records', '200000000', '--ssds', '1'], /each SSD would be .* GiB, more than the 4 GiB/],
    [['run', '--clients', '100000'], /clients must be an integer from 1 to 4096/],
    [['run', '--rank-space', 'gauss'], /--rank-space must be one of java, records/],
    [['run', '--workload', 'A', '--value-bytes', '5000'], /valueBytes must be an integer from 1 to 4096/],
    [['compare', '--systems', 'scalio,memcached'], /--systems must be one of .*got "memcached"/],
    [['check', '--faults', 'client-death:rate=0.5%'], /--faults: client-death rate "0.5%" is not a decimal number/],
    [['run', '--faults', 'meteor:rate=1'], /--faults: unknown fault "meteor"/],
    [['run', '--engine', 'live', '--faults', 'client-death:rate=0.1'], /--faults needs --engine sim/],
    [['check', '--faults', 'dpu-restart:every=10ms,down=1ms'], /--faults: dpu-restart down=1ms is too short for scalio/],
  ])('refuses %j with exit code 2 and a one-line reason', { timeout: 20_000 }, async (args, message) => {
    const { code, stderr } = await scalio(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
