/**
 * Scalio's DPU-core side: the RPCs that reach the Arm cores (src/systems/store-server.ts).
 *
 * SET and DELETE (the paper's write path, with LEED's batching):
 *   1–4. write LEED's store on the key's SSD (batched: up to `setBatch` writes share a value
 *        write and a bucket write) and commit the DRAM index;
 *   5.   invalidate the key's cache slots: VALID → EMPTY, FILLING → FILLING_INVALIDATED,
 *        so no fill that may have read the old value is ever published (`scalioInvalidate`);
 *   6.   reply — only now is the write acknowledged — then collect garbage if a log runs low.
 *
 * GET (the fallback of a client whose bounded GET could not get through the cache): read
 * the store on the core. No bucket lock: the core commits a write and invalidates its slots
 * in one step, so the read never falls between a write's commit and its invalidation (a
 * lock would queue the read behind every write waiting on the bucket).
 */
import { Counter } from '../../hw/counters.js';
import { ProtocolError } from '../../errors.js';
import type { HandlerContext } from '../context.js';
import type { CacheGeometry } from './cache.js';

/** Step 5: a committed write invalidates the key's slots in the cache. */
export function scalioInvalidate(context: HandlerContext, cache: CacheGeometry, key: number): void {
  const kernels = context.kernels;
  const bucketAddress = cache.region.base + kernels.cacheBucketOf(key, cache.bucketCount) * cache.bucketBytes;
  const invalidated = kernels.cacheInvalidate(bucketAddress, key);
  if (invalidated < 0) throw new ProtocolError(`DPU core ${context.server.core}: a cache slot kept changing while it was being invalidated`);
  context.counters.add(Counter.slotsInvalidated, invalidated);
}
