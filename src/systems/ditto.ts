/**
 * LEED + Ditto, the paper's second baseline: Ditto's cache (SOSP'23) in DPU DRAM, reached only
 * by one-sided RDMA, in front of LEED (layout: src/layout/ditto.ts).
 *
 * - GET: READ the key's bucket; for each slot with the key's fingerprint, READ its object and
 *   check it (checksum, key); a hit refreshes the access time (posted WRITE). A miss is a
 *   LEED GET (RPC; the DPU core reads the SSD), then a cache set.
 * - SET: a LEED SET (RPC), then a cache set: write-update, as the paper runs Ditto.
 * - Cache set: WRITE the object to a block of the client's slice of the object pool; READ the
 *   bucket; take the key's slot, else an empty one, else evict by sampling 5 slots and taking
 *   the least recently read; CAS the slot word.
 *
 * Nothing orders a miss's late cache set against a concurrent SET: a reader that read the
 * old value from the SSD can install it after the SET installed the new one. Expect stale
 * reads; the checker finds them (README).
 */
import type { ResolvedConfig } from '../config.js';
import { Counter } from '../hw/counters.js';
import { type MemoryPlan, type RegionPlan, regionOf } from '../hw/memory-plan.js';
import type { Machine } from '../hw/verbs.js';
import {
  DITTO_EVICTION_SAMPLES, DITTO_OBJECT_BLOCK_BYTES, DITTO_OBJECT_KEY_OFFSET, DITTO_SLOT_ACCESS_TIME_OFFSET, DITTO_SLOT_BYTES,
} from '../layout/ditto.js';
import { type ClientContext, NOT_FOUND, type ThreadServices } from './context.js';
import { rpcDelete, rpcGet, rpcSet } from './rpc-client.js';
import { serveStore } from './store-server.js';
import type { SystemDefinition, SystemMachines } from './system.js';

/** Times a cache set retries a CAS that lost a race before giving up (a cache set is best effort). */
const CACHE_SET_ATTEMPTS_MAX = 8;
/** Object blocks in the pool per cache slot: room for objects not yet reused by their client. */
const OBJECTS_PER_SLOT = 1.5;

interface DittoGeometry {
  readonly table: RegionPlan;
  readonly pool: RegionPlan;
  readonly bucketCount: number;
  readonly bucketBytes: number;
  readonly objectBytes: number;
  readonly objectValueOffset: number;
  readonly objectsPerClient: number;
}

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

function objectLayout(config: ResolvedConfig): { objectBytes: number; valueOffset: number } {
  const valueOffset = DITTO_OBJECT_KEY_OFFSET + align8(config.keyBytesMax);
  const objectBytes = Math.ceil((valueOffset + config.valueBytesMax) / DITTO_OBJECT_BLOCK_BYTES) * DITTO_OBJECT_BLOCK_BYTES;
  return { objectBytes, valueOffset };
}

function objectsPerClient(config: ResolvedConfig): number {
  return Math.max(8, Math.ceil((config.cacheSlots * OBJECTS_PER_SLOT) / config.clients));
}

function geometry(config: ResolvedConfig, plan: MemoryPlan): DittoGeometry {
  const { objectBytes, valueOffset } = objectLayout(config);
  return {
    table: regionOf(plan, 'dittoTable'),
    pool: regionOf(plan, 'dittoObjects'),
    bucketCount: config.cacheSlots / config.slotsPerBucket,
    bucketBytes: config.slotsPerBucket * DITTO_SLOT_BYTES,
    objectBytes,
    objectValueOffset: valueOffset,
    objectsPerClient: objectsPerClient(config),
  };
}

/** A client's scratch: a copy of a bucket, an object read, an object to write, its next object index. */
function scratch(ditto: DittoGeometry, base: number) {
  const object = base + Math.ceil(ditto.bucketBytes / 64) * 64;
  return { bucket: base, object, newObject: object + ditto.objectBytes, nextObject: object + 2 * ditto.objectBytes };
}

function bucketRemoteOf(context: ClientContext, ditto: DittoGeometry): number {
  return ditto.table.base + context.kernels.cacheBucketOf(context.arena.key, ditto.bucketCount) * ditto.bucketBytes;
}

/**
 * Finds the key's slot in a fresh copy of its bucket: returns the slot whose object holds
 * the key (the value's length is left in `found.valueLength`), or -1.
 */
function* findSlot(context: ClientContext, ditto: DittoGeometry, found: { valueLength: number }): Machine<number> {
  const { kernels, arena } = context;
  const { bucket, object } = scratch(ditto, arena.system);
  for (let slot = kernels.dittoFindSlot(bucket, arena.key, 0); slot >= 0; slot = kernels.dittoFindSlot(bucket, arena.key, slot + 1)) {
    const pointer = kernels.dittoSlotPointer(bucket, slot);
    const bytes = Math.min(kernels.dittoSlotObjectBytes(bucket, slot), ditto.objectBytes);
    if (bytes < ditto.objectValueOffset || pointer < ditto.pool.base || pointer + bytes > ditto.pool.base + ditto.pool.bytes) continue;
    yield context.rdmaRead(ditto.pool, pointer, object, bytes);
    const valueLength = kernels.dittoObjectMatches(object, arena.key, bytes);
    if (valueLength >= 0) {
      found.valueLength = valueLength;
      return slot;
    }
  }
  return -1;
}

