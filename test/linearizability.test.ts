import { describe, expect, it } from 'vitest';
import { checkHistory, describeFailure } from '../src/check/history.js';
import { checkRegister, checkRegisterByZones, type RegisterOperation, UNKNOWN_VALUE } from '../src/check/linearizability.js';
import { HISTORY_FIELDS, tickAfter } from '../src/engine/driver.js';
import { OPERATION_READ, OPERATION_UPDATE } from '../src/layout/operations.js';

const write = (client: number, value: number, call: number, returned: number): RegisterOperation => ({ client, write: true, value, call, returned });
const read = (client: number, value: number, call: number, returned: number): RegisterOperation => ({ client, write: false, value, call, returned });
const later = () => performance.now() + 5_000;

describe('a register history', () => {
  it('passes when reads return the latest write in some order that respects real time', () => {
    const history = [write(1, 10, 0, 10), read(2, 10, 5, 15), write(3, 20, 12, 30), read(4, 10, 14, 20), read(5, 20, 25, 40)];
    expect(checkRegister(history, 0, later()).verdict).toBe('pass');
    expect(checkRegisterByZones(history, 0)?.verdict).toBe('pass');
  });

  it('fails on a stale read: a read that starts after a write finished returns the older value', () => {
    const history = [write(1, 10, 0, 10), read(2, 0, 20, 30)];
    expect(checkRegister(history, 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(history, 0)?.verdict).toBe('fail');
  });

  it('fails when two reads see two writes in opposite orders', () => {
    const history = [write(1, 10, 0, 100), write(2, 20, 0, 100), read(3, 10, 10, 20), read(4, 20, 30, 40), read(5, 10, 50, 60)];
    expect(checkRegister(history, 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(history, 0)?.verdict).toBe('fail');
  });

  it('accepts any first value when the initial one is unknown, but only one', () => {
    expect(checkRegister([read(1, 7, 0, 1), read(2, 7, 2, 3)], UNKNOWN_VALUE, later()).verdict).toBe('pass');
    expect(checkRegister([read(1, 7, 0, 1), read(2, 8, 2, 3)], UNKNOWN_VALUE, later()).verdict).toBe('fail');
  });

  it('reports unknown, not pass, when the time bound is hit', () => {
    const operations: RegisterOperation[] = [];
    for (let client = 0; client < 400; client++) operations.push(write(client, 1000 + client, 0, 1000));
    for (let client = 0; client < 400; client++) operations.push(read(1000 + client, 1000 + ((client * 7) % 400), 1 + client, 1001 + client));
    expect(checkRegister(operations, 0, performance.now() + 50).verdict).toBe('unknown');
  });

  it('orders a read-modify-write\'s write after its read: recorded at the read\'s return tick, a violation hides', () => {
    // Client 0: set v1 [0, 5] and later get → v1 [6, 7]; client 1: get → v1 [1, 2], then its
    // read-modify-write's write set v2 [issued when the read returned, 4].
    const history = (writeCall: number) => [write(0, 1, 0, 5), read(1, 1, 1, 2), write(1, 2, writeCall, 4), read(0, 1, 6, 7)];
    // As recorded before the fix (write called at the read's return tick): the write may be
    // ordered before the read, so v1 can be read last. The client never did that.
    expect(checkRegister(history(2), 0, later()).verdict).toBe('pass');
    expect(checkRegisterByZones(history(2), 0)?.verdict).toBe('pass');
    // Called after the read returned, as the client issues it: not linearizable.
    expect(checkRegister(history(tickAfter(2, 2)), 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(history(tickAfter(2, 2)), 0)?.verdict).toBe('fail');
  });

  it('takes a write that never returned as possibly effective, at any moment after its call, or never', () => {
    const never = Number.POSITIVE_INFINITY;
    // set v7 never returns; a later get → v7: linearizable (it took effect).
    const seen = [write(0, 7, 0, never), read(1, 7, 10, 20)];
    expect(checkRegister(seen, 0, later()).verdict).toBe('pass');
    expect(checkRegisterByZones(seen, 0)?.verdict).toBe('pass');
    // ... or it never took effect: reads of the old value stay fine.
    const unseen = [write(0, 7, 0, never), read(1, 0, 10, 20), read(2, 0, 30, 40)];
    expect(checkRegister(unseen, 0, later()).verdict).toBe('pass');
    expect(checkRegisterByZones(unseen, 0)?.verdict).toBe('pass');
    // It cannot take effect before its call, nor be undone once read.
    const early = [read(1, 7, 0, 5), write(0, 7, 10, never)];
    expect(checkRegister(early, 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(early, 0)?.verdict).toBe('fail');
    const undone = [write(0, 7, 0, never), read(1, 7, 10, 20), read(2, 0, 30, 40)];
    expect(checkRegister(undone, 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(undone, 0)?.verdict).toBe('fail');
    // And it hides no stale read of a completed write.
    const stale = [write(0, 1, 0, 10), write(1, 2, 5, never), read(2, 0, 20, 30)];
    expect(checkRegister(stale, 0, later()).verdict).toBe('fail');
    expect(checkRegisterByZones(stale, 0)?.verdict).toBe('fail');
  });

  it('gets the same verdict from the zones test as from the search, on 20,000 random histories', () => {
    let seed = 7;
    const random = (bound: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % bound;
    };
    const verdicts = { pass: 0, fail: 0 };
    let disagreements = 0;
    let pendingTrials = 0;
    for (let trial = 0; trial < 20_000; trial++) {
      // Writes of unique values, and reads of any of them or the initial value: short
      // intervals on a small time line give many orderings, about as many failing as not.
      const operations: RegisterOperation[] = [];
      const count = 2 + random(9);
      const writes = 1 + random(3);
      for (let index = 0; index < count; index++) {
        const call = random(30);
        const returned = call + random(6);
        // One write in eight never returns: it may take effect at any moment after its call, or never.
        if (index < writes) operations.push(write(index, 100 + index, call, random(8) === 0 ? Number.POSITIVE_INFINITY : returned));
        else operations.push(read(index, random(writes + 1) === 0 ? 0 : 100 + random(writes), call, returned));
      }
      if (operations.some((operation) => operation.returned === Number.POSITIVE_INFINITY)) pendingTrials++;
      const zones = checkRegisterByZones(operations, 0);
      const search = checkRegister(operations, 0, later(), true).verdict;
      if (zones?.verdict !== search) disagreements++;
      if (search === 'pass' || search === 'fail') verdicts[search]++;
    }
    expect(disagreements).toBe(0);
    expect(pendingTrials).toBeGreaterThan(2000);
    expect(verdicts.fail).toBeGreaterThan(3000);
    expect(verdicts.pass).toBeGreaterThan(3000);
  });
});

describe('checking a whole history', () => {
  it('keeps a write that never returned (return tick -1): a later read of its value is linearizable', () => {
    const rows: number[][] = [[0, OPERATION_UPDATE, 5, 7, 0, -1], [1, OPERATION_READ, 5, 7, 10, 20], [2, OPERATION_READ, 5, 3, 30, -1]];
    const history = new Float64Array(rows.length * HISTORY_FIELDS);
    rows.forEach((row, index) => history.set(row, index * HISTORY_FIELDS));
    const report = checkHistory(history, { initialValue: () => 0, timeLimitMs: 5_000 });
    expect(report.verdict).toBe('pass');
    expect(report.pendingWrites).toBe(1);
    // The read that never returned says nothing: left out.
    expect(report.operations).toBe(2);
  });

  it('partitions by key, shrinks a failure to the operations that show it, and says it plainly', () => {
    const rows: number[][] = [
      // key 1: fine; key 2: a stale read among other operations.
      [0, OPERATION_UPDATE, 1, 11, 0, 10], [1, OPERATION_READ, 1, 11, 20, 30],
      [0, OPERATION_UPDATE, 2, 21, 0, 10], [1, OPERATION_READ, 2, 21, 12, 14], [2, OPERATION_UPDATE, 2, 22, 15, 18],
      [3, OPERATION_READ, 2, 22, 19, 20], [4, OPERATION_READ, 2, 21, 40, 50], [5, OPERATION_READ, 2, 22, 60, 70],
    ];
    const history = new Float64Array(rows.length * HISTORY_FIELDS);
    rows.forEach((row, index) => history.set(row, index * HISTORY_FIELDS));
    const report = checkHistory(history, { initialValue: () => 0, timeLimitMs: 5_000 });
    expect(report.verdict).toBe('fail');
    expect(report.keys).toBe(2);
    expect(report.failures.map((failure) => failure.key)).toEqual([2]);
    const witness = report.failures[0].witness;
    // Every read in the witness keeps the write it returns: the failure shown is the real one.
    for (const operation of witness) {
      if (!operation.write && operation.value !== 0) expect(witness.some((other) => other.write && other.value === operation.value)).toBe(true);
    }
    expect(witness.length).toBeLessThanOrEqual(3);
    const text = describeFailure(report.failures[0], 'ns', (key) => `#${key}`);
    expect(text).toMatch(/key #2: not linearizable/);
    expect(text).toMatch(/get → v\d/);
  });
});
