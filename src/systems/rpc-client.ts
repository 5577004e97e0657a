/**
 * The client side of the store's RPCs (src/layout/rpc.ts), shared by every system whose
 * writes (or reads) go through DPU cores. The RPC goes to the core that owns the key's SSD.
 */
import { StoreFullError, ProtocolError } from '../errors.js';
import type { Machine } from '../hw/verbs.js';
import { KEY_DESCRIPTOR_BYTES } from '../layout/key.js';
import {
  RPC_GET, RPC_REQUEST_KEY_OFFSET, RPC_REQUEST_OPERATION_OFFSET, RPC_REQUEST_VALUE_LENGTH_OFFSET, RPC_REQUEST_VALUE_OFFSET,
  RPC_RESPONSE_STATUS_OFFSET, RPC_RESPONSE_VALUE_LENGTH_OFFSET, RPC_RESPONSE_VALUE_OFFSET, RPC_SET, RPC_STATUS_BAD_REQUEST,
  RPC_DELETE, RPC_STATUS_CHAIN_FULL, RPC_STATUS_DEVICE_FULL, RPC_STATUS_NOT_FOUND, RPC_STATUS_OK,
} from '../layout/rpc.js';
import { type ClientContext, NOT_FOUND } from './context.js';

/** The SSD and DPU core a key's RPCs go to. */
export function deviceOfKey(context: ClientContext): number {
  const geometry = context.layout.store;
  return context.kernels.storeBucketIdOf(context.arena.key, geometry.bucketIdBits) % geometry.devices;
}

export function coreOfKey(context: ClientContext): number {
  return deviceOfKey(context) % context.layout.config.dpuCores;
}

function writeRequestHeader(context: ClientContext, operation: number, valueLength: number): void {
  const { view } = context.services;
  const request = context.arena.request;
  view.setUint8(request + RPC_REQUEST_OPERATION_OFFSET, operation);
  view.setUint16(request + RPC_REQUEST_VALUE_LENGTH_OFFSET, valueLength, true);
  context.kernels.copyBytes(request + RPC_REQUEST_KEY_OFFSET, context.arena.key, KEY_DESCRIPTOR_BYTES);
}

function responseStatus(context: ClientContext): number {
  return context.services.view.getInt32(context.arena.response + RPC_RESPONSE_STATUS_OFFSET, true);
}

/** Turns a write's failure status into the error the user sees. */
export function raiseWriteStatus(context: ClientContext, status: number): void {
  if (status === RPC_STATUS_OK) return;
  const device = deviceOfKey(context);
  if (status === RPC_STATUS_CHAIN_FULL) {
    throw new StoreFullError(`SET refused: its bucket on SSD ${device} holds a full chain of 127 blocks; nothing was written. Raise bucketIdBits.`);
  }
  if (status === RPC_STATUS_DEVICE_FULL) {
    throw new StoreFullError(
      `SET refused: SSD ${device} is full — garbage collection found no free space, its logs hold live data; nothing was written, ` +
      'and everything acknowledged is kept. Give the logs more room (valueLogOverProvision and bucketLogOverProvision; ' +
      '--over-provision on the command line) or use more SSDs (--ssds).',
    );
  }
  if (status === RPC_STATUS_BAD_REQUEST) throw new ProtocolError(`${context.description}: the DPU core refused a malformed request`);
  throw new ProtocolError(`${context.description}: the DPU core answered a write with status ${status}`);
}

/** SET by RPC: returns once the DPU core acknowledged it. */
export function* rpcSet(context: ClientContext, valueLength: number): Machine<void> {
  writeRequestHeader(context, RPC_SET, valueLength);
  context.kernels.copyBytes(context.arena.request + RPC_REQUEST_VALUE_OFFSET, context.arena.value, valueLength);
  yield context.rpc(coreOfKey(context), RPC_REQUEST_VALUE_OFFSET + valueLength);
  raiseWriteStatus(context, responseStatus(context));
}

/** DELETE by RPC: true if the key existed. */
export function* rpcDelete(context: ClientContext): Machine<boolean> {
  writeRequestHeader(context, RPC_DELETE, 0);
  yield context.rpc(coreOfKey(context), RPC_REQUEST_VALUE_OFFSET);
  const status = responseStatus(context);
  if (status === RPC_STATUS_NOT_FOUND) return false;
  raiseWriteStatus(context, status);
  return true;
}

/** GET by RPC: the DPU core reads the store; the value lands in `arena.value`. */
export function* rpcGet(context: ClientContext): Machine<number> {
  writeRequestHeader(context, RPC_GET, 0);
  yield context.rpc(coreOfKey(context), RPC_REQUEST_VALUE_OFFSET);
  const status = responseStatus(context);
  if (status === RPC_STATUS_NOT_FOUND) return NOT_FOUND;
  if (status !== RPC_STATUS_OK) throw new ProtocolError(`${context.description}: the DPU core answered a read with status ${status}`);
  const valueLength = context.services.view.getUint32(context.arena.response + RPC_RESPONSE_VALUE_LENGTH_OFFSET, true);
  context.kernels.copyBytes(context.arena.value, context.arena.response + RPC_RESPONSE_VALUE_OFFSET, valueLength);
  return valueLength;
}
