/**
 * Reading a value from LEED's store: index entry → bucket chain → value record.
 *
 * A client does this without any DPU core: an 8-byte RDMA READ of the index entry in DPU
 * DRAM, then NVMe reads through NVMe-oF target offload (LEED's 2 I/Os for a chain of one).
 * A DPU core does the same with a local index load and its own NVMe commands.
 *
 * What was read is checked before it is believed: every block of the chain must name the
 * bucket asked for and carry one write sequence; the value record must carry the key asked
 * for, all its blocks that record's sequence, and a sequence below the chain's. A mismatch
 * means the index entry (or chain) was read before the data moved and its space was reused
 * — possibly while this read ran — so the read starts over from the index, a bounded number
 * of times. Sequences are never reused on a device, so these checks leave no torn value
 * and no value from a write other than the one the chain names (src/layout/store.ts).
 */
import { Counter } from '../hw/counters.js';
import type { Machine } from '../hw/verbs.js';
import { ProtocolError } from '../errors.js';
import { valueRecordBlocks } from '../config.js';
import { BLOCK_BYTES, VALUE_RECORD_HEADER_BYTES } from '../layout/store.js';
import { KEY_BYTES_OFFSET } from '../layout/key.js';
import { NOT_FOUND, type StoreReader } from './context.js';
import { indexEntryAddress } from './geometry.js';

/** Bound on restarts of a read whose chain or record failed its check. */
export const READ_RESTARTS_MAX = 8;

/** Where a bucket's chain was when someone looked (the artifact's metadata RPC answers it). */
export interface KnownChain {
  readonly block: number;
  readonly chainLength: number;
}

/**
 * Reads the value of the key at `arena.key` into `output`; returns its length, or NOT_FOUND.
 * `context` is a client (offloaded reads) or a DPU-core handler (core reads). With `known`,
 * the first attempt skips the index and reads that chain.
 */
export function* readValue(context: StoreReader, output: number, known?: KnownChain): Machine<number> {
  const { kernels, arena, layout } = context;
  const geometry = layout.store;
  const key = arena.key;
  const bucketId = kernels.storeBucketIdOf(key, geometry.bucketIdBits);
  const device = bucketId % geometry.devices;
  const entryRemote = indexEntryAddress(geometry, bucketId);
  for (let attempt = 0; attempt < READ_RESTARTS_MAX; attempt++) {
    if (attempt > 0) context.counters.add(Counter.offloadedReadRetries);
    let chainLength: number;
    let block: number;
    if (attempt === 0 && known !== undefined) {
      chainLength = known.chainLength;
      block = known.block;
    } else {
      // A DPU core loads the index entry from its DRAM; a client reads it over RDMA.
      let entry = entryRemote;
      const local = arena.indexEntry;
      if (context.core < 0 && local !== undefined) {
        yield context.rdmaRead(geometry.index, entryRemote, local, 8);
        entry = local;
      }
      chainLength = kernels.indexEntryChainLength(entry);
      block = kernels.indexEntryBlock(entry);
    }
    if (chainLength === 0) return NOT_FOUND;
    yield context.nvmeRead(device, block, chainLength, arena.chain);
    if (kernels.chainCheck(arena.chain, chainLength, bucketId) === 0) {
      context.counters.add(Counter.staleChainReads);
      continue;
    }
    const item = kernels.chainFind(arena.chain, chainLength, key);
    if (item < 0) return NOT_FOUND;
    const valueOffset = kernels.itemValueOffset(arena.chain, item);
    const valueLength = kernels.itemValueLength(arena.chain, item);
    const keyLength = kernels.keyLengthOf(key);
    const firstBlock = Math.floor(valueOffset / BLOCK_BYTES);
    const offsetInBlock = valueOffset - firstBlock * BLOCK_BYTES;
    const blocks = valueRecordBlocks(keyLength, valueLength);
    // A record in a block with others fits in it; a longer one starts at a block's start.
    if (blocks === 1 ? offsetInBlock + VALUE_RECORD_HEADER_BYTES + keyLength + valueLength > BLOCK_BYTES : offsetInBlock !== 0) continue;
    yield context.nvmeRead(device, firstBlock, blocks, arena.valueBlocks);
    const record = arena.valueBlocks + offsetInBlock;
    // The record must hold the key, have all its blocks from one write, and be older than
    // the chain: a record with a sequence at or past the chain's was written after the chain
    // was superseded and its space reused (the reader held a stale pointer through a lap of
    // the log), and blocks of two writes mean the read raced that rewrite.
    if (kernels.valueRecordMatches(record, key, valueLength) === 0
      || kernels.valueRecordComplete(record) === 0
      || kernels.valueRecordSequence(record) >= kernels.blockSequence(arena.chain)) {
      context.counters.add(Counter.staleValueReads);
      continue;
    }
    kernels.valueRecordCopyValue(record, output);
    return valueLength;
  }
  throw new ProtocolError(
    `${context.description}: reading bucket ${bucketId} on SSD ${device} failed its checks ${READ_RESTARTS_MAX} times in a row ` +
    `(key ${hexKey(context, key)}); the index keeps pointing at data of another bucket or key`,
  );
}

function hexKey(context: StoreReader, key: number): string {
  const length = context.kernels.keyLengthOf(key);
  const bytes = new Uint8Array(context.kernels.memory.buffer, key + KEY_BYTES_OFFSET, length);
  return Buffer.from(bytes).toString('hex');
}
