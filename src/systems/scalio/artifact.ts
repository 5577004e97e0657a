/**
 * Scalio as its published code does it (madsys-dev/scalio-osdi25-ae): a reader that misses
 * asks the key's DPU core, with a metadata RPC, to choose a victim and reserve it (the
 * artifact's (1,0) state, our FILLING) — no client CAS for the reservation — and the core
 * answers where the key's bucket chain is. The reader then reads the SSD through target
 * offload and fills the slot as in the paper's design. A reader that finds the key being
 * filled retries, up to 99 times as the artifact does.
 *
 * Where the artifact counts a GET whose reservation failed as done without reading any
 * data, this variant falls back to an RPC read, so every GET returns a value.
 */
import type { ResolvedConfig } from '../../config.js';
import { Counter } from '../../hw/counters.js';
import type { Machine } from '../../hw/verbs.js';
import {
  SCAN_CODE_SHIFT, SCAN_HIT, SCAN_MISS, SCAN_NO_VICTIM, SCAN_SLOT_MASK, SCAN_TORN, SLOT_ACCESS_TIME_BYTES, SLOT_ACCESS_TIME_OFFSET, SLOT_FILL_OFFSET,
} from '../../layout/cache-slot.js';
import {
  METADATA_BLOCK_OFFSET, METADATA_BYTES, METADATA_CACHED, METADATA_CHAIN_LENGTH_OFFSET, METADATA_NO_VICTIM, METADATA_OUTCOME_OFFSET,
  METADATA_PENDING, METADATA_RESERVED, METADATA_SLOT_OFFSET, RPC_METADATA, RPC_REQUEST_KEY_OFFSET, RPC_REQUEST_OPERATION_OFFSET,
  RPC_REQUEST_VALUE_LENGTH_OFFSET, RPC_REQUEST_VALUE_OFFSET, RPC_RESPONSE_VALUE_OFFSET, RPC_STATUS_OK,
} from '../../layout/rpc.js';
import { KEY_DESCRIPTOR_BYTES } from '../../layout/key.js';
import { readValue } from '../../store/read.js';
import { indexEntryAddress } from '../../store/geometry.js';
import { type ClientContext, type HandlerContext, NOT_FOUND, type ThreadServices } from '../context.js';
import { coreOfKey, rpcDelete, rpcGet, rpcSet } from '../rpc-client.js';
import { type Request, writeResponse } from '../rpc-server.js';
import { serveStore } from '../store-server.js';
import type { SystemDefinition, SystemMachines } from '../system.js';
import { type CacheGeometry, cacheGeometry, cacheRegionRequest, configureCacheKernels, slotGeometry } from './cache.js';
import { BACKOFF_FIRST_NS, BACKOFF_MAX_NS, releaseSlot, scalioClientScratch } from './client.js';
import { scalioInvalidate } from './core.js';

/** The artifact has no leases (its configureCacheLease stays 0): reservations carry epoch 0. */
const ARTIFACT_EPOCH = 0;
/** The artifact retries a key being filled this many times. */
export const ARTIFACT_RETRIES = 99;
/** Times the DPU core retries a reservation whose victim changed under it. */
const RESERVE_ATTEMPTS_MAX = 8;

