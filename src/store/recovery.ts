/**
 * Persistence: SSD images saved to files and a store restarted from them.
 *
 * DPU DRAM does not survive a restart; the SSDs do. A restart rebuilds everything DRAM held
 * from the logs:
 *
 * - the index: scan the whole bucket log; for each bucket, the complete chain version
 *   (every block agreeing on id, length and sequence) with the highest sequence wins. A
 *   version whose write was cut short is ignored, so its bucket falls back to the version
 *   before, which the log still holds (it was live, so it was never collected);
 * - each log's head: just after the append with the highest sequence;
 * - each log's tail: the oldest append something live is in (the live chain, or the live
 *   value record, with the lowest sequence);
 * - the next write sequence.
 *
 * A write is acknowledged only after its chain is on the SSD, so every acknowledged write is
 * found again. A write that was in flight may or may not be, as linearizability allows.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import type { SsdArray } from '../hw/ssd.js';
import {
  BLOCK_BYTES, CHAIN_BLOCKS_MAX, SUPERBLOCK_BUCKET_ID_BITS_OFFSET, SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET,
  SUPERBLOCK_BUCKET_LOG_START_OFFSET, SUPERBLOCK_DEVICE_COUNT_OFFSET, SUPERBLOCK_DEVICE_INDEX_OFFSET, SUPERBLOCK_KEY_BYTES_MAX_OFFSET,
  SUPERBLOCK_MAGIC_OFFSET, SUPERBLOCK_VALUE_BYTES_MAX_OFFSET, SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET, SUPERBLOCK_VALUE_LOG_START_OFFSET,
  SUPERBLOCK_VERSION_OFFSET, VALUE_RECORD_HEADER_BYTES,
} from '../layout/store.js';
import type { ClusterLayout } from '../systems/context.js';
import { SUPERBLOCK_MAGIC_HIGH, SUPERBLOCK_MAGIC_LOW, SUPERBLOCK_VERSION } from './bulk-load.js';
import { StoreState, StoreStateField, indexEntryAddress } from './geometry.js';

const MANIFEST = 'manifest.json';
const IMAGE_CHUNK_BYTES = 1 << 20;

export interface ImageManifest {
  readonly format: 'scalio-ssd-images';
  readonly version: 1;
  readonly config: ResolvedConfig;
  readonly devices: number;
  readonly blocksPerDevice: number;
}

function imagePath(directory: string, device: number): string {
  return join(directory, `ssd-${device}.img`);
}

/**
 * Saves each SSD as `ssd-<n>.img` in `directory`, with a manifest of the configuration.
 * Files are sparse: runs of zero bytes (never-written blocks) are not written.
 */
