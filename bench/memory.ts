/**
 * Memory per record: a fresh process loads `records` records on `ssds` SSDs, runs YCSB-C on
 * the simulator, and reports its peak resident memory (VmHWM; see peakResidentBytes) against
 * the bytes of data the store holds. Each point runs in a child process of its own, so that
 * one point's peak does not hide in another's.
 *
 * Data the store holds, per record: its value record in the value log (header, 16-byte key,
 * value) and its item in a bucket chain (31 bytes). The SSDs store more (blocks are 512
 * bytes, stored in slots of 64 to 512 bytes; a chain block holds ~2.4 items and a 16-byte
 * header), the DRAM holds the cache and index, and the process has a base of its own.
 *
 * Where the peak goes: the process before its cluster (Node, the code, the compiled kernels),
 * the pages of the WebAssembly memory the run touched (the DPU DRAM as configured: cache,
 * index, the arenas' touched pages), what the SSDs store, and the rest (the JavaScript heap
 * the run grew, the allocator's arenas of V8's threads, the SSDs' block tables). The process
 * base and the DRAM are the fixed cost: the "without fixed" ratio is the peak less them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planCluster } from '../src/engine/cluster.js';
import { run } from '../src/engine/run.js';
import { kernelModule } from '../src/hw/kernels.js';
import { SsdArray } from '../src/hw/ssd.js';
import { ITEM_BYTES, VALUE_RECORD_HEADER_BYTES } from '../src/layout/store.js';
import { systemByName } from '../src/systems/registry.js';

export interface MemoryResult {
  readonly records: number;
  readonly ssds: number;
  readonly operations: number;
  readonly loadSeconds: number;
  readonly peakRssBytes: number;
  /** Resident before the cluster is built: Node, the code, the compiled kernels. */
  readonly baseRssBytes: number;
  /** Resident pages of the WebAssembly memory (the DPU DRAM and the arenas) at the end; null where /proc/self/smaps is not available. */
  readonly dramResidentBytes: number | null;
  /** V8's heap at the end (process.memoryUsage().heapTotal). */
  readonly heapBytes: number;
  /** What the SSDs store (slots taken from their pools). */
  readonly ssdStoredBytes: number;
  /** Value records and chain items: the data itself. */
  readonly dataBytes: number;
  readonly rssBytesPerRecord: number;
  readonly dataBytesPerRecord: number;
}

/** A byte count in MiB, for the table. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
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

/**
 * Resident bytes of the one anonymous read-write mapping of exactly `bytes` (the WebAssembly
 * memory: V8 maps it whole, its size a multiple of 64 KiB), from /proc/self/smaps; null if
 * there is no such file or not exactly one such mapping.
 */
function residentBytesOfMapping(bytes: number): number | null {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
  const found: number[] = [];
  let matching = false;
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) rw-p \S+ \S+ 0\s*$/.exec(line);
    if (mapping !== null) matching = parseInt(mapping[2], 16) - parseInt(mapping[1], 16) === bytes;
    else if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) matching = false;
    const resident = /^Rss:\s+(\d+) kB/.exec(line);
    if (matching && resident !== null) found.push(Number(resident[1]) * 1024);
  }
  return found.length === 1 ? found[0] : null;
}

/**
 * This process's peak resident memory: VmHWM from /proc/self/status, the high-water mark of
 * its own address space. getrusage's maxRSS is the fallback where there is no /proc, but on
 * Linux it also holds the parent's resident size at the fork before this process's exec
 * (the kernel keeps the larger of the two across exec): a bench that had run the engines
 * first handed its ~460 MiB to a 1 M-record child whose own peak was 227 MiB.
 */
function peakResidentBytes(): number {
  try {
    const highWater = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (highWater !== null) return Number(highWater[1]) * 1024;
  } catch {
    // No /proc: maxRSS below.
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function measureInThisProcess(records: number, ssds: number, operations: number): Promise<MemoryResult> {
  kernelModule(); // compiled once per process: part of the base
  const baseRssBytes = process.memoryUsage.rss();
  const report = await run({ system: 'scalio', engine: 'sim', workload: 'C', config: { records, ssds }, operations, warmupOperations: operations / 2 });
  const peakRssBytes = peakResidentBytes();
  const dramResidentBytes = residentBytesOfMapping(planCluster(report.config, systemByName('scalio')).plan.totalBytes);
  const dataBytesPerRecord = VALUE_RECORD_HEADER_BYTES + YCSB_KEY_BYTES + report.config.valueBytes + ITEM_BYTES;
  return {
    records,
    ssds,
    operations,
    loadSeconds: report.loadMs / 1000,
    peakRssBytes,
    baseRssBytes,
    dramResidentBytes,
    heapBytes: process.memoryUsage().heapTotal,
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
