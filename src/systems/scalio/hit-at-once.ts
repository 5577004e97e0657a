/**
 * Scalio's GET hit (client.ts, step 1) in one kernel call, for an engine whose verbs take
 * effect at once (SystemMachines.getAtOnce; the live engine). The simulator never uses it:
 * it times the READ and the posted WRITE as verbs.
 *
 * Run at once, step 1 of a hit is: an RDMA READ of the bucket, the scan, the value copied
 * out, a posted WRITE of the access time. `cacheHitAtOnce` (assembly/fast-path.ts) runs the
 * same kernels in one call, without the trips through the machine, the engine and the
 * hardware's checks (the addresses are the cache's own), and the counters below count what
 * the verbs and the machine would have. Anything but a hit — a miss, a pending or torn slot —
 * is left to the GET machine, which starts from its first READ as if this had not run.
 */
import { Counter } from '../../hw/counters.js';
import { SLOT_ACCESS_TIME_BYTES } from '../../layout/cache-slot.js';
import { type ClientContext } from '../context.js';
import { GET_NEEDS_MACHINE } from '../system.js';
import type { CacheGeometry } from './cache.js';
import { scalioBucketScratch } from './client.js';

export function scalioGetAtOnce(cache: CacheGeometry): (context: ClientContext) => number {
  const regionBase = cache.region.base;
  const bucketBytes = cache.bucketBytes;
  return (context) => {
    const { kernels, arena, counters } = context;
    const bucketRemote = regionBase + kernels.cacheBucketOf(arena.key, cache.bucketCount) * bucketBytes;
    const valueLength = kernels.cacheHitAtOnce(
      bucketRemote, scalioBucketScratch(arena.system), bucketBytes, regionBase, arena.key, arena.operands, arena.value, arena.word, context.now(),
    );
    if (valueLength < 0) return GET_NEEDS_MACHINE;
    counters.add(Counter.rdmaReads);
    counters.add(Counter.rdmaReadBytes, bucketBytes);
    counters.add(Counter.cacheHits);
    counters.add(Counter.rdmaWrites);
    counters.add(Counter.rdmaWriteBytes, SLOT_ACCESS_TIME_BYTES);
    return valueLength;
  };
}
