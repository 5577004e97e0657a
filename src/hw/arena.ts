/**
 * The registered local buffers of the machines that issue verbs: one arena per logical
 * client, and one per in-flight RPC handler on a DPU core. Fixed-size fields come first;
 * the buffers sized by the configuration follow. Built once per run from the config.
 */
import { type ResolvedConfig, valueRecordBlocksMax } from '../config.js';
import { KEY_DESCRIPTOR_BYTES } from '../layout/key.js';
import { RPC_REQUEST_VALUE_OFFSET, RPC_RESPONSE_VALUE_OFFSET } from '../layout/rpc.js';
import { BLOCK_BYTES, CHAIN_BLOCKS_MAX } from '../layout/store.js';
import { ATOMIC_OPERAND_BYTES } from '../layout/verbs.js';
import { LayoutBuilder } from './memory-plan.js';

/** Offsets inside a client's arena. */
export interface ClientArenaLayout {
  readonly bytes: number;
  /** Random generator state (8 bytes): the client's own YCSB stream. */
  readonly random: number;
  /** Operands of the NIC atomics (src/layout/verbs.ts). */
  readonly operands: number;
  /** An 8-byte word to send, such as the access time written on a cache hit. */
  readonly word: number;
  /** An index entry fetched by RDMA READ. */
  readonly indexEntry: number;
  /** The operation's key descriptor (src/layout/key.ts). */
  readonly key: number;
  /** Bumped (i32) when an RPC response has landed: the receive completion. */
  readonly responseSequence: number;
  /** Where RPC responses land (src/layout/rpc.ts). */
  readonly response: number;
  /** Where the client builds an RPC request before sending it. */
  readonly request: number;
  /** The operation's value: the value to write, or the value read. */
  readonly value: number;
  /** A bucket chain read from an SSD (up to CHAIN_BLOCKS_MAX blocks). */
  readonly chain: number;
  /** The blocks holding a value record read from an SSD. */
  readonly valueBlocks: number;
  /** Scratch for the system's own structures (a cache bucket, a slot image). */
  readonly system: number;
}

/** Offsets inside an RPC handler's arena on a DPU core. */
export interface HandlerArenaLayout {
  readonly bytes: number;
  readonly operands: number;
  /** The request's key, checked and re-hashed. */
  readonly key: number;
  /** A scratch key descriptor for the store. */
  readonly scratchKey: number;
  /** The response being built; sent to the client when the handler finishes. */
  readonly response: number;
  /** A chain read from an SSD (up to CHAIN_BLOCKS_MAX blocks). */
  readonly chain: number;
  /** The blocks of a value record read from an SSD. */
  readonly valueBlocks: number;
  /** Where a write (or a batch this handler flushes) lays out its value records. */
  readonly valueStaging: number;
  /** Where a write lays out the chains it appends. */
  readonly bucketStaging: number;
  readonly system: number;
}

/** Blocks of value staging in a handler: a full batch of the largest records. */
export function handlerValueStagingBlocks(config: ResolvedConfig): number {
  return config.setBatch * valueRecordBlocksMax(config) + 1;
}

/** Blocks of bucket staging in a handler: a longest chain grown by one, or a batch of short chains. */
export function handlerBucketStagingBlocks(config: ResolvedConfig): number {
  return CHAIN_BLOCKS_MAX + 1 + 2 * config.setBatch;
}

export function rpcRequestBytes(config: ResolvedConfig): number {
  return RPC_REQUEST_VALUE_OFFSET + config.valueBytesMax;
}

export function rpcResponseBytes(config: ResolvedConfig): number {
  return RPC_RESPONSE_VALUE_OFFSET + config.valueBytesMax;
}

export function clientArenaLayout(config: ResolvedConfig, systemScratchBytes: number): ClientArenaLayout {
  const builder = new LayoutBuilder();
  const layout: ClientArenaLayout = {
    random: builder.field(8),
    operands: builder.field(ATOMIC_OPERAND_BYTES),
    word: builder.field(8),
    indexEntry: builder.field(8),
    key: builder.field(KEY_DESCRIPTOR_BYTES),
    responseSequence: builder.field(8),
    response: builder.field(rpcResponseBytes(config)),
    request: builder.field(rpcRequestBytes(config)),
    value: builder.field(config.valueBytesMax),
    chain: builder.field(CHAIN_BLOCKS_MAX * BLOCK_BYTES, 64),
    valueBlocks: builder.field(valueRecordBlocksMax(config) * BLOCK_BYTES, 64),
    system: builder.field(systemScratchBytes, 64),
    bytes: 0,
  };
  return { ...layout, bytes: builder.size(64) };
}

export function handlerArenaLayout(config: ResolvedConfig, systemScratchBytes: number): HandlerArenaLayout {
  const builder = new LayoutBuilder();
  const layout: HandlerArenaLayout = {
    operands: builder.field(ATOMIC_OPERAND_BYTES),
    key: builder.field(KEY_DESCRIPTOR_BYTES),
    scratchKey: builder.field(KEY_DESCRIPTOR_BYTES),
    response: builder.field(rpcResponseBytes(config)),
    chain: builder.field(CHAIN_BLOCKS_MAX * BLOCK_BYTES, 64),
    valueBlocks: builder.field(valueRecordBlocksMax(config) * BLOCK_BYTES, 64),
    valueStaging: builder.field(handlerValueStagingBlocks(config) * BLOCK_BYTES, 64),
    bucketStaging: builder.field(handlerBucketStagingBlocks(config) * BLOCK_BYTES, 64),
    system: builder.field(systemScratchBytes, 64),
    bytes: 0,
  };
  return { ...layout, bytes: builder.size(64) };
}
