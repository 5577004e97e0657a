/**
 * The two designs the Scalio paper shows are wrong (talk: "Counterexamples: naive approaches
 * violate linearizability"), kept so that the checker can be seen to catch them. Both use a
 * cache with only two states, EMPTY and VALID: a reader that misses reads the SSD and then
 * installs what it read, and nothing tells DRAM that a fill is in progress.
 *
 * - naive-cache-first: a SET updates the cache, then the SSD. A reader that read the SSD
 *   before the SET can install the old value after the SET's cache update: the cache keeps
 *   a stale value after the SET is acknowledged.
 * - naive-ssd-first: a SET writes the SSD, then invalidates the key's cache slots. A reader
 *   that read the SSD before the SET can install the old value after the invalidation: the
 *   same stale value, by the other order.
 *
 * Everything else is Scalio's (slot layout, checksums against torn reads, the store).
 */
import type { ResolvedConfig } from '../config.js';
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { SCAN_CODE_SHIFT, SCAN_HIT, SCAN_MISS, SCAN_SLOT_MASK, SCAN_TORN, SLOT_ACCESS_TIME_OFFSET, SLOT_FILL_OFFSET } from '../layout/cache-slot.js';
import { readValue } from '../store/read.js';
import { type ClientContext, NOT_FOUND, type ThreadServices } from './context.js';
import { rpcDelete, rpcGet, rpcSet } from './rpc-client.js';
import { serveStore } from './store-server.js';
import { type CacheGeometry, cacheGeometry, cacheRegionRequest, configureCacheKernels, slotGeometry } from './scalio/cache.js';
import { GET_ATTEMPTS_MAX, scalioClientScratch } from './scalio/client.js';
import { scalioInvalidate } from './scalio/core.js';
import type { SystemDefinition, SystemMachines } from './system.js';

/** Attempts to install a value before giving up (installing is best effort). */
const INSTALL_ATTEMPTS_MAX = 4;

function bucketOf(context: ClientContext, cache: CacheGeometry): number {
  return cache.region.base + context.kernels.cacheBucketOf(context.arena.key, cache.bucketCount) * cache.bucketBytes;
}

/** GET: a hit is served from the cache; a miss reads the SSD, then installs the value. */
function* naiveGet(context: ClientContext, cache: CacheGeometry): Machine<number> {
  const { kernels, arena, counters } = context;
  const { bucket } = scalioClientScratch(cache, arena.system);
  const bucketRemote = bucketOf(context, cache);
  for (let attempt = 0; attempt < GET_ATTEMPTS_MAX; attempt++) {
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    const scan = kernels.cacheScan(bucket, arena.key, arena.operands, 0);
    const outcome = scan >> SCAN_CODE_SHIFT;
    const slot = scan & SCAN_SLOT_MASK;
    if (outcome === SCAN_HIT) {
      counters.add(Counter.cacheHits);
      const valueLength = kernels.slotValueLength(bucket, slot);
      kernels.copyBytes(arena.value, bucket + slot * cache.slotBytes + cache.valueOffset, valueLength);
      kernels.storeU64(arena.word, context.now());
      yield context.rdmaWrite(cache.region, bucketRemote + slot * cache.slotBytes + SLOT_ACCESS_TIME_OFFSET, arena.word, 8, false);
      return valueLength;
    }
    if (outcome === SCAN_TORN) {
      counters.add(Counter.tornReads);
      continue;
    }
    counters.add(Counter.cacheMisses);
    const valueLength = yield* readValue(context, arena.value);
    if (valueLength !== NOT_FOUND) yield* install(context, cache, valueLength);
    return valueLength;
  }
  counters.add(Counter.readFallbacks);
  return yield* rpcGet(context);
}

/**
 * Puts the value at `arena.value` in the cache: into the key's slot if it has one, else a
 * victim; writes the slot, then publishes it with a CAS from the word it saw. No state says
 * the slot is being written, which is the flaw.
 */
