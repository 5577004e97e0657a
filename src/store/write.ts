/**
 * Writing a value into LEED's store, on the DPU core that owns the key's SSD (LEED's 3 I/Os
 * for a chain of one): append the value record to the value log, read the bucket chain,
 * append the changed chain to the bucket log, then commit by pointing the DRAM index at it.
 *
 * Until the index entry is stored, readers see the old version in full (logs are only
 * appended to), so a write is all-or-nothing for every reader. `afterCommit` runs right
 * after the commit, still under the bucket's lock, for what a system must do before the
 * write may be acknowledged (Scalio: invalidate the key's cache slots).
 */
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { ProtocolError } from '../errors.js';
import { BLOCK_BYTES, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import { RPC_STATUS_BUCKET_FULL, RPC_STATUS_DEVICE_FULL, RPC_STATUS_OK } from '../layout/rpc.js';
import type { HandlerContext } from '../systems/context.js';
import { StoreStateField, indexEntryAddress } from './geometry.js';

/**
 * Writes `valueLength` bytes at `value` as the value of the key at `arena.key`. Returns an
 * RPC status: OK, or BUCKET_FULL / DEVICE_FULL with nothing committed.
 */
export function* writeValue(context: HandlerContext, value: number, valueLength: number, afterCommit: () => void): Machine<number> {
  const { kernels, arena, layout, server } = context;
  const geometry = layout.store;
  const state = server.storeState;
  const key = arena.key;
  const bucketId = kernels.storeBucketIdOf(key, geometry.bucketIdBits);
  const device = bucketId % geometry.devices;

  // 1. Append the value record to the value log; unbatched, it takes whole blocks.
  const recordBytes = VALUE_RECORD_HEADER_BYTES + kernels.keyLengthOf(key) + valueLength;
  const recordBlocks = Math.ceil(recordBytes / BLOCK_BYTES);
  const valueBlock = state.get(device, StoreStateField.valueLogNextBlock);
  if (valueBlock + recordBlocks > geometry.valueLogStart + geometry.valueLogBlocks) return RPC_STATUS_DEVICE_FULL;
  state.set(device, StoreStateField.valueLogNextBlock, valueBlock + recordBlocks);
  kernels.zeroBytes(arena.valueBlocks, recordBlocks * BLOCK_BYTES);
  kernels.valueRecordWrite(arena.valueBlocks, key, value, valueLength);
  yield context.nvmeWrite(device, valueBlock, recordBlocks, arena.valueBlocks);

  // 2. Read the bucket chain, under the bucket's lock: two interleaved writes of one bucket
  //    would each write a version missing the other's item.
  if (server.locks.isHeld(bucketId)) context.counters.add(Counter.bucketLockWaits);
  yield* server.locks.acquire(context, bucketId);
  try {
    const entry = indexEntryAddress(geometry, bucketId);
    let chainLength = kernels.indexEntryChainLength(entry);
    if (chainLength > 0) {
      yield context.nvmeRead(device, kernels.indexEntryBlock(entry), chainLength, arena.chain);
      if (kernels.chainCheck(arena.chain, chainLength, bucketId) === 0) {
        throw new ProtocolError(`SSD ${device}: the chain of bucket ${bucketId} that the index points at names another bucket`);
      }
    } else {
      chainLength = 1;
      kernels.chainInit(arena.chain, chainLength, bucketId);
    }
    if (kernels.chainUpsert(arena.chain, chainLength, key, valueLength, valueBlock * BLOCK_BYTES) < 0) return RPC_STATUS_BUCKET_FULL;

    // 3. Append the new chain version to the bucket log.
    const chainBlock = state.get(device, StoreStateField.bucketLogNextBlock);
    if (chainBlock + chainLength > geometry.bucketLogStart + geometry.bucketLogBlocks) return RPC_STATUS_DEVICE_FULL;
    state.set(device, StoreStateField.bucketLogNextBlock, chainBlock + chainLength);
    const sequence = state.get(device, StoreStateField.writeSequence) + 1;
    state.set(device, StoreStateField.writeSequence, sequence);
    kernels.chainStamp(arena.chain, chainLength, sequence);
    yield context.nvmeWrite(device, chainBlock, chainLength, arena.chain);

    // 4. Commit: one atomic 8-byte store makes the new version the one readers find.
    kernels.indexEntryWrite(entry, chainBlock, chainLength);
    afterCommit();
    return RPC_STATUS_OK;
  } finally {
    server.locks.release(bucketId);
  }
}
