import { describe, expect, it } from 'vitest';
import { AtomicClocks } from '../src/engine/sim/atomic-clocks.js';
import { EventQueue } from '../src/engine/sim/event-queue.js';
import { loadProfile } from '../src/hw/profile.js';
import { SsdTiming } from '../src/hw/ssd-timing.js';

/** A small deterministic random stream for the tests (xorshift32). */
function randomStream(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** The queue's contract, kept the slow, obvious way: a list sorted by (time, insertion order). */
class ReferenceQueue {
  private events: { time: number; sequence: number; kind: number; target: number; value: number }[] = [];
  private nextSequence = 0;
  push(time: number, kind: number, target: number, value: number): void {
    // After every event of the same or an earlier time: insertion order breaks ties.
    let index = this.events.length;
    while (index > 0 && this.events[index - 1].time > time) index--;
    this.events.splice(index, 0, { time, sequence: this.nextSequence++, kind, target, value });
  }
  pop() {
    return this.events.shift();
  }
  retain(keep: (kind: number) => boolean): void {
    this.events = this.events.filter((event) => keep(event.kind));
  }
  get size(): number {
    return this.events.length;
  }
}

describe('the simulator\'s event queue', () => {
  it('pops by time, ties in insertion order, through growth, far-future events, day-length changes and retain', () => {
    for (const seed of [1, 2, 3, 4]) {
      const random = randomStream(seed);
      // Seeds 1 and 2 retune the calendar's day length often (each retuning may rebuild it).
      const queue = seed <= 2 ? new EventQueue(16 + 50 * seed) : new EventQueue();
      const reference = new ReferenceQueue();
      let now = 0;
      let target = 0;
      let firstMismatch: string | null = null;
      for (let step = 0; step < 20_000; step++) {
        const draw = random();
        if (draw < 0.45 || reference.size === 0) {
          // Pushes at or after now; few distinct times, so ties are common.
          const pushes = 1 + Math.floor(random() * (step < 5_000 ? 3 : 1.6));
          for (let push = 0; push < pushes; push++) {
            // Mostly soon (in steps, so ties are common), some far beyond the calendar, in
            // phases of different densities (the day length follows them).
            const phase = Math.floor(step / 4_000) % 3;
            const far = random() < 0.05;
            const time = now + (far ? random() * 1e7 : Math.floor(random() * 8) * [0.5, 40, 0.001][phase]);
            const kind = Math.floor(random() * 15);
            queue.push(time, kind, target, target * 0.25);
            reference.push(time, kind, target, target * 0.25);
            target++;
          }
        } else if (draw < 0.999) {
          const expected = reference.pop();
          queue.pop();
          const got = [queue.time, queue.kind, queue.target, queue.value];
          if (firstMismatch === null && got.join() !== [expected?.time, expected?.kind, expected?.target, expected?.value].join()) {
            firstMismatch = `seed ${seed}, step ${step}: popped ${got.join()}, expected ${JSON.stringify(expected)}`;
          }
          now = queue.time;
        } else {
          const keep = (kind: number) => kind % 3 === 0;
          queue.retain(keep);
          reference.retain(keep);
        }
        if (firstMismatch === null && queue.size !== reference.size) firstMismatch = `seed ${seed}, step ${step}: size ${queue.size}, expected ${reference.size}`;
      }
      expect(firstMismatch).toBe(null);
      while (reference.size > 0) {
        const expected = reference.pop();
        queue.pop();
        expect([queue.time, queue.target]).toEqual([expected?.time, expected?.target]);
      }
      expect(() => queue.pop()).toThrow(/empty/);
    }
  });

  it('breaks a tie between a far event kept in its heap and a calendar event by insertion order', () => {
    const queue = new EventQueue();
    queue.push(1e6, 1, 1, 0); // beyond the calendar's days for now: kept in the heap
    // Two pops move the calendar's first day forward, until 1e6 falls within its days.
    queue.push(3e5, 0, 0, 0);
    queue.pop();
    queue.push(6e5, 0, 0, 0);
    queue.pop();
    queue.push(1e6, 2, 2, 0); // the same time, now filed in the calendar
    queue.pop();
    expect([queue.time, queue.target]).toEqual([1e6, 1]);
    queue.pop();
    expect([queue.time, queue.target]).toEqual([1e6, 2]);
  });

  it('refuses an event at time NaN', () => {
    expect(() => new EventQueue().push(Number.NaN, 0, 0, 0)).toThrow(/NaN/);
  });
});

describe('the simulator\'s per-address atomic clocks', () => {
  it('serialise atomics per address as a map of "free at" times does, across reuse of idle entries and rebuilds', () => {
    const random = randomStream(9);
    const clocks = new AtomicClocks();
    const reference = new Map<number, number>();
    const serialNs = 7.5;
    let now = 0;
    let mismatches = 0;
    for (let step = 0; step < 200_000; step++) {
      now += random() * 3;
      // Addresses above 2^31 too (a 4 GiB memory); a few hot ones, many cold ones.
      const address = random() < 0.5 ? 8 * Math.floor(random() * 16) : 8 * Math.floor(random() * 2 ** 29);
      const time = now + random() * 20;
      const expected = Math.max(time, reference.get(address) ?? 0) + serialNs;
      reference.set(address, expected);
      if (clocks.served(address, time, serialNs, now) !== expected) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('the simulator\'s SSD timing', () => {
  it('gives each command the unit free first, as a scan of every unit\'s clock does', () => {
    const profile = loadProfile('paper');
    const devices = 3;
    const timing = new SsdTiming(profile, devices);
    const clocks = Array.from({ length: devices }, () => new Float64Array(profile.ssdParallelUnits));
    const random = randomStream(5);
    let now = 0;
    let mismatches = 0;
    for (let command = 0; command < 100_000; command++) {
      now += random() * 1500;
      const device = Math.floor(random() * devices);
      const write = random() < 0.3;
      const blockCount = 1 + Math.floor(random() * 4);
      // The model, written out: the first unit with the earliest clock.
      const units = clocks[device];
      let unit = 0;
      for (let candidate = 1; candidate < units.length; candidate++) if (units[candidate] < units[unit]) unit = candidate;
      const start = Math.max(now, units[unit]);
      const transfer = (blockCount - 1) * profile.ssdBlockTransferNs;
      units[unit] = start + (write ? profile.ssdWriteOccupancyNs : profile.ssdReadNs) + transfer;
      const expected = write ? start + profile.ssdWriteNs + transfer : units[unit];
      if (timing.completion(device, write, blockCount, now) !== expected) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(timing.completion(devices, false, 1, 77)).toBe(77);
  });
});
