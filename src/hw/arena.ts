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
  readonly key: number;
  /** The response being built; sent to the client when the handler finishes. */
  readonly response: number;
  readonly chain: number;
  readonly valueBlocks: number;
  readonly system: number;
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
    response: builder.field(rpcResponseBytes(config)),
    chain: builder.field(CHAIN_BLOCKS_MAX * BLOCK_BYTES, 64),
    valueBlocks: builder.field(valueRecordBlocksMax(config) * BLOCK_BYTES, 64),
    system: builder.field(systemScratchBytes, 64),
    bytes: 0,
  };
  return { ...layout, bytes: builder.size(64) };
}
