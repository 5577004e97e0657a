/**
 * The DPU-core side every system built on LEED's store shares: GET reads the store on the
 * core; SET and DELETE write it (batched per SSD), run the system's commit hook, reply, and
 * then collect garbage if a log runs low.
 */
import type { Machine } from '../hw/verbs.js';
import { RPC_DELETE, RPC_GET, RPC_RESPONSE_VALUE_OFFSET, RPC_SET, RPC_STATUS_NOT_FOUND, RPC_STATUS_OK } from '../layout/rpc.js';
import { readValue } from '../store/read.js';
import { storeDelete, storeMaintain, storeSet } from '../store/write.js';
import { type HandlerContext, NOT_FOUND } from './context.js';
import { type Request, badRequest, readRequest, writeResponse } from './rpc-server.js';

export interface StoreServerOptions {
  /**
   * Take the bucket's lock for a GET, so it never lands between a write's commit and that
   * write's commit hook. The store runs the hook in the same step as the commit (no verb in
   * between, src/store/apply.ts), and a key's GETs and writes run on one core, so Scalio
   * reads unlocked; the cost of locking is a GET queued behind all of a hot bucket's writes.
   */
  readonly lockReads: boolean;
  /** Serves operations the store does not know (the artifact's metadata RPC); returns the response length. */
  readonly other?: (context: HandlerContext, request: Request) => Machine<number>;
}

export function* serveStore(context: HandlerContext, options: StoreServerOptions): Machine<number> {
  const request = readRequest(context);
  if (request.operation === 0) return badRequest(context);
  const { kernels, arena } = context;

  if (request.operation === RPC_GET) {
    const bucketId = kernels.storeBucketIdOf(arena.key, context.layout.store.bucketIdBits);
    if (options.lockReads) yield* context.server.locks.acquire(context, bucketId);
    try {
      const valueLength = yield* readValue(context, arena.response + RPC_RESPONSE_VALUE_OFFSET);
      if (valueLength === NOT_FOUND) return writeResponse(context, RPC_STATUS_NOT_FOUND);
      return writeResponse(context, RPC_STATUS_OK, valueLength);
    } finally {
      if (options.lockReads) context.server.locks.release(bucketId);
    }
  }
  if (request.operation === RPC_SET || request.operation === RPC_DELETE) {
    const status = request.operation === RPC_DELETE
      ? yield* storeDelete(context)
      : yield* storeSet(context, request.value, request.valueLength);
    const length = writeResponse(context, status);
    yield context.respond(length);
    yield* storeMaintain(context);
    return length;
  }
  if (options.other !== undefined) return yield* options.other(context, request);
  return badRequest(context);
}
