import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';
import { nodeWithin, scalio, scalioWithin } from './cli-runner.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

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
    expect(stderr).toMatch(/broken:3: readproportion must be a number in decimal digits \(such as 0.5\), got "lots"/);
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
    [['--bogus'], /unknown option --bogus; see scalio overview --help/],
    [['--records=-5'], /--records must be a positive integer in decimal digits, got "-5"/],
    [['--engine', 'gpu'], /--engine must be one of live, sim/],
    [['--records', '100000', '--cache-slots', '300000000'], /4 GiB/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['toString'], /unknown command "toString"/],
    [['check', '--system', 'redis'], /--system must be one of scalio/],
    [['run', '--workload', 'workloade'], /scanproportion: scans \(YCSB workload E\) need keys in order/],
    [['run', '--workload', 'nosuch'], /no workload "nosuch": give a built-in name \(A, B, C, D, F\)/],
    [['run', '-p', 'recordcount=-5'], /-p:1: recordcount must be an integer from 1/],
    [['run', '-p', 'recordcount'], /write a property as NAME=VALUE/],
    [['run', '--duration=-1'], /--duration must be a positive decimal number/],
    [['run', '--ops', '1.5'], /--ops must be a positive integer in decimal digits/],
    [['run', '--records', '200000000', '--ssds', '1'], /each SSD would be .* GiB, more than the 96 GiB an emulated SSD addresses/],
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

/** Exactly one line on stderr, with no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr;
}

// Bad input: exit 2, one line naming the flag or file and what is allowed; nothing runs and
// nothing is written. Each is refused at once (a short timeout: a run that starts fails it).
describe('bad input is refused before any work', () => {
  const REFUSED_WITHIN_MS = 15_000;
  const refused = async (...args: string[]) => {
    const result = await scalioWithin(REFUSED_WITHIN_MS, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    oneLine(result.stderr);
    return result.stderr;
  };

  it('output paths are checked before the run, and nothing is written', { timeout: 60_000 }, async () => {
    const place = join(directory, 'a-directory');
    mkdirSync(place);
    expect(await refused('run', '--records', '1000', '--ops', '1000', '--json', place)).toMatch(/--json .*a-directory: cannot write the results there: it is a directory/);
    expect(await refused('compare', '--records', '1000', '--ops', '1000', '--csv', 'no/such/dir.csv')).toMatch(/--csv no\/such\/dir.csv: cannot write the results there: its directory no\/such does not exist/);
    const ok = join(directory, 'ok.json');
    expect(await refused('run', '--records', '1000', '--ops', '1000', '--json', ok, '--csv', place)).toMatch(/--csv .*it is a directory/);
    expect(existsSync(ok)).toBe(false);
    expect(await refused('check', '--ops', '1000', '--history', place)).toMatch(/--history .*it is a directory/);
    expect(readdirSync(place)).toEqual([]);
    // npm run bench: refused before minutes of benchmarks.
    const bench = await nodeWithin(REFUSED_WITHIN_MS, join(packageRoot(), 'dist', 'bench', 'run.js'), '--json', place);
    expect(bench.code).toBe(2);
    expect(oneLine(bench.stderr)).toMatch(/^bench: --json .*it is a directory/);
  });

  it.each([
    [['check', 'naive-ssd-first'], /^scalio: unexpected argument "naive-ssd-first": did you mean --system naive-ssd-first\? \(see scalio check --help\)/],
    [['run', '--records', '1000', 'C'], /unexpected argument "C": did you mean --workload C\?/],
    [['compare', 'scalio,leed'], /unexpected argument "scalio,leed": did you mean --systems scalio,leed\?/],
    [['overview', 'live'], /unexpected argument "live": did you mean --engine live\?/],
    [['help', 'run', 'now'], /scalio help takes a command's name/],
  ])('stray argument: %j', { timeout: 20_000 }, async (args, message) => {
    expect(await refused(...args)).toMatch(message);
  });

  it.each([
    [['run', '--records', '100', '--records', '200', '--ops', '100'], /^scalio: --records is given twice \("100", then "200"\); give each flag once/],
    [['run', '--engine', 'sim', '--engine', 'live', '--records', '1000', '--ops', '100'], /--engine is given twice \("sim", then "live"\)/],
    [['check', '--ops', '100', '--ops', '200'], /--ops is given twice/],
  ])('repeated flag: %j', { timeout: 20_000 }, async (args, message) => {
    expect(await refused(...args)).toMatch(message);
  });

  it.each([
    [['run', '--records', '-1'], /^scalio: --records must be a positive integer in decimal digits, got "-1"$/],
    [['run', '--records', '1000', '--duration', '0x10'], /--duration must be a positive decimal number \(such as 5 or 0.5\), got "0x10"/],
    [['run', '--records', '1000', '--duration', ' 5'], /--duration must be a positive decimal number .*, got " 5"/],
    [['check', '--ops', '1000', '--time-limit', '0x10'], /--time-limit must be a positive decimal number .*, got "0x10"/],
    [['run', '--records', '1000', '--ops', '1000', '-p', 'recordcount=0x64'], /-p:1: recordcount must be an integer in decimal digits, got "0x64"/],
    [['run', '--ops', '1000', '-p', 'recordcount=1e2'], /-p:1: recordcount must be an integer in decimal digits, got "1e2"/],
  ])('number: %j', { timeout: 20_000 }, async (args, message) => {
    expect((await refused(...args)).trimEnd()).toMatch(message);
  });

  it('workload files: a BOM is dropped; binary files, devices and pipes are refused without reading them', { timeout: 60_000 }, async () => {
    const bom = join(directory, 'with-bom');
    writeFileSync(bom, '\uFEFFrecordcount=100\noperationcount=100\n');
    const read = await scalio('run', '--workload', bom, '--warmup', '0');
    expect(read.code).toBe(0);
    expect(read.stdout).toMatch(/; 100 records of/);
    const binary = join(directory, 'binary');
    writeFileSync(binary, Uint8Array.from({ length: 4096 }, (_, index) => (index * 37) % 256));
    expect(await refused('run', '--workload', binary)).toMatch(/workload file .*binary is not text/);
    expect(await refused('run', '--workload', '/dev/zero')).toMatch(/workload file \/dev\/zero is not a regular file/);
    const pipe = join(directory, 'pipe');
    execFileSync('mkfifo', [pipe]);
    expect(await refused('run', '--workload', pipe)).toMatch(/workload file .*pipe is not a regular file/);
  });

  it('runs too large for this machine\'s memory, with what fits and the flag to change', { timeout: 30_000 }, async () => {
    // ~30 GiB of stored SSD data (200 M records), and a 2-billion-operation history: more than any test machine has.
    expect(await refused('run', '--records', '200000000', '--ssds', '64', '--over-provision', '2')).toMatch(
      /^scalio: this run \(scalio on sim\) needs about [\d.]+ GiB of memory \(SSD images [\d.]+ GiB.*\), more than the [\d.]+ GiB available on this machine .*; about [\d,]+ records fit with these settings: lower --records/);
    expect(await refused('check', '--ops', '2000000000')).toMatch(/^scalio: checking 2,000,000,000 operations needs about [\d.]+ GiB of JavaScript heap.*; about [\d,]+ operations fit: lower --ops/);
  });

  it('run and compare share their pieces through one module, not each other', () => {
    const commands = join(packageRoot(), 'src', 'cli', 'commands');
    for (const file of readdirSync(commands)) {
      expect(readFileSync(join(commands, file), 'utf8')).not.toMatch(/from '\.\/[\w-]+\.js'/);
    }
  });
});
