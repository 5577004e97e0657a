import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_FIELDS } from '../src/engine/driver.js';
import { writeHistoryEdn } from '../src/check/history-file.js';
import { check } from '../src/cli/commands/check.js';
import { OPERATION_DELETE, OPERATION_READ, OPERATION_UPDATE } from '../src/layout/operations.js';
import { scalio } from './cli-runner.js';
import { SYSTEMS } from '../src/systems/registry.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-history-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Runs `scalio check` in this process, returning its exit code and what it printed. */
async function checkCommand(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await check(argv);
    return { code, stdout: printed.join('') };
  } finally {
    process.stdout.write = write;
  }
}

/** What a verdict says, apart from where the history came from and how long the check took. */
function verdictOf(stdout: string) {
  const first = stdout.split('\n')[0];
  return {
    verdict: /: (linearizable|NOT LINEARIZABLE|UNKNOWN) —/.exec(first)?.[1],
    counts: /([\d,]+ of [\d,]+) operations.* on ([\d,]+) keys/.exec(first)?.slice(1),
    failingKeys: /^failing keys: (.*)$/m.exec(stdout)?.[1] ?? null,
  };
}

/** Systems whose stale reads are the point (test/systems.test.ts): LEED+Ditto's late cache sets, the naive caches. */
const STALE_BY_DESIGN = new Set(['leed+ditto', 'naive-cache-first', 'naive-ssd-first']);

