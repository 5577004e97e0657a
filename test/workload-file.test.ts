/** YCSB workload files: the properties format, the stock files, and every refusal. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../src/errors.js';
import { parseProperties } from '../src/ycsb/properties.js';
import { readWorkload, readWorkloadFile, stockWorkloadDirectory } from '../src/ycsb/workload-file.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-workloads-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
function workloadFile(text: string | Uint8Array): string {
  const path = join(directory, `workload${files++}`);
  writeFileSync(path, text);
  return path;
}

describe('the properties format (java.util.Properties)', () => {
  it('reads =, : and space separators, comments, continuations and escapes, with line numbers', () => {
    const { properties, duplicates } = parseProperties([
      '# a comment',
      '! another',
      '  recordcount = 1000',
      'operationcount:500',
      'table usertable',
      'requestdistribution=zip\\',
      '    fian',
      'key\\ with\\ spaces=a\\tb\\u0041',
      'empty=',
      'recordcount=2000',
    ].join('\n'), 'test');
    const value = (name: string) => properties.get(name)?.value;
    expect(value('recordcount')).toBe('2000');
    expect(value('operationcount')).toBe('500');
    expect(value('table')).toBe('usertable');
    expect(value('requestdistribution')).toBe('zipfian');
    expect(properties.get('requestdistribution')?.line).toBe(6);
    expect(value('key with spaces')).toBe('a\tbA');
    expect(value('empty')).toBe('');
    expect(duplicates).toEqual([{ name: 'recordcount', line: 10, firstLine: 3 }]);
  });

  it('refuses a malformed \\u escape with its line', () => {
    expect(() => parseProperties('a=1\nb=\\u12G4', 'file')).toThrowError(/file:2: malformed \\uXXXX escape/);
  });
});

describe('the stock workload files', () => {
  it('are read unchanged, without warnings, with YCSB\'s defaults for what they do not say', () => {
    for (const letter of ['a', 'b', 'c', 'd', 'f']) {
      const { workload, warnings } = readWorkloadFile(join(stockWorkloadDirectory(), `workload${letter}`));
      expect(warnings).toEqual([]);
      expect(workload.recordCount).toBe(1000);
      expect(workload.operationCount).toBe(1000);
      // No fieldcount or fieldlength in the files: YCSB's 10 fields of 100 bytes.
      expect(workload.fieldCount * workload.fieldLength).toBe(1000);
      expect(workload.rankSpace).toBe('java');
    }
    const a = readWorkload('workloada').workload;
    expect([a.readProportion, a.updateProportion, a.requestDistribution]).toEqual([0.5, 0.5, 'zipfian']);
    const d = readWorkload('workloadd').workload;
    expect([d.readProportion, d.insertProportion, d.requestDistribution]).toEqual([0.95, 0.05, 'latest']);
    const f = readWorkload('workloadf').workload;
    expect([f.readProportion, f.readModifyWriteProportion]).toEqual([0.5, 0.5]);
  });

  it('refuse E, and say why: a hash store has no key order to scan', () => {
    expect(() => readWorkload('workloade')).toThrowError(/workloade:\d+: scanproportion: scans \(YCSB workload E\) need keys in order.*hash table/);
    expect(() => readWorkload('E')).toThrowError(/workload E cannot run: scans/);
  });
});

describe('workload files: every mistake is refused with its line and what is allowed', () => {
  it.each([
    ['recordcount=lots', /:1: recordcount must be an integer in decimal digits, got "lots"/],
    // Numbers are plain decimal: no hexadecimal, exponent, sign or trailing space (Java's Long.parseLong refuses them too).
    ['recordcount=0x64', /:1: recordcount must be an integer in decimal digits, got "0x64"/],
    ['recordcount=1e2', /:1: recordcount must be an integer in decimal digits, got "1e2"/],
    ['recordcount=+100', /:1: recordcount must be an integer in decimal digits, got "\+100"/],
    ['recordcount=100 ', /:1: recordcount must be an integer in decimal digits, got "100 "/],
    ['readproportion=5e-1', /:1: readproportion must be a number in decimal digits \(such as 0.5\), got "5e-1"/],
    ['maxexecutiontime=0x10', /:1: maxexecutiontime must be a number in decimal digits/],
    ['recordcount=0', /:1: recordcount must be an integer from 1 to 200000000/],
    ['readproportion=1.5', /readproportion must be a proportion from 0 to 1, got 1.5/],
    ['requestdistribution=pareto', /requestdistribution must be one of uniform, zipfian, latest, hotspot, exponential, sequential, got "pareto"/],
    ['zipfianconstant=1', /zipfianconstant must be above 0, at most 2 and not 1/],
    ['zipfianconstant=2.5', /zipfianconstant must be above 0, at most 2 and not 1/],
    ['fieldlengthdistribution=histogram', /field lengths may be constant or uniform here/],
    ['workload=site.ycsb.workloads.TimeSeriesWorkload', /only YCSB's CoreWorkload/],
    ['zeropadding=30', /zeropadding must be an integer from 1 to 20/],
    ['fieldcount=100\nfieldlength=100', /10000 bytes; the store holds values of up to 4096 bytes/],
    ['readproportion=0\nupdateproportion=0', /every operation proportion is 0/],
    ['readallfields=yes', /readallfields must be true or false/],
  ])('%j', (text, message) => {
    const path = workloadFile(text);
    expect(() => readWorkloadFile(path)).toThrow(InputError);
    expect(() => readWorkloadFile(path)).toThrowError(message);
  });

  it('warns about unknown properties and YCSB features that do not apply, and goes on', () => {
    const { workload, warnings } = readWorkloadFile(workloadFile('readproportion=1\nupdateproportion=0\ncolour=blue\ntarget=1000\n'));
    expect(workload.readProportion).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/:3: unknown property "colour" ignored/);
    expect(warnings[1]).toMatch(/:4: target: ignored; clients here run closed-loop/);
  });

  it('reads spaces around the separator as Java does, and a plain decimal value', () => {
    const { workload } = readWorkloadFile(workloadFile('recordcount = 100\nreadproportion :0.5\nupdateproportion\t.5\n'));
    expect([workload.recordCount, workload.readProportion, workload.updateProportion]).toEqual([100, 0.5, 0.5]);
  });

  it('drops a UTF-8 byte-order mark instead of reading it into the first property\'s name', () => {
    const { workload, warnings } = readWorkloadFile(workloadFile('\uFEFFrecordcount=100\noperationcount=50\n'));
    expect(workload.recordCount).toBe(100);
    expect(warnings).toEqual([]);
  });

  it('refuses a file that is not text: invalid UTF-8, or control characters', () => {
    const binary = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(() => readWorkloadFile(workloadFile(binary))).toThrowError(/^workload file .* is not text \(it is not valid UTF-8\)/);
    expect(() => readWorkloadFile(workloadFile('recordcount=100\nreadproportion=1\u0000\n'))).toThrowError(/is not text \(control character 0x00 on line 2\)/);
  });

  it('refuses a file larger than 1 MiB without reading it, and a device', () => {
    expect(() => readWorkloadFile(workloadFile(`# ${'x'.repeat(1024 * 1024)}\n`))).toThrowError(/^workload file .* is 1,048,579 bytes, more than the 1,048,576 bytes \(1 MiB\) a workload file may be; give a YCSB workload file$/);
    expect(() => readWorkloadFile('/dev/null')).toThrowError(/^workload file \/dev\/null is not a regular file/);
  });

  it('refuses a missing file, a directory, and a name that is neither', () => {
    expect(() => readWorkloadFile(join(directory, 'missing'))).toThrowError(/cannot read workload file .*missing/);
    expect(() => readWorkloadFile(directory)).toThrowError(/is a directory/);
    expect(() => readWorkload('nosuch')).toThrow(ConfigError);
  });
});
