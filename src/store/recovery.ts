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
 * - each log's head: just past its newest live piece (chain version, or value record);
 * - each log's tail: at its oldest live piece (see recoverStore for why this is exact even
 *   after a torn multi-block append);
 * - the next write sequence.
 *
 * A write is acknowledged only after its chain is on the SSD, so every acknowledged write is
 * found again. A write that was in flight may or may not be, as linearizability allows.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { type ResolvedConfig, valueRecordBlocks } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Kernels } from '../hw/kernels.js';
import { SsdArray, type SsdMemory } from '../hw/ssd.js';
import {
  BLOCK_BYTES, CHAIN_BLOCKS_MAX, SUPERBLOCK_BUCKET_ID_BITS_OFFSET, SUPERBLOCK_BUCKET_LOG_BLOCKS_OFFSET,
  SUPERBLOCK_BUCKET_LOG_START_OFFSET, SUPERBLOCK_DEVICE_COUNT_OFFSET, SUPERBLOCK_DEVICE_INDEX_OFFSET, SUPERBLOCK_KEY_BYTES_MAX_OFFSET,
  SUPERBLOCK_MAGIC_OFFSET, SUPERBLOCK_VALUE_BYTES_MAX_OFFSET, SUPERBLOCK_VALUE_LOG_BLOCKS_OFFSET, SUPERBLOCK_VALUE_LOG_START_OFFSET,
  SUPERBLOCK_VERSION_OFFSET, ITEM_KEY_BYTES_MAX, VALUE_BYTES_MAX,
} from '../layout/store.js';
import type { StoreLayout } from './context.js';
import { SUPERBLOCK_MAGIC_HIGH, SUPERBLOCK_MAGIC_LOW, SUPERBLOCK_VERSION } from './bulk-load.js';
import { StoreState, StoreStateField, indexEntryAddress } from './geometry.js';

const MANIFEST = 'manifest.json';
const IMAGE_CHUNK_BYTES = 1 << 20;
const IMAGE_CHUNK_BLOCKS = IMAGE_CHUNK_BYTES / BLOCK_BYTES;

export interface ImageManifest {
  readonly format: 'scalio-ssd-images';
  readonly version: 1;
  readonly config: ResolvedConfig;
  readonly devices: number;
  readonly blocksPerDevice: number;
  /**
   * Per device, the stretches of the image that hold written blocks, as [first byte, bytes]
   * pairs (a loader reads only these; the rest of the sparse file is zeros). Absent in
   * images saved before it existed: the loader then reads the whole file.
   */
  readonly writtenRanges?: readonly (readonly (readonly [number, number])[])[];
}

function imagePath(directory: string, device: number): string {
  return join(directory, `ssd-${device}.img`);
}

/**
 * Saves each SSD as `ssd-<n>.img` in `directory`, with a manifest of the configuration: the
 * device's blocks in order, as a real SSD's image would be. Files are sparse: stretches of
 * never-written (all zero) blocks are not written.
 */