describe('saved histories', () => {
  it.each(SYSTEMS.flatMap((system) => (['sim', 'live'] as const).map((engine) => [system.name, engine] as const)))(
    'check --input gives what check --history saw: %s on %s',
    async (system, engine) => {
      const path = join(directory, `${system}-${engine}.json`);
      const recorded = await checkCommand('--system', system, '--engine', engine, '--workload', 'F', '--ops', '3000', '--history', path);
      const reread = await checkCommand('--input', path);
      expect(reread.code).toBe(recorded.code);
      // Both verdicts were read (not two unmatched lines), and they agree.
      const verdict = verdictOf(recorded.stdout);
      expect(verdict.verdict).toMatch(/^(linearizable|NOT LINEARIZABLE|UNKNOWN)$/);
      expect(verdict.counts).toHaveLength(2);
      expect(verdictOf(reread.stdout)).toEqual(verdict);
      // The systems that do not read stale values by design (test/systems.test.ts) are linearizable.
      if (!STALE_BY_DESIGN.has(system)) {
        expect(verdict.verdict).toBe('linearizable');
        expect(recorded.code).toBe(0);
      }
      const file = JSON.parse(readFileSync(path, 'utf8'));
      expect(file).toMatchObject({ format: 'scalio-history', version: 2, system, engine, workload: 'F', seed: 1, ticks: engine === 'sim' ? 'ns' : 'order' });
      expect(file.config.records).toBe(1000);
      // Self-contained: the initial value of every key the history touches.
      const touched = new Set(file.operations.map((operation: { key: number }) => operation.key));
      expect(new Set(file.initial.map((entry: { key: number }) => entry.key))).toEqual(touched);
    },
  );

  it('round-trips a failing history: the same failing keys', async () => {
    const path = join(directory, 'failing.json');
    const recorded = await checkCommand('--system', 'naive-cache-first', '--workload', 'F', '--ops', '20000', '--history', path);
    expect(recorded.code).toBe(1);
    const reread = await checkCommand('--input', path);
    expect(verdictOf(reread.stdout).failingKeys).toBe(verdictOf(recorded.stdout).failingKeys);
    expect(verdictOf(reread.stdout).failingKeys?.split(' ').length).toBeGreaterThan(5);
  });

  it('checks a history another tool wrote: only format, version, ticks and operations are needed; a write with no return counts', async () => {
    const path = join(directory, 'other-tool.json');
    writeFileSync(path, JSON.stringify({
      format: 'scalio-history', version: 2, ticks: 'order', initial: [{ key: 1, value: null }],
      operations: [
        { client: 0, op: 'set', key: 1, value: 7, call: 0, return: null },
        { client: 1, op: 'get', key: 1, value: 7, call: 1, return: 2 },
        { client: 2, op: 'get', key: 9, value: 4, call: 1, return: 2 },
      ],
    }));
    const { code, stdout } = await checkCommand('--input', path);
    expect(stdout).toMatch(/linearizable — 3 of 3 operations on 2 keys .*1 writes that never returned/);
    expect(code).toBe(0);
  });

  const operation = (fields: object) => ({ client: 0, op: 'get', key: 1, value: null, call: 0, return: 1, ...fields });
  it.each([
    ['malformed JSON', '{"format": "scalio-history",', /not valid JSON/],
    ['a wrong version', { format: 'scalio-history', version: 1, ticks: 'ns', operations: [] }, /history format version 1 is not supported; this scalio reads version 2/],
    ['another format', { format: 'porcupine', version: 2, ticks: 'ns', operations: [] }, /not a scalio history/],
    ['a return before its call', { format: 'scalio-history', version: 2, ticks: 'ns', operations: [operation({}), operation({ client: 3, op: 'set', value: 5, call: 10, return: 4 })] },
      /operation 1 \(client 3, set of key 1\): returns at 4, before its call at 10/],
    ['a get of a value no one wrote', { format: 'scalio-history', version: 2, ticks: 'ns', initial: [{ key: 1, value: 3 }], operations: [operation({ client: 2, value: 8 })] },
      /operation 0 \(client 2, get of key 1\): returns value 8, which no operation writes to key 1 and which is not its initial value/],
    ['an unknown operation', { format: 'scalio-history', version: 2, ticks: 'ns', operations: [operation({ op: 'cas' })] }, /operation 0: "op" must be get, set, delete or insert/],
  ])('refuses %s: exit 2 and one line naming the operation', async (_name, content, message) => {
    const path = join(directory, 'bad.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    const outcome = await scalio('check', '--input', path);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a history path it cannot write before running, leaving nothing behind', async () => {
    await expect(check(['--ops', '500', '--history', directory])).rejects.toThrow(/^--history .*: cannot write the results there: it is a directory/);
    await expect(check(['--ops', '500', '--export-edn', join(directory, 'no', 'such.edn')])).rejects.toThrow(/^--export-edn .*: cannot write the results there/);
    expect(readdirSync(dirname(directory)).filter((name) => name.startsWith(`${basename(directory)}.`))).toEqual([]);
  });

  it('refuses run flags with --input', async () => {
    await expect(check(['--input', 'x.json', '--system', 'leed'])).rejects.toThrow(/--input checks a saved history and runs nothing: drop --system/);
  });
});

describe('the Jepsen EDN export', () => {
  it('writes invoke, then ok (or info for no return), per process, in index order', () => {
    const rows = [
      [0, OPERATION_UPDATE, 4, 11, 0, 10], [1, OPERATION_READ, 4, 11, 5, 12], [0, OPERATION_UPDATE, 4, 12, 20, -1],
      [0, OPERATION_READ, 4, 12, 30, 40], [2, OPERATION_DELETE, 5, -1, 1, 2],
    ];
    const history = new Float64Array(rows.length * HISTORY_FIELDS);
    rows.forEach((row, index) => history.set(row, index * HISTORY_FIELDS));
    const path = join(directory, 'history.edn');
    writeHistoryEdn(path, history);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const pattern = /^\{:index (\d+), :time (\d+), :type :(invoke|ok|info|fail), :process (\d+), :f :(read|write), :value \[(\d+) (nil|\d+)\]\}$/;
    const events = lines.map((line) => {
      const match = pattern.exec(line);
      expect(match, line).not.toBeNull();
      const [, index, time, type, process, f, key, value] = match as RegExpExecArray;
      return { index: Number(index), time: Number(time), type, process: Number(process), f, key: Number(key), value };
    });
    expect(events.map((event) => event.index)).toEqual(events.map((_, index) => index));
    expect(events).toHaveLength(2 * rows.length);
    // Each process alternates invoke and completion, with the same :f and key.
    const open = new Map<number, (typeof events)[number]>();
    for (const event of events) {
      if (event.type === 'invoke') {
        expect(open.has(event.process)).toBe(false);
        open.set(event.process, event);
      } else {
        const invoke = open.get(event.process);
        expect(invoke?.f).toBe(event.f);
        expect(invoke?.key).toBe(event.key);
        open.delete(event.process);
      }
    }
    expect(open.size).toBe(0);
    // The write that never returned ends in :info, and client 0 goes on as a new process.
    const info = events.filter((event) => event.type === 'info');
    expect(info).toEqual([expect.objectContaining({ process: 0, f: 'write', key: 4, value: '12' })]);
    expect(events.filter((event) => event.f === 'read' && event.type === 'ok' && event.key === 4).map((event) => [event.process, event.value])).toEqual([[1, '11'], [3, '12']]);
    // A delete writes nil; a read's invocation carries nil.
    expect(events.find((event) => event.key === 5 && event.type === 'ok')?.value).toBe('nil');
    expect(events.filter((event) => event.f === 'read' && event.type === 'invoke').every((event) => event.value === 'nil')).toBe(true);
  });

  it('is written by check --export-edn', async () => {
    const path = join(directory, 'run.edn');
    const { code } = await checkCommand('--workload', 'F', '--ops', '2000', '--export-edn', path);
    expect(code).toBe(0);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(2 * 2000);
    expect(lines[0]).toMatch(/^\{:index 0, :time \d+, :type :invoke, :process \d+, :f :(read|write), :value \[\d+ (nil|\d+)\]\}$/);
  });
});

describe('check --seeds', () => {
  it('refuses runs past the largest seed, and counts the runs it made', async () => {
    await expect(check(['--seed', '9007199254740991', '--seeds', '2'])).rejects.toThrow(/--seeds 2 from --seed 9007199254740991 would pass the largest seed.*at most 1 run/);
    const { code, stdout } = await checkCommand('--seed', '9007199254740990', '--seeds', '2', '--ops', '500');
    expect(code).toBe(0);
    expect(stdout.match(/seed 900719925474099[01]: linearizable/g)).toHaveLength(2);
    expect(stdout).toMatch(/operations checked over 2 runs/);
  });
});