function* install(context: ClientContext, cache: CacheGeometry, valueLength: number): Machine<void> {
  const { kernels, arena } = context;
  const { bucket, slotImage } = scalioClientScratch(cache, arena.system);
  const bucketRemote = bucketOf(context, cache);
  for (let attempt = 0; attempt < INSTALL_ATTEMPTS_MAX; attempt++) {
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    const scan = kernels.cacheScan(bucket, arena.key, arena.operands, 0);
    const outcome = scan >> SCAN_CODE_SHIFT;
    if (outcome !== SCAN_HIT && outcome !== SCAN_MISS) continue;
    const slot = scan & SCAN_SLOT_MASK;
    const slotRemote = bucketRemote + slot * cache.slotBytes;
    kernels.stageFill(slotImage, arena.key, arena.value, valueLength, context.now(), arena.operands, context.client, 0);
    kernels.stageCompareFromSlot(arena.operands, bucket, slot);
    yield context.rdmaWrite(cache.region, slotRemote + SLOT_FILL_OFFSET, slotImage + SLOT_FILL_OFFSET, cache.valueOffset + valueLength - SLOT_FILL_OFFSET);
    if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) return;
  }
}

/** Removes the key from the cache (cache-first's DELETE does this before the SSD). */
function* evict(context: ClientContext, cache: CacheGeometry): Machine<void> {
  const { kernels, arena } = context;
  const { bucket } = scalioClientScratch(cache, arena.system);
  const bucketRemote = bucketOf(context, cache);
  for (let attempt = 0; attempt < INSTALL_ATTEMPTS_MAX; attempt++) {
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    const scan = kernels.cacheScan(bucket, arena.key, arena.operands, 0);
    if (scan >> SCAN_CODE_SHIFT !== SCAN_HIT) return;
    const slot = scan & SCAN_SLOT_MASK;
    kernels.stageRelease(arena.operands, arena.key, context.client, 0, 0); // swap: EMPTY
    kernels.stageCompareFromSlot(arena.operands, bucket, slot); // compare: the VALID word seen
    yield context.rdmaCompareSwap(cache.region, bucketRemote + slot * cache.slotBytes, arena.operands);
  }
}

function definition(name: string, description: string, cacheFirst: boolean): SystemDefinition {
  return {
    name,
    description,
    regionRequests: (config: ResolvedConfig) => [cacheRegionRequest(config)],
    clientScratchBytes(config: ResolvedConfig) {
      const { bucketBytes, slotBytes } = slotGeometry(config);
      return Math.ceil(bucketBytes / 64) * 64 + slotBytes;
    },
    handlerScratchBytes: () => 0,
    attach(services: ThreadServices): SystemMachines {
      const { config, plan } = services.layout;
      const cache = cacheGeometry(config, plan);
      configureCacheKernels(services.kernels, config, cache);
      return {
        get: (context) => naiveGet(context, cache),
        set: cacheFirst
          ? function* (context, valueLength) {
            yield* install(context, cache, valueLength);
            yield* rpcSet(context, valueLength);
          }
          : (context, valueLength) => rpcSet(context, valueLength),
        delete: cacheFirst
          ? function* (context) {
            yield* evict(context, cache);
            return yield* rpcDelete(context);
          }
          : (context) => rpcDelete(context),
        handle: (context) => serveStore(context, { lockReads: true }),
        // SSD-first invalidates the key's slots once the SSD write is committed; cache-first
        // changed the cache before the SSD and does nothing after.
        afterCommit: (context, key) => {
          if (!cacheFirst) scalioInvalidate(context, cache, key);
        },
      };
    },
  };
}

export const naiveCacheFirst = definition(
  'naive-cache-first',
  'WRONG on purpose: SET updates the DRAM cache, then the SSD; no filling state',
  true,
);

export const naiveSsdFirst = definition(
  'naive-ssd-first',
  'WRONG on purpose: SET writes the SSD, then invalidates the cache; no filling state',
  false,
);
