/**
 * The command line's rules, tested without starting a process: how flags are parsed (no stray
 * words, no repeats, values that start with a dash), what numbers look like, output files
 * checked before any work and written atomically, and runs refused for want of memory.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refuseRunsTooLargeForMemory } from '../src/cli/memory.js';
import { OUTPUT_OPTIONS, type OptionSpec, nonNegativeInteger, parse, positiveInteger, positiveNumber } from '../src/cli/options.js';
import { WORKLOAD_OPTIONS } from '../src/cli/workload-options.js';
import { estimateMemory } from '../src/engine/memory-estimate.js';
import { buildCluster } from '../src/engine/cluster.js';
import { SsdArray } from '../src/hw/ssd.js';
import { plannedCluster } from '../src/engine/run.js';
import { ScalioError } from '../src/errors.js';
import { csvText, writeFileAtomically } from '../src/files.js';
import { writeCsv } from '../src/cli/output.js';
import { workloadByName } from '../src/ycsb/workloads.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-cli-options-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SPEC = {
  system: { type: 'string', value: 'NAME', help: 'the system' },
  engine: { type: 'string', value: 'NAME', help: 'the engine' },
  records: { type: 'string', value: 'N', help: 'records' },
  ...WORKLOAD_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpec;

/** The message `parse` refuses `argv` with (and that it is one line). */
function refusal(argv: string[], spec: OptionSpec = SPEC): string {
  try {
    parse(argv, spec, 'scalio test');
  } catch (error) {
    expect(error).toBeInstanceOf(ScalioError);
    expect((error as Error).message).not.toMatch(/\n/);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe('parsing flags', () => {
  it('reads --name VALUE, --name=VALUE, -p VALUE and -pVALUE; -p repeats', () => {
    const { values } = parse(['--system', 'leed', '--records=5', '-p', 'a=1', '-pb=2', '--property', 'c=3', '-h'], SPEC);
    expect(values).toMatchObject({ system: 'leed', records: '5', property: ['a=1', 'b=2', 'c=3'], help: true });
  });

  it('takes a value that starts with a dash as the value (and the number check refuses it in one line)', () => {
    expect(parse(['--records', '-1'], SPEC).values.records).toBe('-1');
    expect(() => positiveInteger('records', '-1')).toThrowError(/^--records must be a positive integer in decimal digits, got "-1"$/);
  });

  it.each([
    [['naive-ssd-first'], /^unexpected argument "naive-ssd-first": did you mean --system naive-ssd-first\? \(see scalio test --help\)$/],
    [['--records', '5', 'live'], /did you mean --engine live\?/],
    [['workloada'], /did you mean --workload workloada\?/],
    [['recordcount=5'], /did you mean -p recordcount=5\?/],
    [['17'], /^unexpected argument "17": scalio test takes only flags/],
    [['--', 'scalio'], /unexpected argument "scalio": did you mean --system scalio\?/],
  ])('refuses the stray word in %j, naming the flag it was probably meant for', (argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });

  it('returns words only to a command that takes them', () => {
    expect(parse(['a', '--records', '5', 'b', '--', '--c'], SPEC, 'scalio test', { positionals: true })).toMatchObject({ values: { records: '5' }, positionals: ['a', 'b', '--c'] });
  });

  it('suggests --systems where a command takes a list', () => {
    expect(refusal(['scalio,leed'], { systems: { type: 'string', value: 'LIST', help: 'systems' } })).toMatch(/did you mean --systems scalio,leed\?/);
  });

  it.each([
    [['--records', '100', '--records', '200'], /^--records is given twice \("100", then "200"\); give each flag once$/],
    [['--engine', 'sim', '--engine=live'], /^--engine is given twice \("sim", then "live"\)/],
    [['-h', '--help'], /^--help is given twice/],
  ])('refuses the repeated flag in %j', (argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });

  it.each([
    [['--bogus'], /^unknown option --bogus; see scalio test --help$/],
    [['--toString', 'x'], /^unknown option --toString;/],
    [['-x'], /^unknown option -x;/],
    [['--records'], /^--records needs a value \(N\)/],
    [['--json', '--csv', 'x.csv'], /^--json needs a value \(FILE\)/],
    [['--help=yes'], /^--help takes no value/],
  ])('refuses %j in one line', (argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });
});

describe('numbers are plain decimal', () => {
  it.each(['0x10', ' 5', '5 ', '1e2', '+5', '1_000', '5.0', '', 'Infinity'])('a count refuses %j', (text) => {
    expect(() => positiveInteger('records', text)).toThrowError(/^--records must be a positive integer in decimal digits/);
    expect(() => nonNegativeInteger('warmup', text)).toThrowError(/^--warmup must be a non-negative integer in decimal digits/);
  });

  it.each(['0x10', ' 5', '5 ', '1e3', '-1', '0', 'Infinity', 'NaN', '.'])('a duration refuses %j', (text) => {
    expect(() => positiveNumber('duration', text)).toThrowError(/^--duration must be a positive decimal number/);
  });

  it('accepts digits, with a fraction for durations', () => {
    expect(positiveInteger('records', '1000')).toBe(1000);
    expect(nonNegativeInteger('warmup', '0')).toBe(0);
    expect([positiveNumber('duration', '0.5'), positiveNumber('duration', '.5'), positiveNumber('duration', '5.'), positiveNumber('duration', '16')]).toEqual([0.5, 0.5, 5, 16]);
  });
});

describe('output files', () => {
  it('are checked when the flags are parsed, before any work: a directory, a missing directory, one file twice', () => {
    mkdirSync(join(directory, 'a-directory'));
    expect(refusal(['--json', join(directory, 'a-directory')])).toMatch(/^--json .*a-directory: cannot write the results there: it is a directory/);
    expect(refusal(['--csv', 'no/such/dir.csv'])).toMatch(/^--csv no\/such\/dir.csv: cannot write the results there: its directory no\/such does not exist/);
    expect(refusal(['--json', join(directory, 'x'), '--csv', join(directory, '.', 'x')])).toMatch(/^--json and --csv both name/);
    // --help checks nothing; a good path is accepted and not created by the check.
    expect(parse(['--json', join(directory, 'a-directory'), '--help'], SPEC).values.help).toBe(true);
    parse(['--json', join(directory, 'fine.json')], SPEC);
    expect(readdirSync(directory)).toEqual(['a-directory']);
  });

  it('CSV: one column per key of any row, quoted as RFC 4180 says, NaN and absent values as empty cells (the figures and --csv alike)', () => {
    const path = join(directory, 'rows.csv');
    writeCsv(path, [{ system: 'scalio', hitRatio: Number.NaN }, { system: 'leed, "old"', hitRatio: 0.5, extra: 1 }]);
    expect(readFileSync(path, 'utf8')).toBe('system,hitRatio,extra\nscalio,,\n"leed, ""old""",0.5,1\n');
    expect(csvText([])).toBe('');
    rmSync(path);
  });

  it('are written atomically: a failed write leaves the old file and no temporary file', () => {
    const path = join(directory, 'results.json');
    writeFileAtomically(path, 'first\n');
    writeFileAtomically(path, 'second\n');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    writeFileAtomically(path, (function* pieces() { yield 'in '; yield 'pieces\n'; })());
    expect(readFileSync(path, 'utf8')).toBe('in pieces\n');
    // A generator that fails half way leaves the file as it was.
    expect(() => writeFileAtomically(path, (function* failing() { yield 'half'; throw new Error('the generator failed'); })())).toThrowError(/the generator failed/);
    expect(readFileSync(path, 'utf8')).toBe('in pieces\n');
    mkdirSync(join(directory, 'taken'));
    writeFileSync(join(directory, 'taken', 'inside'), '');
    expect(() => writeFileAtomically(join(directory, 'taken'), 'text')).toThrow();
    expect(readdirSync(directory).sort()).toEqual(['a-directory', 'results.json', 'taken']);
  });
});

describe('runs too large for memory', () => {
  const machine = { availableBytes: 8 * 2 ** 30, totalBytes: 16 * 2 ** 30, heapLimitBytes: 4 * 2 ** 30, heapUsableBytes: 2.4 * 2 ** 30 };
  const workload = workloadByName('C');

  it('estimates the SSD images and DRAM from the planned cluster', () => {
    const layout = plannedCluster({ system: 'scalio', engine: 'sim', config: { records: 1_000_000 }, workload, operations: 1000 });
    const estimate = estimateMemory(layout, { engine: 'sim' });
    // The SSDs store what their blocks hold (~135 B per record), not their 3.1 GB of capacity.
    expect(estimate.ssdBytes / 1e6).toBeGreaterThan(125);
    expect(estimate.ssdBytes / 1e6).toBeLessThan(150);
    // Writes add to it, up to the logs' worth.
    const writing = estimateMemory(layout, { engine: 'sim', writeOperations: 1_000_000 });
    expect(writing.ssdBytes).toBeGreaterThan(estimate.ssdBytes + 150e6);
    expect(estimateMemory(layout, { engine: 'sim', writeOperations: Infinity }).ssdBytes).toBeLessThan(layout.config.ssds * layout.store.blocksPerDevice * 512);
    expect(estimate.dramBytes).toBe(layout.plan.totalBytes);
    expect(estimate.totalBytes).toBeGreaterThan(estimate.ssdBytes + estimate.dramBytes);
  });

  it('estimates what the loaded SSDs store, as they store it', () => {
    const cluster = buildCluster({ records: 100_000, ssds: 2 }, 'scalio');
    const estimate = estimateMemory(cluster.spec.layout, { engine: 'sim' });
    const stored = new SsdArray(cluster.spec.ssds).storedBytes();
    expect(estimate.ssdBytes / stored).toBeGreaterThan(0.95);
    expect(estimate.ssdBytes / stored).toBeLessThan(1.1);
  });

  it('refuses one that does not fit, saying what fits and which flag to change', () => {
    expect(() => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: 1_000_000 }, workload, operations: 1000 }], machine)).not.toThrow();
    const refused = () => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: 80_000_000, ssds: 64 }, workload, operations: 1000 }], machine);
    expect(refused).toThrow(ScalioError);
    expect(refused).toThrowError(/^this run \(scalio on sim\) needs about [\d.]+ GiB of memory \(SSD images [\d.]+ GiB.*\), more than the 8.0 GiB available on this machine \(16.0 GiB in all\); about [\d,]+ records fit with these settings: lower --records/);
    // What it says fits does fit.
    const fit = Number(/about ([\d,]+) records fit/.exec(captured(refused))?.[1].replace(/,/g, ''));
    expect(fit).toBeGreaterThan(1_000_000);
    expect(() => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: fit, ssds: 64 }, workload, operations: 1000 }], machine)).not.toThrow();
  });

  it('refuses a check whose history would not fit in the heap', () => {
    // The checker keeps histories in typed arrays: 20 M operations fit (the case); 10× that does not.
    expect(() => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: 1000 }, workload, operations: 20_000_000, checked: true }], machine)).not.toThrow();
    const refused = () => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: 1000 }, workload, operations: 200_000_000, checked: true }], machine);
    expect(refused).toThrowError(/^checking 200,000,000 operations needs about [\d.]+ GiB of JavaScript heap, .*; about [\d,]+ operations fit: lower --ops/);
    expect(() => refuseRunsTooLargeForMemory([{ system: 'scalio', engine: 'sim', config: { records: 1000 }, workload, operations: 1_000_000, checked: true }], machine)).not.toThrow();
  });
});

function captured(action: () => void): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
