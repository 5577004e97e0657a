/**
 * How much memory a run will take, estimated from its planned cluster before anything is
 * allocated, and how much this machine can give: so that a run too large is refused with a
 * message instead of being killed by the kernel's out-of-memory killer, or by V8's heap limit,
 * minutes in.
 *
 * Most of a run lives outside the JavaScript heap (SharedArrayBuffers and the WebAssembly
 * memory): the SSDs and the DPU DRAM. An emulated SSD stores only what its blocks hold, each
 * block rounded up to a slot of 64, 80, 96, … 512 bytes (src/hw/ssd.ts): the loaded dataset (value records
 * packed into blocks, one chain block per non-empty bucket, ~90 of its 512 bytes used) and
 * what the run's writes append, never more than the logs hold when every block of them has
 * been written. The DRAM regions are counted whole. Checking a history is the one large
 * structure on the heap.
 */
import { availableParallelism, freemem, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { BLOCK_BYTES, BUCKET_HEADER_BYTES, BUCKET_ITEMS_PER_BLOCK, ITEM_BYTES, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import { type ResolvedConfig, bucketLogBlocks, valueRecordBlocks } from '../config.js';
import { slotBytesFor } from '../hw/ssd.js';
import { HISTORY_FIELDS } from './driver.js';
import type { ClusterLayout } from '../systems/context.js';

/** Bytes of a YCSB key in the store (keys are hashed to 16 bytes). */
const YCSB_KEY_BYTES = 16;
/** The SSDs' block tables: a u32 per block, resident where blocks were written. */
const TABLE_BYTES_PER_BLOCK = 4;
/** A Node process before a run: code, the kernels' module, buffers (measured: ~117 MB resident). */
export const PROCESS_BASE_BYTES = 128 * 2 ** 20;
/** Each live-engine worker thread: its own V8 isolate, heap and kernel instance. */
export const WORKER_THREAD_BYTES = 48 * 2 ** 20;
/** The bulk load's per-record arrays (two Int32Arrays over the records) and per-bucket-id starts. */
const LOAD_BYTES_PER_RECORD = 8;
const LOAD_BYTES_PER_BUCKET_ID = 4;
/**
 * A recorded history outside the heap: HISTORY_FIELDS float64s per operation, held up to 2.5
 * times over while its array grows by half (the simulator hands it over without a copy), plus
 * the checker's index by key and the columns of the key it checks (8 + 29 bytes, ~40).
 */
export const HISTORY_BYTES_PER_OPERATION = HISTORY_FIELDS * 8 * 2.5 + 40;
/**
 * JavaScript heap that checking a history takes per operation: the checker keeps histories in
 * typed arrays outside the heap and makes operation objects only for keys that need the search
 * (its heap stayed ~47 MB from 1 M to 4 M operations); a small margin per operation remains.
 * Measure again when the checker's structures change.
 */
export const CHECK_HEAP_BYTES_PER_OPERATION = 16;
/**
 * The share of V8's heap limit a check may plan on: the limit counts the young generation and
 * the collector's headroom, and a heap near it spends its time collecting (a 20 M-operation
 * check died at 3.1 GB of a 4.3 GB limit, 71 %).
 */
export const HEAP_USABLE_SHARE = 0.6;

export interface MemoryEstimate {
  /** The run's record count (YCSB recordcount), as the estimate resolved it. */
  readonly records: number;
  /** What the SSDs store: the loaded dataset and the run's writes (src/hw/ssd.ts stores blocks by what they hold). */
  readonly ssdBytes: number;
  /** The DPU DRAM and every other region of the shared WebAssembly memory. */
  readonly dramBytes: number;
  /** The bulk load's per-record arrays. */
  readonly loadBytes: number;
  /** The recorded history (outside the heap). */
  readonly historyBytes: number;
  /** The process itself and, live, its worker threads. */
  readonly processBytes: number;
  /** All of the above: resident memory at the run's largest. */
  readonly totalBytes: number;
  /** JavaScript heap the check of the history takes (0 without a check). */
  readonly heapBytes: number;
}

export interface EstimateOptions {
  readonly engine: 'live' | 'sim';
  /** Operations of the run (warm-up included) that write: updates, inserts, read-modify-writes (Infinity: a run of a duration). */
  readonly writeOperations?: number;
  /** Operations whose history is recorded (0: none). */
  readonly recordedOperations?: number;
  /** Operations whose history is then checked for linearizability (0: none). */
  readonly checkedOperations?: number;
}

export function estimateMemory(layout: ClusterLayout, options: EstimateOptions): MemoryEstimate {
  const config = layout.config;
  const ssdBytes = estimateSsdBytes(config, options.writeOperations ?? 0);
  const dramBytes = layout.plan.totalBytes;
  const loadBytes = LOAD_BYTES_PER_RECORD * config.capacityRecords + LOAD_BYTES_PER_BUCKET_ID * 2 ** config.bucketIdBits;
  const historyBytes = HISTORY_BYTES_PER_OPERATION * (options.recordedOperations ?? 0);
  const threads = options.engine === 'live' ? Math.min(availableParallelism(), config.clients) + config.dpuCores : 0;
  const processBytes = PROCESS_BASE_BYTES + threads * WORKER_THREAD_BYTES;
  const heapBytes = CHECK_HEAP_BYTES_PER_OPERATION * (options.checkedOperations ?? 0);
  return {
    records: config.records,
    ssdBytes, dramBytes, loadBytes, historyBytes, processBytes, heapBytes,
    totalBytes: ssdBytes + dramBytes + loadBytes + historyBytes + processBytes + heapBytes,
  };
}

export interface MachineMemory {
  /** Memory a run can have now: the system's available memory, within a cgroup limit if one applies. */
  readonly availableBytes: number;
  /** The machine's memory (or the cgroup's limit). */
  readonly totalBytes: number;
  /** The part of V8's heap limit a check may plan on (HEAP_USABLE_SHARE of it). */
  readonly heapUsableBytes: number;
  /** V8's heap limit (node --max-old-space-size raises it). */
  readonly heapLimitBytes: number;
}

export function machineMemory(): MachineMemory {
  // process.constrainedMemory: the cgroup's limit, 0 or undefined when there is none.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const limit = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
  const heapLimitBytes = getHeapStatistics().heap_size_limit;
  return {
    availableBytes: Math.min(freemem(), limit),
    totalBytes: limit,
    heapLimitBytes,
    heapUsableBytes: heapLimitBytes * HEAP_USABLE_SHARE,
  };
}

/**
 * The mean bytes a non-empty bucket's chain takes on an SSD when `itemsPerBucket` items are
 * spread over the buckets at random (Poisson): full blocks of 16 items, then a last block of
 * the rest, each rounded up to its slot.
 */
function chainBytesPerNonEmptyBucket(itemsPerBucket: number): number {
  let probability = Math.exp(-itemsPerBucket); // P(0 items)
  const empty = probability;
  let total = 0;
  const itemsMax = Math.max(64, Math.ceil(itemsPerBucket * 4 + 64));
  for (let items = 1; items <= itemsMax; items++) {
    probability *= itemsPerBucket / items;
    const fullBlocks = Math.floor((items - 1) / BUCKET_ITEMS_PER_BLOCK);
    const lastItems = items - fullBlocks * BUCKET_ITEMS_PER_BLOCK;
    total += probability * (fullBlocks * slotBytesFor(BUCKET_HEADER_BYTES + BUCKET_ITEMS_PER_BLOCK * ITEM_BYTES) + slotBytesFor(BUCKET_HEADER_BYTES + lastItems * ITEM_BYTES));
  }
  return total / (1 - empty);
}

/** The bytes one value record takes in the value log: packed with others in a block's slot, or whole blocks (the last one a slot). */
function valueRecordBytes(config: ResolvedConfig): number {
  const bytes = VALUE_RECORD_HEADER_BYTES + YCSB_KEY_BYTES + config.valueBytes;
  const recordsPerBlock = Math.floor(BLOCK_BYTES / bytes);
  if (recordsPerBlock >= 1) return slotBytesFor(recordsPerBlock * bytes) / recordsPerBlock;
  return valueRecordBlocks(YCSB_KEY_BYTES, config.valueBytes) * BLOCK_BYTES;
}

/**
 * What the SSDs will store: the loaded records' value blocks and chains, then a value record
 * and a chain version per write, at most what the logs hold once every block was written.
 */
export function estimateSsdBytes(config: ResolvedConfig, writeOperations: number): number {
  const bucketIds = 2 ** config.bucketIdBits;
  const itemsPerBucket = Math.max(config.loadCount, 1) / bucketIds;
  const chainBytes = chainBytesPerNonEmptyBucket(itemsPerBucket);
  const nonEmptyBuckets = bucketIds * (1 - Math.exp(-itemsPerBucket));
  const recordBytes = valueRecordBytes(config);
  const loadedBlocks = nonEmptyBuckets + (config.loadCount * recordBytes) / BLOCK_BYTES;
  const loaded = nonEmptyBuckets * chainBytes + config.loadCount * recordBytes;
  const written = writeOperations > 0 ? writeOperations * (slotBytesFor(recordBytes) + chainBytes) : 0;
  const full = config.ssds * (bucketLogBlocks(config) * chainBytes + config.valueLogBlocks * BLOCK_BYTES);
  return Math.min(full, loaded + written) + loadedBlocks * TABLE_BYTES_PER_BLOCK;
}
