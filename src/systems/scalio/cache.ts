/**
 * Geometry of Scalio's DRAM cache: slots (src/layout/cache-slot.ts) grouped in buckets, the
 * whole table one RDMA-registered region of DPU DRAM.
 */
import type { ResolvedConfig } from '../../config.js';
import type { Kernels } from '../../hw/kernels.js';
import { type MemoryPlan, type RegionPlan, type RegionRequest, regionOf } from '../../hw/memory-plan.js';
import { SLOT_KEY_OFFSET } from '../../layout/cache-slot.js';

export interface CacheGeometry {
  readonly region: RegionPlan;
  readonly slotsPerBucket: number;
  readonly slotBytes: number;
  readonly bucketBytes: number;
  readonly bucketCount: number;
  /** Offset of the value inside a slot. */
  readonly valueOffset: number;
}

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

export function slotGeometry(config: ResolvedConfig): { slotBytes: number; valueOffset: number; bucketBytes: number } {
  const valueOffset = SLOT_KEY_OFFSET + align8(config.keyBytesMax);
  const slotBytes = valueOffset + align8(config.valueBytesMax);
  return { slotBytes, valueOffset, bucketBytes: slotBytes * config.slotsPerBucket };
}

export function cacheRegionRequest(config: ResolvedConfig): RegionRequest {
  const bucketCount = config.cacheSlots / config.slotsPerBucket;
  const { slotBytes, bucketBytes } = slotGeometry(config);
  // A reader trusts a slot only when its state word (read whole) carries the checksum of
  // the bytes it read: the NIC need not move the slots' other words whole.
  return { name: 'cache', bytes: bucketCount * bucketBytes, remote: true, wholeWordStrideBytes: slotBytes };
}

export function cacheGeometry(config: ResolvedConfig, plan: MemoryPlan): CacheGeometry {
  const { slotBytes, valueOffset, bucketBytes } = slotGeometry(config);
  return {
    region: regionOf(plan, 'cache'),
    slotsPerBucket: config.slotsPerBucket,
    slotBytes,
    bucketBytes,
    bucketCount: config.cacheSlots / config.slotsPerBucket,
    valueOffset,
  };
}

/** Hands the slot geometry to this thread's kernels. */
export function configureCacheKernels(kernels: Kernels, config: ResolvedConfig, geometry: CacheGeometry): void {
  kernels.configureCache(geometry.slotsPerBucket, geometry.slotBytes, config.keyBytesMax, config.valueBytesMax, geometry.valueOffset);
}
