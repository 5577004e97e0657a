/**
 * Fingerprints of the simulator's results, to show that a change (a faster event queue, a
 * faster kernel) leaves them bit-identical for the same seed:
 *
 *   npm run build --silent && node dist/bench/sim-digest.js > before.txt
 *   (change, rebuild)          node dist/bench/sim-digest.js > after.txt
 *   diff before.txt after.txt && echo identical
 *
 * Each line is one simulator run — every system on YCSB A, B, C and F, a longer YCSB-C run
 * and a run with injected faults — and a SHA-256 of its whole report (statistics, counters,
 * the history where one is recorded, the fault and recovery reports, events processed),
 * leaving out only the wall-clock fields, which no two runs share, and the profile's file
 * path, which names the checkout. The SSD images are left out too: how blocks are stored
 * may change while what they hold does not, and what they hold reaches the history through
 * every read.
 */
import { createHash } from 'node:crypto';
import { run, type RunRequest } from '../src/engine/run.js';
import { parseFaults } from '../src/engine/sim/faults.js';
import { SYSTEMS } from '../src/systems/registry.js';

/** Report fields that measure this machine, not the simulated one. */
const WALL_CLOCK_FIELDS = new Set(['wallMs', 'loadMs', 'recoveryWallMs']);
/** Report fields that name this checkout (the profile's path), not the run. */
const CHECKOUT_FIELDS = new Set(['file']);
const FAULTS = 'client-death:rate=0.001+client-stall:rate=0.0002,for=20ms+dpu-restart:every=50ms,down=5ms';

interface DigestCase {
  readonly label: string;
  readonly request: RunRequest;
}

function cases(): DigestCase[] {
  const all: DigestCase[] = [];
  for (const { name: system } of SYSTEMS) {
    for (const workload of ['A', 'B', 'C', 'F']) {
      all.push({
        label: `${system} ${workload} seed 7, 20,000 + 60,000 operations${system === 'scalio' ? ', with history' : ''}`,
        request: { system, engine: 'sim', workload, operations: 60_000, warmupOperations: 20_000, config: { seed: 7 }, recordHistory: system === 'scalio' },
      });
    }
  }
  all.push({ label: 'scalio C seed 3, 100,000 + 300,000 operations', request: { system: 'scalio', engine: 'sim', workload: 'C', operations: 300_000, warmupOperations: 100_000, config: { seed: 3 } } });
  all.push({
    label: `scalio A seed 5, 100,000 operations, faults ${FAULTS}, with history`,
    request: { system: 'scalio', engine: 'sim', workload: 'A', operations: 100_000, warmupOperations: 0, config: { seed: 5 }, recordHistory: true, faults: parseFaults(FAULTS) },
  });
  return all;
}

function withoutWallClock(key: string, value: unknown): unknown {
  if (WALL_CLOCK_FIELDS.has(key) || CHECKOUT_FIELDS.has(key) || key === 'images') return undefined;
  if (ArrayBuffer.isView(value)) {
    return createHash('sha256').update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).digest('hex');
  }
  return value;
}

for (const { label, request } of cases()) {
  const report = await run(request);
  const digest = createHash('sha256').update(JSON.stringify(report, withoutWallClock)).digest('hex').slice(0, 24);
  process.stdout.write(`${digest}  events ${report.events}  ${label}\n`);
}
