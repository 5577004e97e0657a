/**
 * The DPU-core side of the store's RPCs (src/layout/rpc.ts): parsing a request that sits in
 * the client's request slot in DPU DRAM, and building the response. A request is checked as
 * a server would check input from the network: the key is copied into the handler's own
 * buffer and its hashes recomputed, and lengths beyond the configured limits are refused.
 */
import { KEY_DESCRIPTOR_BYTES, KEY_LENGTH_OFFSET } from '../layout/key.js';
import {
  RPC_DELETE, RPC_GET, RPC_METADATA, RPC_REQUEST_KEY_OFFSET, RPC_REQUEST_OPERATION_OFFSET, RPC_REQUEST_VALUE_LENGTH_OFFSET, RPC_REQUEST_VALUE_OFFSET,
  RPC_RESPONSE_STATUS_OFFSET, RPC_RESPONSE_VALUE_LENGTH_OFFSET, RPC_RESPONSE_VALUE_OFFSET, RPC_SET, RPC_STATUS_BAD_REQUEST,
} from '../layout/rpc.js';
import type { HandlerContext } from './context.js';

export interface Request {
  /** RPC_SET, RPC_GET, RPC_DELETE or RPC_METADATA; 0 if the request was malformed (respond BAD_REQUEST). */
  readonly operation: number;
  readonly valueLength: number;
  /** Address of the request's value in DPU DRAM. */
  readonly value: number;
}

/** Parses the request at `context.requestAddress` and puts its key in `arena.key`. */
export function readRequest(context: HandlerContext): Request {
  const { view } = context.services;
  const { config } = context.layout;
  const request = context.requestAddress;
  const operation = view.getUint8(request + RPC_REQUEST_OPERATION_OFFSET);
  const valueLength = view.getUint16(request + RPC_REQUEST_VALUE_LENGTH_OFFSET, true);
  context.kernels.copyBytes(context.arena.key, request + RPC_REQUEST_KEY_OFFSET, KEY_DESCRIPTOR_BYTES);
  const keyLength = view.getUint8(context.arena.key + KEY_LENGTH_OFFSET);
  const valid = (operation === RPC_SET || operation === RPC_GET || operation === RPC_DELETE || operation === RPC_METADATA)
    && keyLength >= 1 && keyLength <= config.keyBytesMax
    && (operation === RPC_SET ? valueLength <= config.valueBytesMax : valueLength === 0);
  if (!valid) return { operation: 0, valueLength: 0, value: 0 };
  context.kernels.prepareKey(context.arena.key);
  return { operation, valueLength, value: request + RPC_REQUEST_VALUE_OFFSET };
}

/** Writes a response header; returns the response's length. */
export function writeResponse(context: HandlerContext, status: number, valueLength = 0): number {
  const { view } = context.services;
  view.setInt32(context.arena.response + RPC_RESPONSE_STATUS_OFFSET, status, true);
  view.setUint32(context.arena.response + RPC_RESPONSE_VALUE_LENGTH_OFFSET, valueLength, true);
  return RPC_RESPONSE_VALUE_OFFSET + valueLength;
}

export function badRequest(context: HandlerContext): number {
  return writeResponse(context, RPC_STATUS_BAD_REQUEST);
}
