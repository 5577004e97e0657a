/**
 * The load phase, done the way the artifact's scripts cannot: by building each SSD's image
 * directly (value log, bucket log, superblock) and the DRAM index, instead of millions of
 * RPCs. The result is exactly what the write path would produce, except that values are
 * packed several to a block, as batched writes pack them.
 */
import { ConfigError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import type { SsdArray } from '../hw/ssd.js';
import { LayoutBuilder } from '../hw/memory-plan.js';
import { KEY_DESCRIPTOR_BYTES } from '../layout/key.js';
import {
  BLOCK_BYTES, CHAIN_BLOCKS_MAX, SUPERBLOCK_BUCKET_ID_BITS_OFFSET, SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET, SUPERBLOCK_BUCKET_LOG_START_OFFSET,
  SUPERBLOCK_DEVICE_COUNT_OFFSET, SUPERBLOCK_DEVICE_INDEX_OFFSET, SUPERBLOCK_KEY_BYTES_MAX_OFFSET, SUPERBLOCK_MAGIC_OFFSET,
  SUPERBLOCK_VALUE_BYTES_MAX_OFFSET, SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET, SUPERBLOCK_VALUE_LOG_START_OFFSET, SUPERBLOCK_VERSION_OFFSET,
  VALUE_RECORD_HEADER_BYTES,
} from '../layout/store.js';
import type { StoreLayout } from './context.js';
import { type ResolvedConfig, valueRecordBlocks, valueRecordBlocksMax } from '../config.js';
import { writeInitialValue } from '../ycsb/records.js';
import { StoreState, StoreStateField, indexEntryAddress } from './geometry.js';

/** "SCALIO01" as a little-endian u64, split in two u32 words. */
export const SUPERBLOCK_MAGIC_LOW = 0x4c414353;
export const SUPERBLOCK_MAGIC_HIGH = 0x3130494f;
/** 2: every value-log block starts with a header carrying its write's sequence. */
export const SUPERBLOCK_VERSION = 2;

/** An ArrayBuffer that can shrink (ES2024; in Node since 20): the load's arrays, given back when it ends. */
type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/**
 * Arrays the load needs only while it runs (8 bytes per record and per bucket id), given back
 * when it ends: a resizable ArrayBuffer resized to 0 returns its pages at once (V8 discards
 * them), where a plain one stays resident until a major garbage collection, which may come
 * after the run's peak: at 20 M records the load's 183 MiB of arrays were still resident at
 * the end of a 150,000-operation run.
 */
class LoadArrays {
  private readonly buffers: ResizableArrayBuffer[] = [];

  int32(length: number): Int32Array {
    const buffer = new ResizableArrayBuffer(length * 4, { maxByteLength: length * 4 });
    this.buffers.push(buffer);
    return new Int32Array(buffer, 0, length);
  }

  release(): void {
    for (const buffer of this.buffers) buffer.resize(0);
    this.buffers.length = 0;
  }
}

/** Scratch the loader needs in the shared memory. */
export function bulkLoadScratchBytes(config: ResolvedConfig): number {
  return loaderScratch(config).bytes;
}

function loaderScratch(config: ResolvedConfig) {
  const builder = new LayoutBuilder();
  const fields = {
    random: builder.field(8),
    key: builder.field(KEY_DESCRIPTOR_BYTES),
    value: builder.field(config.valueBytesMax),
    chain: builder.field(CHAIN_BLOCKS_MAX * BLOCK_BYTES, 64),
    valueBlocks: builder.field((valueRecordBlocksMax(config) + 1) * BLOCK_BYTES, 64),
  };
  return { ...fields, bytes: builder.size(64) };
}

export interface BulkLoadResult {
  readonly records: number;
  /** Non-empty buckets written, over all SSDs. */
  readonly buckets: number;
  readonly valueBlocks: number;
}

/**
 * Loads key numbers loadFirst..loadFirst+loadCount-1 with their initial values into empty
 * SSDs and index. `scratchBase` is a region of at least `bulkLoadScratchBytes(layout)`
 * bytes; the kernels must be configured for the cluster's records (`configureRecordKernels`).
 */
export function bulkLoad(kernels: Kernels, memory: WebAssembly.Memory, ssds: SsdArray, layout: StoreLayout, scratchBase: number): BulkLoadResult {
  const arrays = new LoadArrays();
  try {
    return loadWith(arrays, kernels, memory, ssds, layout, scratchBase);
  } finally {
    arrays.release();
  }
}

function loadWith(arrays: LoadArrays, kernels: Kernels, memory: WebAssembly.Memory, ssds: SsdArray, layout: StoreLayout, scratchBase: number): BulkLoadResult {
  const { config, store: geometry } = layout;
  const records = config.loadCount;
  const firstRecord = config.loadFirst;
  const scratch = loaderScratch(config);
  const at = (offset: number) => scratchBase + offset;
  const bytes = new Uint8Array(memory.buffer);
  const state = new StoreState(memory, geometry);

  // Bucket id of every record, then a counting sort so each bucket is built in one go.
  const bucketIdCount = 2 ** geometry.bucketIdBits;
  const bucketOfRecord = arrays.int32(records);
  const bucketStart = arrays.int32(bucketIdCount + 1);
  for (let record = 0; record < records; record++) {
    kernels.ycsbKey(firstRecord + record, at(scratch.key));
    const bucketId = kernels.storeBucketIdOf(at(scratch.key), geometry.bucketIdBits);
    bucketOfRecord[record] = bucketId;
    bucketStart[bucketId + 1]++;
  }
  for (let bucketId = 0; bucketId < bucketIdCount; bucketId++) bucketStart[bucketId + 1] += bucketStart[bucketId];
  const recordsByBucket = arrays.int32(records);
  const filled = arrays.int32(bucketIdCount);
  filled.set(bucketStart.subarray(0, bucketIdCount));
  for (let record = 0; record < records; record++) recordsByBucket[filled[bucketOfRecord[record]]++] = record;

  const valueLogEnd = geometry.valueLogStart + geometry.valueLogBlocks;
  let buckets = 0;
  let valueBlocksUsed = 0;
  for (let device = 0; device < geometry.devices; device++) {
    let valueBlock = geometry.valueLogStart;
    let offsetInBlock = 0;
    let chainBlock = geometry.bucketLogStart;
    // One write sequence for the value block being filled, one for each chain: increasing
    // along each log, as the write path gives them.
    let sequence = 1;
    let valueSequence = sequence;
    kernels.zeroBytes(at(scratch.valueBlocks), BLOCK_BYTES);
    const flushValueBlocks = (blocks: number) => {
      if (valueBlock + blocks > valueLogEnd) {
        throw new ConfigError(
          `the dataset does not fit SSD ${device}'s value log of ${geometry.valueLogBlocks} blocks; raise valueLogOverProvision or use more SSDs`,
        );
      }
      ssds.write(device, valueBlock, blocks, bytes, at(scratch.valueBlocks));
      kernels.zeroBytes(at(scratch.valueBlocks), blocks * BLOCK_BYTES);
      valueBlock += blocks;
      offsetInBlock = 0;
      valueSequence = ++sequence;
    };
    for (let bucketId = device; bucketId < bucketIdCount; bucketId += geometry.devices) {
      const first = bucketStart[bucketId];
      const last = bucketStart[bucketId + 1];
      if (first === last) continue;
      let chainLength = 1;
      kernels.chainInit(at(scratch.chain), 1, bucketId);
      for (let position = first; position < last; position++) {
        const record = firstRecord + recordsByBucket[position];
        kernels.ycsbKey(record, at(scratch.key));
        const valueBytes = writeInitialValue(kernels, at(scratch.random), at(scratch.value), config.seed, record);
        const recordBytes = VALUE_RECORD_HEADER_BYTES + 16 + valueBytes; // YCSB keys are 16-byte hashes
        const recordBlocks = valueRecordBlocks(16, valueBytes);
        if (offsetInBlock > 0 && (recordBytes > BLOCK_BYTES || offsetInBlock + recordBytes > BLOCK_BYTES)) flushValueBlocks(1);
        const valueOffset = valueBlock * BLOCK_BYTES + offsetInBlock;
        kernels.valueRecordWrite(at(scratch.valueBlocks) + offsetInBlock, at(scratch.key), at(scratch.value), valueBytes, valueSequence);
        if (recordBytes > BLOCK_BYTES) flushValueBlocks(recordBlocks);
        else offsetInBlock += recordBytes;
        if (kernels.chainUpsert(at(scratch.chain), chainLength, at(scratch.key), valueBytes, valueOffset) < 0) {
          if (chainLength === CHAIN_BLOCKS_MAX) {
            throw new ConfigError(`bucket ${bucketId} receives more records than a chain of ${CHAIN_BLOCKS_MAX} blocks holds; raise bucketIdBits`);
          }
          kernels.chainGrow(at(scratch.chain), chainLength);
          chainLength++;
          kernels.chainUpsert(at(scratch.chain), chainLength, at(scratch.key), valueBytes, valueOffset);
        }
      }
      if (chainBlock + chainLength > geometry.bucketLogStart + geometry.bucketLogBlocks) {
        throw new ConfigError(`the dataset's buckets do not fit SSD ${device}'s bucket log of ${geometry.bucketLogBlocks} blocks; raise bucketLogOverProvision`);
      }
      kernels.chainStamp(at(scratch.chain), chainLength, bucketId, ++sequence);
      ssds.write(device, chainBlock, chainLength, bytes, at(scratch.chain));
      kernels.indexEntryWrite(indexEntryAddress(geometry, bucketId), chainBlock, chainLength);
      chainBlock += chainLength;
      buckets += 1;
    }
    if (offsetInBlock > 0) flushValueBlocks(1);
    valueBlocksUsed += valueBlock - geometry.valueLogStart;
    // Log positions start at 0 at each log's first block.
    state.set(device, StoreStateField.valueHead, valueBlock - geometry.valueLogStart);
    state.set(device, StoreStateField.valueTail, 0);
    state.set(device, StoreStateField.bucketHead, chainBlock - geometry.bucketLogStart);
    state.set(device, StoreStateField.bucketTail, 0);
    state.set(device, StoreStateField.writeSequence, sequence);
    writeSuperblock(ssds, layout, device);
  }
  return { records, buckets, valueBlocks: valueBlocksUsed };
}

/** Block 0 of a device: what a restart needs to check that an image fits the configuration. */
function writeSuperblock(ssds: SsdArray, layout: StoreLayout, device: number): void {
  const { config, store: geometry } = layout;
  const bytes = new Uint8Array(BLOCK_BYTES);
  const block = new DataView(bytes.buffer);
  block.setUint32(SUPERBLOCK_MAGIC_OFFSET, SUPERBLOCK_MAGIC_LOW, true);
  block.setUint32(SUPERBLOCK_MAGIC_OFFSET + 4, SUPERBLOCK_MAGIC_HIGH, true);
  block.setUint32(SUPERBLOCK_VERSION_OFFSET, SUPERBLOCK_VERSION, true);
  block.setUint32(SUPERBLOCK_DEVICE_INDEX_OFFSET, device, true);
  block.setUint32(SUPERBLOCK_DEVICE_COUNT_OFFSET, geometry.devices, true);
  block.setUint32(SUPERBLOCK_BUCKET_ID_BITS_OFFSET, geometry.bucketIdBits, true);
  block.setFloat64(SUPERBLOCK_BUCKET_LOG_START_OFFSET, geometry.bucketLogStart, true);
  block.setFloat64(SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET, geometry.bucketLogBlocks, true);
  block.setFloat64(SUPERBLOCK_VALUE_LOG_START_OFFSET, geometry.valueLogStart, true);
  block.setFloat64(SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET, geometry.valueLogBlocks, true);
  block.setUint32(SUPERBLOCK_KEY_BYTES_MAX_OFFSET, config.keyBytesMax, true);
  block.setUint32(SUPERBLOCK_VALUE_BYTES_MAX_OFFSET, config.valueBytesMax, true);
  ssds.write(device, 0, 1, bytes, 0);
}
