/**
 * Scalio's DPU-core side: the RPCs that reach the Arm cores.
 *
 * SET and DELETE (the paper's write path, with LEED's batching):
 *   1–4. write LEED's store on the key's SSD (batched: up to `setBatch` writes share a value
 *        write and a bucket write) and commit the DRAM index;
 *   5.   invalidate the key's cache slots: VALID → EMPTY, FILLING → FILLING_INVALIDATED,
 *        so no fill that may have read the old value is ever published (`afterCommit`);
 *   6.   reply — only now is the write acknowledged — then collect garbage if a log runs low.
 *
 * GET (the fallback of a client whose bounded GET could not get through the cache): read
 * the store on the core, under the bucket's lock, so that the read never falls between a
 * write's commit and its invalidation.
 */
import { Counter } from '../../hw/counters.js';
import type { Machine } from '../../hw/verbs.js';
import { ProtocolError } from '../../errors.js';
import { RPC_DELETE, RPC_GET, RPC_RESPONSE_VALUE_OFFSET, RPC_STATUS_NOT_FOUND, RPC_STATUS_OK } from '../../layout/rpc.js';
import { readValue } from '../../store/read.js';
import { storeDelete, storeMaintain, storeSet } from '../../store/write.js';
import { type HandlerContext, NOT_FOUND } from '../context.js';
import { badRequest, readRequest, writeResponse } from '../rpc-server.js';
import type { CacheGeometry } from './cache.js';

export function* scalioHandle(context: HandlerContext): Machine<number> {
  const request = readRequest(context);
  if (request.operation === 0) return badRequest(context);
  const { kernels, arena } = context;

  if (request.operation === RPC_GET) {
    const bucketId = kernels.storeBucketIdOf(arena.key, context.layout.store.bucketIdBits);
    yield* context.server.locks.acquire(context, bucketId);
    try {
      const valueLength = yield* readValue(context, arena.response + RPC_RESPONSE_VALUE_OFFSET);
      if (valueLength === NOT_FOUND) return writeResponse(context, RPC_STATUS_NOT_FOUND);
      return writeResponse(context, RPC_STATUS_OK, valueLength);
    } finally {
      context.server.locks.release(bucketId);
    }
  }

  const status = request.operation === RPC_DELETE
    ? yield* storeDelete(context)
    : yield* storeSet(context, request.value, request.valueLength);
  const length = writeResponse(context, status);
  yield context.respond(length);
  yield* storeMaintain(context);
  return length;
}

/** Step 5: a committed write invalidates the key's slots in the cache. */
export function scalioInvalidate(context: HandlerContext, cache: CacheGeometry, key: number): void {
  const kernels = context.kernels;
  const bucketAddress = cache.region.base + kernels.cacheBucketOf(key, cache.bucketCount) * cache.bucketBytes;
  const invalidated = kernels.cacheInvalidate(bucketAddress, key);
  if (invalidated < 0) throw new ProtocolError(`DPU core ${context.server.core}: a cache slot kept changing while it was being invalidated`);
  context.counters.add(Counter.slotsInvalidated, invalidated);
}
