/**
 * Scalio's DPU-core side: the RPCs that reach the Arm cores.
 *
 * SET (the paper's write path; batching arrives with the complete store):
 *   1–4. write the value into LEED's store on the key's SSD and commit the DRAM index;
 *   5.   invalidate the key's cache slots: VALID → EMPTY, FILLING → FILLING_INVALIDATED,
 *        so no fill that may have read the old value is ever published;
 *   6.   reply — only now is the write acknowledged.
 *
 * GET (the fallback of a client whose bounded GET could not get through the cache): read
 * the store on the core, under the bucket's lock, so that the read never falls between a
 * write's commit and its invalidation.
 */
import { Counter } from '../../hw/counters.js';
import type { Machine } from '../../hw/verbs.js';
import { ProtocolError } from '../../errors.js';
import { RPC_GET, RPC_RESPONSE_VALUE_OFFSET, RPC_STATUS_NOT_FOUND, RPC_STATUS_OK } from '../../layout/rpc.js';
import { readValue } from '../../store/read.js';
import { writeValue } from '../../store/write.js';
import { type HandlerContext, NOT_FOUND } from '../context.js';
import { badRequest, readRequest, writeResponse } from '../rpc-server.js';
import type { CacheGeometry } from './cache.js';

export function* scalioHandle(context: HandlerContext, cache: CacheGeometry): Machine<number> {
  const request = readRequest(context);
  if (request.operation === 0) return badRequest(context);
  const { kernels, arena } = context;
  const bucketAddress = cache.region.base + kernels.cacheBucketOf(arena.key, cache.bucketCount) * cache.bucketBytes;

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

  const status = yield* writeValue(context, request.value, request.valueLength, () => {
    const invalidated = kernels.cacheInvalidate(bucketAddress, arena.key);
    if (invalidated < 0) {
      throw new ProtocolError(`DPU core ${context.server.core}: a cache slot kept changing while it was being invalidated`);
    }
    context.counters.add(Counter.slotsInvalidated, invalidated);
  });
  return writeResponse(context, status);
}
