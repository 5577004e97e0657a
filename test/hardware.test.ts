import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachThread, buildCluster, type Cluster, type ThreadNode } from '../src/engine/cluster.js';
import { NvmeError, RemoteAccessError } from '../src/errors.js';
import { Counter, DeviceCounter } from '../src/hw/counters.js';
import type { RegionPlan } from '../src/hw/memory-plan.js';
import { ClientContext, HandlerContext } from '../src/systems/context.js';
import { RPC_REQUEST_KEY_OFFSET, RPC_REQUEST_OPERATION_OFFSET, RPC_REQUEST_VALUE_LENGTH_OFFSET, RPC_RESPONSE_STATUS_OFFSET, RPC_SET, RPC_STATUS_BAD_REQUEST } from '../src/layout/rpc.js';
import { KEY_DESCRIPTOR_BYTES } from '../src/layout/key.js';

let cluster: Cluster;
let node: ThreadNode;
let client: ClientContext;
let cache: RegionPlan;

beforeAll(() => {
  cluster = buildCluster({ records: 1000, clients: 4 }, 'scalio');
  node = attachThread(cluster.spec, () => 0);
  client = new ClientContext(0, node.services);
  cache = cluster.spec.layout.plan.regions.cache;
});
afterAll(() => undefined);

describe('RDMA verbs stay inside registered regions', () => {
  it('read, write and CAS inside the cache region work', () => {
    expect(node.hardware.execute(client, client.rdmaRead(cache, cache.base, client.arena.system, 64))).toBe(0);
    expect(node.hardware.execute(client, client.rdmaWrite(cache, cache.base + 8, client.arena.word, 8))).toBe(0);
    expect(node.hardware.execute(client, client.rdmaCompareSwap(cache, cache.base + 64, client.arena.operands))).toBe(1);
  });

  it('a READ of the cache moves its bytes exactly, from any offset (state words whole, the rest in bulk)', () => {
    expect(cache.wholeWordStrideBytes).toBeGreaterThan(0);
    const bytes = node.services.bytes;
    const stride = cache.wholeWordStrideBytes;
    for (let index = 0; index < 3 * stride; index++) bytes[cache.base + index] = (index * 37 + 11) & 0xff;
    // From the middle of a slot, across two state words, to the middle of the third slot.
    const from = cache.base + 24;
    const length = 2 * stride + 16;
    bytes.fill(0, client.arena.system, client.arena.system + length);
    node.hardware.execute(client, client.rdmaRead(cache, from, client.arena.system, length));
    expect(bytes.slice(client.arena.system, client.arena.system + length)).toEqual(bytes.slice(from, from + length));
    bytes.fill(0, cache.base, cache.base + 3 * stride);
  });

  it('a READ running past the end of the region fails like an RDMA remote access error', () => {
    const end = cache.base + cache.bytes;
    expect(() => node.hardware.execute(client, client.rdmaRead(cache, end - 32, client.arena.system, 64)))
      .toThrowError(new RegExp(`outside region "cache".*remote access error`));
  });

  it('a WRITE outside the region fails and changes nothing there', () => {
    const target = cache.base + cache.bytes; // the first byte past the cache
    const before = node.services.bytes.slice(target - 8, target + 8);
    node.services.bytes.fill(0xee, client.arena.word, client.arena.word + 16);
    expect(() => node.hardware.execute(client, client.rdmaWrite(cache, target - 8, client.arena.word, 16))).toThrow(RemoteAccessError);
    expect(node.services.bytes.slice(target - 8, target + 8)).toEqual(before);
  });

  it('a verb with a key no region is registered under fails', () => {
    const unregistered = { name: 'nowhere', base: cache.base, bytes: 64, remoteKey: 99, wholeWordStrideBytes: 0, outsideDpu: false };
    expect(() => node.hardware.execute(client, client.rdmaRead(unregistered, cache.base, client.arena.system, 8)))
      .toThrowError(/no region is registered with that key/);
    const notRemote = cluster.spec.layout.plan.regions.storeState;
    expect(notRemote.remoteKey).toBe(0);
    expect(() => node.hardware.execute(client, client.rdmaRead(notRemote, notRemote.base, client.arena.system, 8))).toThrow(RemoteAccessError);
  });

  it('a key of one region cannot reach another region', () => {
    const index = cluster.spec.layout.plan.regions.storeIndex;
    expect(() => node.hardware.execute(client, client.rdmaRead(cache, index.base, client.arena.system, 8))).toThrow(RemoteAccessError);
  });

  it('atomics need an 8-byte aligned target', () => {
    expect(() => node.hardware.execute(client, client.rdmaCompareSwap(cache, cache.base + 4, client.arena.operands)))
      .toThrowError(/8-byte aligned/);
  });

  it('the local side must be inside the issuer\'s registered buffer', () => {
    const otherClient = new ClientContext(1, node.services);
    expect(() => node.hardware.execute(client, client.rdmaRead(cache, cache.base, otherClient.arena.system, 64)))
      .toThrowError(/local protection error/);
  });
});

describe('NVMe commands', () => {
  it('refuse blocks past the end of the device and devices that do not exist', () => {
    const blocks = cluster.spec.layout.store.blocksPerDevice;
    expect(() => node.hardware.execute(client, client.nvmeRead(0, blocks - 1, 2, client.arena.chain))).toThrowError(/LBA out of range/);
    expect(() => node.hardware.execute(client, client.nvmeRead(9, 0, 1, client.arena.chain))).toThrow(NvmeError);
    expect(() => node.hardware.execute(client, client.nvmeRead(0, -1, 1, client.arena.chain))).toThrow(NvmeError);
  });

  it('count a client\'s reads as offloaded and refuse a client\'s writes', () => {
    const before = node.counters.get(Counter.nvmeReadsOffloaded);
    node.hardware.execute(client, client.nvmeRead(1, 1, 1, client.arena.chain));
    expect(node.counters.get(Counter.nvmeReadsOffloaded)).toBe(before + 1);
    expect(node.counters.getDevice(1, DeviceCounter.readsOffloaded)).toBeGreaterThan(0);
    expect(() => node.hardware.execute(client, client.nvmeWrite(1, 1, 1, client.arena.chain))).toThrowError(/only DPU cores write SSDs/);
  });
});

describe('a DPU core checks requests as input from the network', () => {
  it('refuses a SET whose value exceeds the configured limit, writing nothing', () => {
    const handler = new HandlerContext(node.coreServer(0), 0, node.services);
    const request = node.transport.requestSlot(0);
    const { view, kernels } = node.services;
    kernels.ycsbKey(5, client.arena.key);
    kernels.copyBytes(request + RPC_REQUEST_KEY_OFFSET, client.arena.key, KEY_DESCRIPTOR_BYTES);
    view.setUint8(request + RPC_REQUEST_OPERATION_OFFSET, RPC_SET);
    view.setUint16(request + RPC_REQUEST_VALUE_LENGTH_OFFSET, cluster.spec.layout.config.valueBytesMax + 1, true);
    handler.client = 0;
    handler.requestAddress = request;
    const writesBefore = node.counters.get(Counter.nvmeWritesByCore);
    const machine = node.machines.handle(handler);
    const step = machine.next(0);
    expect(step.done).toBe(true);
    expect(view.getInt32(handler.arena.response + RPC_RESPONSE_STATUS_OFFSET, true)).toBe(RPC_STATUS_BAD_REQUEST);
    expect(node.counters.get(Counter.nvmeWritesByCore)).toBe(writesBefore);
  });
});