export function saveImages(memory: SsdMemory, config: ResolvedConfig, directory: string): void {
  mkdirSync(directory, { recursive: true });
  const ssds = new SsdArray(memory);
  const { blocksPerDevice } = ssds;
  const chunk = new Uint8Array(IMAGE_CHUNK_BYTES);
  const writtenRanges: [number, number][][] = [];
  for (let device = 0; device < ssds.count; device++) {
    const ranges: [number, number][] = [];
    writtenRanges.push(ranges);
    const file = openSync(imagePath(directory, device), 'w');
    try {
      ftruncateSync(file, blocksPerDevice * BLOCK_BYTES);
      for (let block = 0; block < blocksPerDevice; block += IMAGE_CHUNK_BLOCKS) {
        const blocks = Math.min(IMAGE_CHUNK_BLOCKS, blocksPerDevice - block);
        if (!ssds.anyWritten(device, block, blocks)) continue;
        ssds.read(device, block, blocks, chunk, 0);
        writeSync(file, chunk, 0, blocks * BLOCK_BYTES, block * BLOCK_BYTES);
        const last = ranges.at(-1);
        if (last !== undefined && last[0] + last[1] === block * BLOCK_BYTES) last[1] += blocks * BLOCK_BYTES;
        else ranges.push([block * BLOCK_BYTES, blocks * BLOCK_BYTES]);
      }
    } finally {
      closeSync(file);
    }
  }
  const manifest: ImageManifest = {
    format: 'scalio-ssd-images',
    version: 1,
    config,
    devices: ssds.count,
    blocksPerDevice,
    writtenRanges,
  };
  writeFileSync(join(directory, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A manifest's [start byte, byte count] pair: whole numbers, the count above 0. */
function isByteRange(range: unknown): range is [number, number] {
  return Array.isArray(range) && range.length === 2 && Number.isSafeInteger(range[0]) && Number.isSafeInteger(range[1]) && range[1] > 0;
}

/** Reads the images saved in `directory` into new SSDs (all-zero stretches take no memory). */
export function loadImages(directory: string): { manifest: ImageManifest; ssds: SsdMemory } {
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
  for (let device = 0; device < manifest.devices; device++) {
    const path = imagePath(directory, device);
    if (!existsSync(path)) throw new ConfigError(`image ${path} is missing: the manifest names ${manifest.devices} SSDs`);
  }
  const ssds = SsdArray.create(manifest.devices, manifest.blocksPerDevice);
  const chunk = new Uint8Array(IMAGE_CHUNK_BYTES);
  for (let device = 0; device < manifest.devices; device++) {
    const path = imagePath(directory, device);
    const file = openSync(path, 'r');
    try {
      const size = fstatSync(file).size;
      if (size !== manifest.blocksPerDevice * BLOCK_BYTES) {
        throw new ConfigError(`image ${path} has ${size} bytes; the manifest says ${manifest.blocksPerDevice} blocks of ${BLOCK_BYTES}`);
      }
      const ranges: unknown = manifest.writtenRanges === undefined ? [[0, size]] : manifest.writtenRanges[device];
      if (!Array.isArray(ranges)) throw new ConfigError(`${manifestPath} lists no written ranges for SSD ${device}`);
      for (const range of ranges as unknown[]) {
        if (!isByteRange(range)) {
          throw new ConfigError(`${manifestPath} names a written range ${JSON.stringify(range)} of SSD ${device}; a range is [start byte, byte count], whole numbers, the count above 0`);
        }
        const [rangeStart, rangeBytes] = range;
        if (rangeStart < 0 || rangeStart + rangeBytes > size) {
          throw new ConfigError(`${manifestPath} names a written range [${rangeStart}, +${rangeBytes}) outside image ${path} (${size} bytes)`);
        }
        if (rangeStart % BLOCK_BYTES !== 0 || rangeBytes % BLOCK_BYTES !== 0) {
          throw new ConfigError(`${manifestPath} names a written range [${rangeStart}, +${rangeBytes}) of image ${path} that is not whole ${BLOCK_BYTES}-byte blocks`);
        }
        for (let offset = rangeStart; offset < rangeStart + rangeBytes; offset += IMAGE_CHUNK_BYTES) {
          const length = Math.min(IMAGE_CHUNK_BYTES, rangeStart + rangeBytes - offset);
          for (let filled = 0; filled < length;) {
            const read = readSync(file, chunk, filled, length - filled, offset + filled);
            if (read <= 0) throw new ConfigError(`image ${path} ended early at byte ${offset + filled}`);
            filled += read;
          }
          // All-zero blocks take no storage: writing them to the fresh devices stores nothing.
          ssds.write(device, offset / BLOCK_BYTES, length / BLOCK_BYTES, chunk, 0);
        }
      }
    } finally {
      closeSync(file);
    }
  }
  return { manifest, ssds: ssds.memory };
}

/** Checks that each image's superblock describes the layout this cluster plans. */
export function checkSuperblocks(ssds: SsdArray, layout: StoreLayout): void {
  const { config, store } = layout;
  if (ssds.count !== store.devices) throw new ConfigError(`there are ${ssds.count} SSD images; the configuration has ${store.devices} SSDs`);
  for (let device = 0; device < ssds.count; device++) {
    const superblock = new Uint8Array(BLOCK_BYTES);
    ssds.read(device, 0, 1, superblock, 0);
    const block = new DataView(superblock.buffer);
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
 * of the shared memory at `scratch` (at least `RECOVERY_SCRATCH_BYTES_MIN`). Callable on
 * its own: it reads only the SSDs and writes only the index and the store state words.
 *
 * Why the logs' heads and tails come from the *live* data, not from the newest append:
 *
 *   1. Along each log, ring order is write-sequence order: an append takes its sequence and
 *      its place at the head in one step (nothing runs in between), and the live data of a
 *      log always lies within one lap, from the tail to the head.
 *   2. The live chains are each bucket's newest complete version; every complete chain
 *      version newer than the newest live one would itself be live (it would be its
 *      bucket's newest). So everything past the end of the newest live chain is a write cut
 *      short (or nothing), and everything before the oldest live chain is garbage.
 *   3. The live values are the records the live chains point at; each is checked to hold
 *      its item's key. What lies past the newest live record (a value append whose chain was
 *      never written, or a record since overwritten) is garbage too.
 *
 * So the head goes just past the newest live chain (record), the tail at the oldest one;
 * ties in sequence (one append writes several chains, or packs several records) are broken
 * by place, since one append is contiguous. Nothing on the device is believed unless a
 * complete chain vouches for it, so a torn multi-block append — or leftover bytes of an
 * earlier lap that look like a record — cannot move a head. Every block the new head may
 * overwrite holds nothing live.
 *
 * The next write sequence is past every sequence stamped in the bucket log (complete or
 * not) and every live record: a record written from now on is newer than every chain on
 * the device, which is what readers check (src/store/read.ts).
 */
export function recoverStore(kernels: Kernels, memory: WebAssembly.Memory, ssds: SsdArray, layout: StoreLayout, scratch: number, scratchBytes: number): RecoveryReport {
  const geometry = layout.store;
  const state = new StoreState(memory, geometry);
  const bytes = new Uint8Array(memory.buffer);
  // Read the logs in chunks as large as the scratch allows, next to a chain and a key.
  const chunkBlocks = Math.min(1024, Math.floor((scratchBytes - 64) / BLOCK_BYTES) - CHAIN_BLOCKS_MAX);
  if (chunkBlocks < valueRecordBlocks(ITEM_KEY_BYTES_MAX, VALUE_BYTES_MAX)) throw new ConfigError(`a restart needs ${RECOVERY_SCRATCH_BYTES_MIN} bytes of scratch, it got ${scratchBytes}`);
  const chain = scratch + chunkBlocks * BLOCK_BYTES;
  const key = chain + CHAIN_BLOCKS_MAX * BLOCK_BYTES;
  kernels.zeroBytes(geometry.index.base, geometry.index.bytes);
  let buckets = 0;
  let incompleteChains = 0;
  let damagedItems = 0;

  for (let device = 0; device < geometry.devices; device++) {
    // The bucket log: newest complete version of each bucket, and the newest stamp of all.
    const capacity = geometry.bucketLogBlocks;
    const bestSequence = new Float64Array(geometry.bucketIdsPerDevice);
    const bestRing = new Int32Array(geometry.bucketIdsPerDevice);
    const bestLength = new Uint8Array(geometry.bucketIdsPerDevice);
    let newestStamp = 0;
    for (let chunkStart = 0; chunkStart < capacity; chunkStart += chunkBlocks) {
      const blocks = Math.min(chunkBlocks, capacity - chunkStart);
      // Blocks never written read as zeros: sequence 0, nothing to find (a shortcut of the emulation, not a protocol step).
      if (!ssds.anyWritten(device, geometry.bucketLogStart + chunkStart, blocks)) continue;
      ssds.read(device, geometry.bucketLogStart + chunkStart, blocks, bytes, scratch);
      for (let index = 0; index < blocks; index++) {
        const block = scratch + index * BLOCK_BYTES;
        const sequence = kernels.blockSequence(block);
        if (sequence > newestStamp) newestStamp = sequence;
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
      }
    }

    // The newest sequence in the value log (every block written there starts with a header
    // carrying one; no user bytes start a block): a value append whose chain was never
    // written may hold the device's newest sequence, which must not be given out again.
    let newestValueStamp = 0;
    for (let chunkStart = 0; chunkStart < geometry.valueLogBlocks; chunkStart += chunkBlocks) {
      const blocks = Math.min(chunkBlocks, geometry.valueLogBlocks - chunkStart);
      if (!ssds.anyWritten(device, geometry.valueLogStart + chunkStart, blocks)) continue;
      ssds.read(device, geometry.valueLogStart + chunkStart, blocks, bytes, scratch);
      for (let index = 0; index < blocks; index++) newestValueStamp = Math.max(newestValueStamp, kernels.valueBlockSequence(scratch + index * BLOCK_BYTES));
    }

    // The index; the live chains' and live records' extremes in (sequence, place) order.
    const chains = new LogExtent();
    const values = new LogExtent();
    const valueCapacity = geometry.valueLogBlocks;
    for (let local = 0; local < geometry.bucketIdsPerDevice; local++) {
      if (bestSequence[local] === 0) continue;
      const bucketId = local * geometry.devices + device;
      const length = bestLength[local];
      kernels.indexEntryWrite(indexEntryAddress(geometry, bucketId), geometry.bucketLogStart + bestRing[local], length);
      buckets++;
      chains.add(bestSequence[local], bestRing[local], bestRing[local] + length);
      ssds.read(device, geometry.bucketLogStart + bestRing[local], length, bytes, chain);
      const items = kernels.chainItemCount(chain, length);
      for (let item = 0; item < items; item++) {
        const offset = kernels.itemValueOffset(chain, item);
        const valueLength = kernels.itemValueLength(chain, item);
        const ring = Math.floor(offset / BLOCK_BYTES) - geometry.valueLogStart;
        const inBlock = offset - Math.floor(offset / BLOCK_BYTES) * BLOCK_BYTES;
        kernels.itemKeyToDescriptor(chain, item, key);
        const span = valueRecordBlocks(kernels.keyLengthOf(key), valueLength);
        if (ring < 0 || ring + span > valueCapacity || (span > 1 && inBlock !== 0)) {
          damagedItems++;
          continue;
        }
        ssds.read(device, geometry.valueLogStart + ring, span, bytes, scratch);
        if (kernels.valueRecordMatches(scratch + inBlock, key, valueLength) === 0 || kernels.valueRecordComplete(scratch + inBlock) === 0) {
          damagedItems++;
          continue;
        }
        // Records of one append are laid out in order: a later one ends at or past an earlier one.
        values.add(kernels.valueRecordSequence(scratch + inBlock), ring + (inBlock + 1) / BLOCK_BYTES, ring + span);
      }
    }

    // Positions: the head one ring past its block (positions only grow), the tail behind it.
    const setLog = (headField: number, tailField: number, extent: LogExtent, capacityBlocks: number) => {
      const headRing = extent.empty ? 0 : extent.newestEnd % capacityBlocks;
      const tailRing = extent.empty ? 0 : Math.floor(extent.oldestStart);
      let used = (headRing - tailRing + capacityBlocks) % capacityBlocks;
      if (used === 0 && !extent.empty) used = capacityBlocks;
      const head = capacityBlocks + headRing;
      state.set(device, headField, head);
      state.set(device, tailField, head - used);
    };
    setLog(StoreStateField.bucketHead, StoreStateField.bucketTail, chains, capacity);
    setLog(StoreStateField.valueHead, StoreStateField.valueTail, values, valueCapacity);
    state.set(device, StoreStateField.writeSequence, Math.max(newestStamp, newestValueStamp));
  }
  return { buckets, incompleteChains, damagedItems };
}

/**
 * The oldest and newest live pieces of one log, ordered by write sequence and, within one
 * sequence (one append), by place: an append is contiguous, so a later piece sits further on.
 */
class LogExtent {
  empty = true;
  private oldestSequence = 0;
  private oldestPlace = 0;
  /** Ring block where the oldest piece starts. */
  oldestStart = 0;
  newestSequence = 0;
  private newestPlace = 0;
  /** Ring block just past the newest piece (may equal the ring's capacity). */
  newestEnd = 0;

  /** A live piece written with `sequence`, at `place` (a ring block, fractional within a block), ending before ring block `end`. */
  add(sequence: number, place: number, end: number): void {
    if (this.empty || sequence < this.oldestSequence || (sequence === this.oldestSequence && place < this.oldestPlace)) {
      this.oldestSequence = sequence;
      this.oldestPlace = place;
      this.oldestStart = Math.floor(place);
    }
    if (this.empty || sequence > this.newestSequence || (sequence === this.newestSequence && place > this.newestPlace)) {
      this.newestSequence = sequence;
      this.newestPlace = place;
      this.newestEnd = end;
    }
    this.empty = false;
  }
}

/** The least scratch a restart works with: a largest value record (a chunk of the log), a longest chain, a key. */
export const RECOVERY_SCRATCH_BYTES_MIN = (valueRecordBlocks(ITEM_KEY_BYTES_MAX, VALUE_BYTES_MAX) + CHAIN_BLOCKS_MAX) * BLOCK_BYTES + 64;
