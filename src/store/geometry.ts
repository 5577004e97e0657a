/**
 * Where LEED's store puts things: which SSD and index entry a key belongs to, where the
 * logs are on each device, and where the DRAM index and per-device state live.
 *
 * Bucket ids are the top `bucketIdBits` bits of a key's placement hash; id `b` lives on
 * SSD `b mod ssds` as that device's bucket `⌊b / ssds⌋` (LEED spreads keys over SSDs by
 * hash; with one server its consistent-hash ring reduces to this).
 */
import { type ResolvedConfig, bucketIdsPerDevice, bucketLogBlocks, deviceBlocks } from '../config.js';
import { type MemoryPlan, type RegionPlan, type RegionRequest, regionOf } from '../hw/memory-plan.js';
import { INDEX_ENTRY_BYTES } from '../layout/store.js';

/** Per-device state in DPU DRAM (f64 words), owned by the device's DPU core. */
export const StoreStateField = {
  /** The next free block of the value log (unbatched writes take whole blocks). */
  valueLogNextBlock: 0,
  /** The next free block of the bucket log. */
  bucketLogNextBlock: 1,
  /** The last write sequence number stamped into a bucket block. */
  writeSequence: 2,
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
}

export function storeRegionRequests(config: ResolvedConfig): RegionRequest[] {
  return [
    { name: 'storeIndex', bytes: config.ssds * bucketIdsPerDevice(config) * INDEX_ENTRY_BYTES, remote: true },
    { name: 'storeState', bytes: config.ssds * STORE_STATE_BYTES_PER_DEVICE, remote: false },
  ];
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

  constructor(memory: WebAssembly.Memory, private readonly geometry: StoreGeometry) {
    this.words = new Float64Array(memory.buffer, geometry.state.base, geometry.state.bytes / 8);
  }

  get(device: number, field: number): number {
    return this.words[device * (STORE_STATE_BYTES_PER_DEVICE / 8) + field];
  }

  set(device: number, field: number, value: number): void {
    this.words[device * (STORE_STATE_BYTES_PER_DEVICE / 8) + field] = value;
  }

  /** Value-log blocks in use on a device. */
  valueLogUsedBlocks(device: number): number {
    return this.get(device, StoreStateField.valueLogNextBlock) - this.geometry.valueLogStart;
  }

  /** Bucket-log blocks in use on a device. */
  bucketLogUsedBlocks(device: number): number {
    return this.get(device, StoreStateField.bucketLogNextBlock) - this.geometry.bucketLogStart;
  }
}
