/**
 * Where LEED's store puts things: which SSD and index entry a key belongs to, where the
 * logs are on each device, and where the DRAM index and per-device state live.
 *
 * Bucket ids are the top `bucketIdBits` bits of a key's placement hash; id `b` lives on
 * SSD `b mod ssds` as that device's bucket `⌊b / ssds⌋` (LEED spreads keys over SSDs by
 * hash; with one server its consistent-hash ring reduces to this).
 */
import { type ResolvedConfig, bucketIdsPerDevice, bucketLogBlocks, deviceBlocks, valueRecordBlocksMax } from '../config.js';
import { LayoutBuilder } from '../hw/memory-plan.js';
import { KEY_DESCRIPTOR_BYTES } from '../layout/key.js';
import { type MemoryPlan, type RegionPlan, type RegionRequest, regionOf } from '../hw/memory-plan.js';
import { BLOCK_BYTES, CHAIN_BLOCKS_MAX, INDEX_ENTRY_BYTES } from '../layout/store.js';

/**
 * Per-device state in DPU DRAM (f64 words), owned by the device's DPU core. Log heads and
 * tails are *positions*: they only grow; the block of position p is `start + p mod blocks`.
 */
export const StoreStateField = {
  valueHead: 0,
  valueTail: 1,
  bucketHead: 2,
  bucketTail: 3,
  /** The last write sequence number given to an append (value records and chain versions). */
  writeSequence: 4,
} as const;
const STORE_STATE_BYTES_PER_DEVICE = 64;

export interface StoreGeometry {
  readonly devices: number;
  readonly bucketIdBits: number;
  readonly bucketIdsPerDevice: number;
  readonly blocksPerDevice: number;
  readonly bucketLogStart: number;
  readonly bucketLogBlocks: number;
  readonly valueLogStart: number;
  readonly valueLogBlocks: number;
  readonly index: RegionPlan;
  readonly state: RegionPlan;
  /** Per-device garbage-collection buffers (storeScratchLayout). */
  readonly scratch: RegionPlan;
  readonly scratchBytesPerDevice: number;
}

export function storeRegionRequests(config: ResolvedConfig): RegionRequest[] {
  return [
    { name: 'storeIndex', bytes: config.ssds * bucketIdsPerDevice(config) * INDEX_ENTRY_BYTES, remote: true },
    { name: 'storeState', bytes: config.ssds * STORE_STATE_BYTES_PER_DEVICE, remote: false },
    { name: 'storeScratch', bytes: config.ssds * storeScratchLayout(config).bytes, remote: false },
  ];
}

/**
 * Buffers a device's garbage collection uses (one collection runs at a time per device, so
 * they are per device): the segment it reads, and staging for what it moves.
 */
export function storeScratchLayout(config: ResolvedConfig) {
  const builder = new LayoutBuilder();
  const layout = {
    key: builder.field(KEY_DESCRIPTOR_BYTES),
    bucketSegment: builder.field((config.gcSegmentBlocks + CHAIN_BLOCKS_MAX) * BLOCK_BYTES, 64),
    valueSegment: builder.field((config.gcSegmentBlocks + valueRecordBlocksMax(config)) * BLOCK_BYTES, 64),
    valueStaging: builder.field(valueStagingBlocks(config) * BLOCK_BYTES, 64),
    bucketStaging: builder.field(BUCKET_STAGING_BLOCKS * BLOCK_BYTES, 64),
    bytes: 0,
  };
  return { ...layout, bytes: builder.size(64) };
}

/** Blocks of staging for the chains one append writes: a longest chain and room to spare. */
export const BUCKET_STAGING_BLOCKS = 2 * (CHAIN_BLOCKS_MAX + 1);

/** Blocks of staging for the values one append writes: a full batch, or a GC segment's live values. */
export function valueStagingBlocks(config: ResolvedConfig): number {
  return Math.max(config.setBatch, config.gcSegmentBlocks) * valueRecordBlocksMax(config) + 1;
}

export function storeGeometry(config: ResolvedConfig, plan: MemoryPlan): StoreGeometry {
  const bucketLog = bucketLogBlocks(config);
  return {
    devices: config.ssds,
    bucketIdBits: config.bucketIdBits,
    bucketIdsPerDevice: bucketIdsPerDevice(config),
    blocksPerDevice: deviceBlocks(config),
    bucketLogStart: 1,
    bucketLogBlocks: bucketLog,
    valueLogStart: 1 + bucketLog,
    valueLogBlocks: config.valueLogBlocks,
    index: regionOf(plan, 'storeIndex'),
    state: regionOf(plan, 'storeState'),
    scratch: regionOf(plan, 'storeScratch'),
    scratchBytesPerDevice: storeScratchLayout(config).bytes,
  };
}

export function deviceOfBucket(geometry: StoreGeometry, bucketId: number): number {
  return bucketId % geometry.devices;
}

/** The address in DPU DRAM of a bucket's index entry. */
export function indexEntryAddress(geometry: StoreGeometry, bucketId: number): number {
  const device = bucketId % geometry.devices;
  const local = Math.floor(bucketId / geometry.devices);
  return geometry.index.base + (device * geometry.bucketIdsPerDevice + local) * INDEX_ENTRY_BYTES;
}

/** Reads and writes a device's state words in DPU DRAM. */
export class StoreState {
  private readonly words: Float64Array;

  constructor(memory: WebAssembly.Memory, geometry: StoreGeometry) {
    this.words = new Float64Array(memory.buffer, geometry.state.base, geometry.state.bytes / 8);
  }

  get(device: number, field: number): number {
    return this.words[device * (STORE_STATE_BYTES_PER_DEVICE / 8) + field];
  }

  set(device: number, field: number, value: number): void {
    this.words[device * (STORE_STATE_BYTES_PER_DEVICE / 8) + field] = value;
  }

  /** The next write sequence number of a device (sequences start at 1; 0 marks unwritten). */
  nextSequence(device: number): number {
    const sequence = this.get(device, StoreStateField.writeSequence) + 1;
    this.set(device, StoreStateField.writeSequence, sequence);
    return sequence;
  }
}
