/**
 * Memory per record: a fresh process loads `records` records on `ssds` SSDs, runs YCSB-C on
 * the simulator, and reports its peak resident memory (getrusage's maxRSS) against the bytes
 * of data the store holds. Each point runs in a child process of its own, so that one
 * point's peak does not hide in another's.
 *
 * Data the store holds, per record: its value record in the value log (header, 16-byte key,
 * value) and its item in a bucket chain (31 bytes). The SSDs store more (blocks are 512
 * bytes, rounded here to 64-byte slots; a chain block holds ~2.4 items), the DRAM holds the
 * cache and index, and the process has a base of its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../src/engine/run.js';
import { SsdArray } from '../src/hw/ssd.js';
import { ITEM_BYTES, VALUE_RECORD_HEADER_BYTES } from '../src/layout/store.js';

export interface MemoryResult {
  readonly records: number;
  readonly ssds: number;
  readonly operations: number;
  readonly loadSeconds: number;
  readonly peakRssBytes: number;
  /** What the SSDs store (slots taken from their pools). */
  readonly ssdStoredBytes: number;
  /** Value records and chain items: the data itself. */
  readonly dataBytes: number;
  readonly rssBytesPerRecord: number;
  readonly dataBytesPerRecord: number;
}

/** Bytes of a YCSB key in the store (keys are hashed to 16 bytes). */
const YCSB_KEY_BYTES = 16;

export function benchmarkMemory(records: number, ssds: number, operations: number): MemoryResult {
  const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(records), String(ssds), String(operations)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as MemoryResult;
}

async function measureInThisProcess(records: number, ssds: number, operations: number): Promise<MemoryResult> {
  const report = await run({ system: 'scalio', engine: 'sim', workload: 'C', config: { records, ssds }, operations, warmupOperations: operations / 2 });
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const dataBytesPerRecord = VALUE_RECORD_HEADER_BYTES + YCSB_KEY_BYTES + report.config.valueBytes + ITEM_BYTES;
  return {
    records,
    ssds,
    operations,
    loadSeconds: report.loadMs / 1000,
    peakRssBytes,
    ssdStoredBytes: new SsdArray(report.images.ssds).storedBytes(),
    dataBytes: dataBytesPerRecord * records,
    rssBytesPerRecord: peakRssBytes / records,
    dataBytesPerRecord,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [records, ssds, operations] = process.argv.slice(2).map(Number);
  process.stdout.write(`${JSON.stringify(await measureInThisProcess(records, ssds, operations))}\n`);
}