export function saveImages(buffers: readonly SharedArrayBuffer[], config: ResolvedConfig, directory: string): void {
  mkdirSync(directory, { recursive: true });
  const zero = new Uint8Array(IMAGE_CHUNK_BYTES);
  buffers.forEach((buffer, device) => {
    const file = openSync(imagePath(directory, device), 'w');
    try {
      ftruncateSync(file, buffer.byteLength);
      for (let offset = 0; offset < buffer.byteLength; offset += IMAGE_CHUNK_BYTES) {
        const length = Math.min(IMAGE_CHUNK_BYTES, buffer.byteLength - offset);
        const chunk = new Uint8Array(buffer, offset, length);
        if (Buffer.compare(chunk, zero.subarray(0, length)) === 0) continue;
        writeSync(file, chunk, 0, length, offset);
      }
    } finally {
      closeSync(file);
    }
  });
  const manifest: ImageManifest = {
    format: 'scalio-ssd-images',
    version: 1,
    config,
    devices: buffers.length,
    blocksPerDevice: buffers[0].byteLength / BLOCK_BYTES,
  };
  writeFileSync(join(directory, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads the images saved in `directory` into new SSD buffers. */
export function loadImages(directory: string): { manifest: ImageManifest; buffers: SharedArrayBuffer[] } {
  const manifestPath = join(directory, MANIFEST);
  if (!existsSync(manifestPath)) throw new ConfigError(`${directory} holds no SSD images (no ${MANIFEST}); save them with saveImages first`);
  let manifest: ImageManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ImageManifest;
  } catch (error) {
    throw new ConfigError(`${manifestPath} is not a valid image manifest: ${(error as Error).message}`);
  }
  if (manifest.format !== 'scalio-ssd-images' || manifest.version !== 1) {
    throw new ConfigError(`${manifestPath} is not a scalio image manifest of version 1`);
  }
  const buffers: SharedArrayBuffer[] = [];
  for (let device = 0; device < manifest.devices; device++) {
    const path = imagePath(directory, device);
    if (!existsSync(path)) throw new ConfigError(`image ${path} is missing: the manifest names ${manifest.devices} SSDs`);
    const file = openSync(path, 'r');
    try {
      const size = fstatSync(file).size;
      if (size !== manifest.blocksPerDevice * BLOCK_BYTES) {
        throw new ConfigError(`image ${path} has ${size} bytes; the manifest says ${manifest.blocksPerDevice} blocks of ${BLOCK_BYTES}`);
      }
      const buffer = new SharedArrayBuffer(size);
      const bytes = new Uint8Array(buffer);
      for (let offset = 0; offset < size;) {
        const read = readSync(file, bytes, offset, Math.min(IMAGE_CHUNK_BYTES, size - offset), offset);
        if (read <= 0) throw new ConfigError(`image ${path} ended early at byte ${offset}`);
        offset += read;
      }
      buffers.push(buffer);
    } finally {
      closeSync(file);
    }
  }
  return { manifest, buffers };
}

/** Checks that each image's superblock describes the layout this cluster plans. */
export function checkSuperblocks(ssds: SsdArray, layout: ClusterLayout): void {
  const { config, store } = layout;
  if (ssds.count !== store.devices) throw new ConfigError(`there are ${ssds.count} SSD images; the configuration has ${store.devices} SSDs`);
  for (let device = 0; device < ssds.count; device++) {
    const block = new DataView(ssds.buffers[device], 0, BLOCK_BYTES);
    const expect = (what: string, found: number, wanted: number) => {
      if (found !== wanted) throw new ConfigError(`the image of SSD ${device} has ${what} ${found}; this configuration needs ${wanted}`);
    };
    if (block.getUint32(SUPERBLOCK_MAGIC_OFFSET, true) !== SUPERBLOCK_MAGIC_LOW || block.getUint32(SUPERBLOCK_MAGIC_OFFSET + 4, true) !== SUPERBLOCK_MAGIC_HIGH) {
      throw new ConfigError(`the image of SSD ${device} is not a scalio store (no superblock)`);
    }
    expect('format version', block.getUint32(SUPERBLOCK_VERSION_OFFSET, true), SUPERBLOCK_VERSION);
    expect('device number', block.getUint32(SUPERBLOCK_DEVICE_INDEX_OFFSET, true), device);
    expect('device count', block.getUint32(SUPERBLOCK_DEVICE_COUNT_OFFSET, true), store.devices);
    expect('bucketIdBits', block.getUint32(SUPERBLOCK_BUCKET_ID_BITS_OFFSET, true), store.bucketIdBits);
    expect('bucket log start', block.getFloat64(SUPERBLOCK_BUCKET_LOG_START_OFFSET, true), store.bucketLogStart);
    expect('bucket log blocks', block.getFloat64(SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET, true), store.bucketLogBlocks);
    expect('value log start', block.getFloat64(SUPERBLOCK_VALUE_LOG_START_OFFSET, true), store.valueLogStart);
    expect('value log blocks', block.getFloat64(SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET, true), store.valueLogBlocks);
    expect('keyBytesMax', block.getUint32(SUPERBLOCK_KEY_BYTES_MAX_OFFSET, true), config.keyBytesMax);
    expect('valueBytesMax', block.getUint32(SUPERBLOCK_VALUE_BYTES_MAX_OFFSET, true), config.valueBytesMax);
  }
}

export interface RecoveryReport {
  /** Buckets whose newest complete chain version was found. */
  readonly buckets: number;
  /** Chain versions skipped because a write of them was cut short. */
  readonly incompleteChains: number;
  /** Items whose value record did not hold their key (should be 0). */
  readonly damagedItems: number;
}

/**
 * Rebuilds the DRAM index and each device's log state from the SSDs, using `scratchBytes`
 * of the shared memory at `scratch` (at least `RECOVERY_SCRATCH_BYTES_MIN`).
 */
export function recoverStore(kernels: Kernels, memory: WebAssembly.Memory, ssds: SsdArray, layout: ClusterLayout, scratch: number, scratchBytes: number): RecoveryReport {
  const geometry = layout.store;
  const state = new StoreState(memory, geometry);
  const bytes = new Uint8Array(memory.buffer);
  // Read the logs in chunks as large as the scratch allows, next to a chain and a key.
  const chunkBlocks = Math.min(1024, Math.floor((scratchBytes - 64) / BLOCK_BYTES) - CHAIN_BLOCKS_MAX);
  if (chunkBlocks < 1) throw new ConfigError(`a restart needs ${RECOVERY_SCRATCH_BYTES_MIN} bytes of scratch, it got ${scratchBytes}`);
  const chain = scratch + chunkBlocks * BLOCK_BYTES;
  const key = chain + CHAIN_BLOCKS_MAX * BLOCK_BYTES;
  kernels.zeroBytes(geometry.index.base, geometry.index.bytes);
  let buckets = 0;
  let incompleteChains = 0;
  let damagedItems = 0;

  for (let device = 0; device < geometry.devices; device++) {
    // The bucket log: newest complete version of each bucket.
    const capacity = geometry.bucketLogBlocks;
    const bestSequence = new Float64Array(geometry.bucketIdsPerDevice);
    const bestRing = new Int32Array(geometry.bucketIdsPerDevice);
    const bestLength = new Uint8Array(geometry.bucketIdsPerDevice);
    let newestSequence = 0;
    let bucketHeadRing = 0;
    for (let chunkStart = 0; chunkStart < capacity; chunkStart += chunkBlocks) {
      const blocks = Math.min(chunkBlocks, capacity - chunkStart);
      ssds.read(device, geometry.bucketLogStart + chunkStart, blocks, bytes, scratch);
      for (let index = 0; index < blocks; index++) {
        const block = scratch + index * BLOCK_BYTES;
        const sequence = kernels.blockSequence(block);
        if (sequence === 0 || kernels.blockChainIndex(block) !== 0) continue;
        const length = kernels.blockChainLength(block);
        const ring = chunkStart + index;
        const bucketId = kernels.blockBucketId(block);
        if (length < 1 || length > CHAIN_BLOCKS_MAX || ring + length > capacity) continue;
        if (bucketId >= geometry.devices * geometry.bucketIdsPerDevice || bucketId % geometry.devices !== device) continue;
        ssds.read(device, geometry.bucketLogStart + ring, length, bytes, chain);
        if (kernels.chainComplete(chain, length) === 0) {
          incompleteChains++;
          continue;
        }
        const local = Math.floor(bucketId / geometry.devices);
        if (sequence > bestSequence[local]) {
          bestSequence[local] = sequence;
          bestRing[local] = ring;
          bestLength[local] = length;
        }
        if (sequence > newestSequence) {
          newestSequence = sequence;
          bucketHeadRing = (ring + length) % capacity;
        }
      }
    }

    // The value log: the sequence of each block's records, and the newest append. A value
    // is appended before the chain that points at it, so a genuine record's sequence is
    // below the newest chain's plus the appends that can be in flight; anything above is
    // leftover bytes and is not believed.
    const valueCapacity = geometry.valueLogBlocks;
    const blockSequences = new Float64Array(valueCapacity);
    const sequenceLimit = newestSequence + 4 * layout.handlersPerCore * layout.config.dpuCores + 16;
    let newestValueSequence = 0;
    let valueHeadRing = 0;
    let skip = 0;
    for (let chunkStart = 0; chunkStart < valueCapacity; chunkStart += chunkBlocks) {
      const blocks = Math.min(chunkBlocks, valueCapacity - chunkStart);
      ssds.read(device, geometry.valueLogStart + chunkStart, blocks, bytes, scratch);
      for (let index = 0; index < blocks; index++) {
        if (skip > 0) {
          skip--; // the rest of a record that spans blocks
          continue;
        }
        const record = scratch + index * BLOCK_BYTES;
        if (kernels.valueRecordStarts(record) === 0) continue;
        const sequence = kernels.valueRecordSequence(record);
        if (sequence > sequenceLimit) continue;
        const span = Math.max(1, Math.ceil((VALUE_RECORD_HEADER_BYTES + kernels.valueRecordKeyLength(record) + kernels.valueRecordValueLength(record)) / BLOCK_BYTES));
        const ring = chunkStart + index;
        blockSequences[ring] = sequence;
        skip = span - 1;
        if (sequence > newestValueSequence) {
          newestValueSequence = sequence;
          valueHeadRing = (ring + span) % valueCapacity;
        }
      }
    }

    // The index, and the oldest live append of each log.
    let oldestChain = Number.POSITIVE_INFINITY;
    let bucketTailRing = bucketHeadRing;
    let oldestValue = Number.POSITIVE_INFINITY;
    let valueTailRing = valueHeadRing;
    let liveValues = 0;
    for (let local = 0; local < geometry.bucketIdsPerDevice; local++) {
      if (bestSequence[local] === 0) continue;
      const bucketId = local * geometry.devices + device;
      const length = bestLength[local];
      kernels.indexEntryWrite(indexEntryAddress(geometry, bucketId), geometry.bucketLogStart + bestRing[local], length);
      buckets++;
      if (bestSequence[local] < oldestChain) {
        oldestChain = bestSequence[local];
        bucketTailRing = bestRing[local];
      }
      ssds.read(device, geometry.bucketLogStart + bestRing[local], length, bytes, chain);
      const items = kernels.chainItemCount(chain, length);
      for (let item = 0; item < items; item++) {
        const offset = kernels.itemValueOffset(chain, item);
        const ring = Math.floor(offset / BLOCK_BYTES) - geometry.valueLogStart;
        if (ring < 0 || ring >= valueCapacity) {
          damagedItems++;
          continue;
        }
        kernels.itemKeyToDescriptor(chain, item, key);
        ssds.read(device, geometry.valueLogStart + ring, 1, bytes, scratch);
        const inBlock = offset - Math.floor(offset / BLOCK_BYTES) * BLOCK_BYTES;
        if (kernels.valueRecordKeyLength(scratch + inBlock) !== kernels.keyLengthOf(key)
          || kernels.valueRecordValueLength(scratch + inBlock) !== kernels.itemValueLength(chain, item)) {
          damagedItems++;
          continue;
        }
        liveValues++;
        const sequence = blockSequences[ring];
        if (sequence < oldestValue) {
          oldestValue = sequence;
          valueTailRing = ring;
        }
      }
    }

    // Positions: the head one ring past its block (positions only grow), the tail behind it.
    const setLog = (headField: number, tailField: number, headRing: number, tailRing: number, capacityBlocks: number, live: boolean) => {
      let used = (headRing - tailRing + capacityBlocks) % capacityBlocks;
      if (used === 0 && live) used = capacityBlocks;
      const head = capacityBlocks + headRing;
      state.set(device, headField, head);
      state.set(device, tailField, head - used);
    };
    setLog(StoreStateField.bucketHead, StoreStateField.bucketTail, bucketHeadRing, bucketTailRing, capacity, buckets > 0 && oldestChain !== Number.POSITIVE_INFINITY);
    setLog(StoreStateField.valueHead, StoreStateField.valueTail, valueHeadRing, valueTailRing, valueCapacity, liveValues > 0);
    state.set(device, StoreStateField.writeSequence, Math.max(newestSequence, newestValueSequence));
  }
  return { buckets, incompleteChains, damagedItems };
}

/** The least scratch a restart works with: a block of the log, a longest chain, a key. */
export const RECOVERY_SCRATCH_BYTES_MIN = (1 + CHAIN_BLOCKS_MAX) * BLOCK_BYTES + 64;