function* artifactGet(context: ClientContext, cache: CacheGeometry): Machine<number> {
  const { kernels, arena, counters, services } = context;
  const { bucket, slotImage } = scalioClientScratch(cache, arena.system);
  const bucketRemote = cache.region.base + kernels.cacheBucketOf(arena.key, cache.bucketCount) * cache.bucketBytes;
  let backoffNs = BACKOFF_FIRST_NS;
  for (let attempt = 0; attempt < ARTIFACT_RETRIES; attempt++) {
    yield context.rdmaRead(cache.region, bucketRemote, bucket, cache.bucketBytes);
    const scan = kernels.cacheScan(bucket, arena.key, arena.operands, 0);
    const outcome = scan >> SCAN_CODE_SHIFT;
    const slot = scan & SCAN_SLOT_MASK;
    if (outcome === SCAN_HIT) {
      counters.add(Counter.cacheHits);
      const valueLength = kernels.slotValueLength(bucket, slot);
      kernels.copyBytes(arena.value, bucket + slot * cache.slotBytes + cache.valueOffset, valueLength);
      kernels.storeU64(arena.word, context.now());
      yield context.rdmaWrite(cache.region, bucketRemote + slot * cache.slotBytes + SLOT_ACCESS_TIME_OFFSET, arena.word, SLOT_ACCESS_TIME_BYTES, false);
      return valueLength;
    }
    if (outcome === SCAN_TORN) {
      counters.add(Counter.tornReads);
      continue;
    }
    if (outcome !== SCAN_MISS) {
      // The key is being filled, or every slot is: retry, as the artifact does.
      counters.add(Counter.pendingWaits);
      yield context.sleep(backoffNs);
      backoffNs = Math.min(2 * backoffNs, BACKOFF_MAX_NS);
      continue;
    }
    // Miss: the DPU core picks and reserves the victim, and says where the bucket chain is.
    const { view } = services;
    view.setUint8(arena.request + RPC_REQUEST_OPERATION_OFFSET, RPC_METADATA);
    view.setUint16(arena.request + RPC_REQUEST_VALUE_LENGTH_OFFSET, 0, true);
    kernels.copyBytes(arena.request + RPC_REQUEST_KEY_OFFSET, arena.key, KEY_DESCRIPTOR_BYTES);
    yield context.rpc(coreOfKey(context), RPC_REQUEST_VALUE_OFFSET);
    const answer = arena.response + RPC_RESPONSE_VALUE_OFFSET;
    const metadata = view.getUint32(answer + METADATA_OUTCOME_OFFSET, true);
    if (metadata === METADATA_NO_VICTIM) break;
    if (metadata !== METADATA_RESERVED) {
      counters.add(Counter.pendingWaits);
      yield context.sleep(backoffNs);
      backoffNs = Math.min(2 * backoffNs, BACKOFF_MAX_NS);
      continue;
    }
    counters.add(Counter.cacheMisses);
    const reserved = view.getUint32(answer + METADATA_SLOT_OFFSET, true);
    const slotRemote = bucketRemote + reserved * cache.slotBytes;
    const known = { block: view.getFloat64(answer + METADATA_BLOCK_OFFSET, true), chainLength: view.getUint32(answer + METADATA_CHAIN_LENGTH_OFFSET, true) };
    const valueLength = yield* readValue(context, arena.value, known);
    if (valueLength === NOT_FOUND) {
      yield* releaseSlot(context, cache, slotRemote, ARTIFACT_EPOCH, false);
      return NOT_FOUND;
    }
    kernels.stageFill(slotImage, arena.key, arena.value, valueLength, context.now(), arena.operands, context.client, ARTIFACT_EPOCH);
    yield context.rdmaWrite(cache.region, slotRemote + SLOT_FILL_OFFSET, slotImage + SLOT_FILL_OFFSET, cache.valueOffset + valueLength - SLOT_FILL_OFFSET);
    if ((yield context.rdmaCompareSwap(cache.region, slotRemote, arena.operands)) === 1) {
      counters.add(Counter.fillsPublished);
    } else {
      counters.add(Counter.fillsAbandoned);
      yield* releaseSlot(context, cache, slotRemote, ARTIFACT_EPOCH, false);
    }
    return valueLength;
  }
  counters.add(Counter.readFallbacks);
  return yield* rpcGet(context);
}

/**
 * The metadata RPC on the DPU core: scan the key's bucket in DRAM; if the key is cached or
 * being filled, say so; else reserve a victim for the requesting client (a CAS on the core,
 * so two readers of a key never both reserve) and answer with the bucket chain's location.
 * Runs in one step of the core, so no write's commit and invalidation fall inside it.
 */
function* artifactMetadata(context: HandlerContext, _request: Request, cache: CacheGeometry): Machine<number> {
  const { kernels, arena, services } = context;
  const bucketAddress = cache.region.base + kernels.cacheBucketOf(arena.key, cache.bucketCount) * cache.bucketBytes;
  const answer = arena.response + RPC_RESPONSE_VALUE_OFFSET;
  let outcome = METADATA_PENDING;
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS_MAX; attempt++) {
    const scan = kernels.cacheScan(bucketAddress, arena.key, arena.operands, 0);
    const code = scan >> SCAN_CODE_SHIFT;
    if (code === SCAN_HIT) {
      outcome = METADATA_CACHED;
      break;
    }
    if (code === SCAN_NO_VICTIM) {
      outcome = METADATA_NO_VICTIM;
      break;
    }
    // PENDING: the key is being filled; TORN: a slot changed while the core read it.
    if (code !== SCAN_MISS) break;
    const slot = scan & SCAN_SLOT_MASK;
    kernels.stageReserve(arena.operands, arena.key, context.client, ARTIFACT_EPOCH);
    if (kernels.compareAndSwap64(bucketAddress + slot * cache.slotBytes, arena.operands) === 0) continue;
    const entry = indexEntryAddress(context.layout.store, kernels.storeBucketIdOf(arena.key, context.layout.store.bucketIdBits));
    services.view.setUint32(answer + METADATA_SLOT_OFFSET, slot, true);
    services.view.setFloat64(answer + METADATA_BLOCK_OFFSET, kernels.indexEntryBlock(entry), true);
    services.view.setUint32(answer + METADATA_CHAIN_LENGTH_OFFSET, kernels.indexEntryChainLength(entry), true);
    outcome = METADATA_RESERVED;
    break;
  }
  services.view.setUint32(answer + METADATA_OUTCOME_OFFSET, outcome, true);
  return writeResponse(context, RPC_STATUS_OK, METADATA_BYTES);
}

export const scalioArtifact: SystemDefinition = {
  name: 'scalio-artifact',
  description: 'Scalio as the published code does it: the DPU core reserves cache slots while answering a metadata RPC',
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
      get: (context) => artifactGet(context, cache),
      set: (context, valueLength) => rpcSet(context, valueLength),
      delete: (context) => rpcDelete(context),
      handle: (context) => serveStore(context, { lockReads: true, other: (handler, request) => artifactMetadata(handler, request, cache) }),
      afterCommit: (context, key) => scalioInvalidate(context, cache, key),
    };
  },
};
