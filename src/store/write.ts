/**
 * The store's entry points for a DPU core's RPC handler: SET and DELETE of the key at
 * `arena.key` (through the owning device's batcher), and the housekeeping a handler does
 * after it has replied (garbage collection when a log runs low).
 */
import { handlerBucketStagingBlocks, handlerValueStagingBlocks } from '../hw/arena.js';
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { RPC_STATUS_OK } from '../layout/rpc.js';
import type { StoreContext } from './context.js';
import { type ApplyScratch, EntryKind, makeEntry } from './apply.js';
import type { DeviceStore } from './device.js';

function scratchOf(context: StoreContext): ApplyScratch {
  const config = context.layout.config;
  return {
    key: context.arena.scratchKey,
    valueStaging: context.arena.valueStaging,
    valueStagingBlocks: handlerValueStagingBlocks(config),
    bucketStaging: context.arena.bucketStaging,
    bucketStagingBlocks: handlerBucketStagingBlocks(config),
  };
}

/** The bucket id and the store of the key at `arena.key`, which this core must own. */
function placement(context: StoreContext): { bucketId: number; store: DeviceStore } {
  const geometry = context.layout.store;
  const bucketId = context.kernels.storeBucketIdOf(context.arena.key, geometry.bucketIdBits);
  const device = bucketId % geometry.devices;
  const store = context.server.devices.get(device);
  if (store === undefined) throw new Error(`DPU core ${context.server.core} got a write for SSD ${device}, which it does not own`);
  return { bucketId, store };
}

/** SET: returns the RPC status once the write is on the SSD, committed and its commit hook run. */
export function* storeSet(context: StoreContext, value: number, valueLength: number): Machine<number> {
  const { bucketId, store } = placement(context);
  const entry = makeEntry(EntryKind.set, context.arena.key, value, valueLength, bucketId);
  yield* store.batcher.submit(context, entry, scratchOf(context));
  if (entry.status === RPC_STATUS_OK) context.counters.add(Counter.userBytesWritten, context.kernels.keyLengthOf(context.arena.key) + valueLength);
  return entry.status;
}

/** DELETE: OK, or NOT_FOUND if the key was absent. */
export function* storeDelete(context: StoreContext): Machine<number> {
  const { bucketId, store } = placement(context);
  const entry = makeEntry(EntryKind.delete, context.arena.key, 0, 0, bucketId);
  yield* store.batcher.submit(context, entry, scratchOf(context));
  return entry.status;
}

/** After replying: collects garbage on this core's devices whose logs run low. */
export function* storeMaintain(context: StoreContext): Machine<void> {
  for (const store of context.server.devices.values()) {
    if (store.wantsCollection()) yield* store.collectGarbage(context);
  }
}