function* dittoGet(context: ClientContext, ditto: DittoGeometry): Machine<number> {
  const { kernels, arena, counters } = context;
  const { bucket, object } = scratch(ditto, arena.system);
  const bucketRemote = bucketRemoteOf(context, ditto);
  yield context.rdmaRead(ditto.table, bucketRemote, bucket, ditto.bucketBytes);
  const found = { valueLength: 0 };
  const slot = yield* findSlot(context, ditto, found);
  if (slot >= 0) {
    counters.add(Counter.cacheHits);
    kernels.copyBytes(arena.value, object + ditto.objectValueOffset, found.valueLength);
    kernels.storeU64(arena.word, context.now());
    yield context.rdmaWrite(ditto.table, bucketRemote + slot * DITTO_SLOT_BYTES + DITTO_SLOT_ACCESS_TIME_OFFSET, arena.word, 8, false);
    return found.valueLength;
  }
  counters.add(Counter.cacheMisses);
  const valueLength = yield* rpcGet(context);
  if (valueLength !== NOT_FOUND) yield* cacheSet(context, ditto, valueLength);
  return valueLength;
}

/** Ditto's SET of the value at `arena.value` into the cache (best effort). */
function* cacheSet(context: ClientContext, ditto: DittoGeometry, valueLength: number): Machine<void> {
  const { kernels, arena, services } = context;
  const { bucket, newObject, nextObject } = scratch(ditto, arena.system);
  // The object goes to the next block of this client's slice of the pool, round robin.
  const index = services.view.getUint32(nextObject, true);
  services.view.setUint32(nextObject, (index + 1) % ditto.objectsPerClient, true);
  const pointer = ditto.pool.base + (context.client * ditto.objectsPerClient + index) * ditto.objectBytes;
  const objectBytes = kernels.dittoObjectWrite(newObject, arena.key, arena.value, valueLength);
  yield context.rdmaWrite(ditto.pool, pointer, newObject, Math.ceil(objectBytes / 8) * 8);
  const bucketRemote = bucketRemoteOf(context, ditto);
  const found = { valueLength: 0 };
  for (let attempt = 0; attempt < CACHE_SET_ATTEMPTS_MAX; attempt++) {
    yield context.rdmaRead(ditto.table, bucketRemote, bucket, ditto.bucketBytes);
    let slot = yield* findSlot(context, ditto, found);
    if (slot < 0) slot = kernels.dittoFreeSlot(bucket);
    if (slot < 0) slot = kernels.dittoSampleVictim(bucket, arena.random, DITTO_EVICTION_SAMPLES);
    kernels.dittoStageCompare(arena.operands, bucket, slot);
    kernels.dittoStageWord(arena.operands, arena.key, pointer, objectBytes);
    const slotRemote = bucketRemote + slot * DITTO_SLOT_BYTES;
    if ((yield context.rdmaCompareSwap(ditto.table, slotRemote, arena.operands)) === 1) {
      kernels.storeU64(arena.word, context.now());
      yield context.rdmaWrite(ditto.table, slotRemote + DITTO_SLOT_ACCESS_TIME_OFFSET, arena.word, 8, false);
      return;
    }
  }
}

/** Removes the key from the cache after a DELETE. */
function* cacheRemove(context: ClientContext, ditto: DittoGeometry): Machine<void> {
  const { kernels, arena } = context;
  const { bucket } = scratch(ditto, arena.system);
  const bucketRemote = bucketRemoteOf(context, ditto);
  const found = { valueLength: 0 };
  for (let attempt = 0; attempt < CACHE_SET_ATTEMPTS_MAX; attempt++) {
    yield context.rdmaRead(ditto.table, bucketRemote, bucket, ditto.bucketBytes);
    const slot = yield* findSlot(context, ditto, found);
    if (slot < 0) return;
    kernels.dittoStageCompare(arena.operands, bucket, slot);
    kernels.dittoStageEmpty(arena.operands);
    if ((yield context.rdmaCompareSwap(ditto.table, bucketRemote + slot * DITTO_SLOT_BYTES, arena.operands)) === 1) return;
  }
}

export const leedDitto: SystemDefinition = {
  name: 'leed+ditto',
  description: 'LEED with a Ditto cache (SOSP\'23) in DPU DRAM: one-sided reads, sampled LRU, write-update',
  defaults: { setBatch: 1 },
  regionRequests(config: ResolvedConfig) {
    const bucketCount = config.cacheSlots / config.slotsPerBucket;
    return [
      { name: 'dittoTable', bytes: bucketCount * config.slotsPerBucket * DITTO_SLOT_BYTES, remote: true },
      { name: 'dittoObjects', bytes: config.clients * objectsPerClient(config) * objectLayout(config).objectBytes, remote: true },
    ];
  },
  clientScratchBytes(config: ResolvedConfig) {
    return Math.ceil((config.slotsPerBucket * DITTO_SLOT_BYTES) / 64) * 64 + 2 * objectLayout(config).objectBytes + 8;
  },
  handlerScratchBytes: () => 0,
  attach(services: ThreadServices): SystemMachines {
    const { config, plan } = services.layout;
    const ditto = geometry(config, plan);
    services.kernels.configureDitto(config.slotsPerBucket, config.keyBytesMax, ditto.objectValueOffset);
    return {
      get: (context) => dittoGet(context, ditto),
      set: function* (context, valueLength) {
        yield* rpcSet(context, valueLength);
        yield* cacheSet(context, ditto, valueLength);
      },
      delete: function* (context) {
        const existed = yield* rpcDelete(context);
        yield* cacheRemove(context, ditto);
        return existed;
      },
      handle: (context) => serveStore(context, { lockReads: false }),
      afterCommit: () => {},
    };
  },
};
