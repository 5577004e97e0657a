/**
 * Two-sided RPC between clients and DPU cores, over DPU DRAM (layout: src/layout/rpc.ts).
 *
 * A SEND lands in the client's request slot in DPU DRAM and its completion (the client's
 * id) is posted on the addressed core's ring; the core polls its ring. A response is copied
 * into the client's response area and completed by bumping its response sequence word.
 *
 * The rings are bounded multi-producer, single-consumer queues (Vyukov): producers claim a
 * position with a CAS on the tail and publish the cell with its sequence number. Capacity
 * is at least the number of clients and a client has one RPC in flight, so a ring is never
 * full; a full ring would mean a broken invariant and is reported as such.
 */
import type { ResolvedConfig } from '../config.js';
import {
  RING_CELLS_OFFSET, RING_CELL_BYTES, RING_DOORBELL_OFFSET, RING_HEAD_OFFSET, RING_SLEEPERS_OFFSET, RING_TAIL_OFFSET,
} from '../layout/rpc.js';
import { type ClientArenaLayout, rpcRequestBytes } from './arena.js';
import type { Kernels } from './kernels.js';
import { type MemoryPlan, type RegionRequest, regionOf } from './memory-plan.js';

export function ringCapacity(config: ResolvedConfig): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, config.clients)));
}

function ringBytes(config: ResolvedConfig): number {
  return RING_CELLS_OFFSET + ringCapacity(config) * RING_CELL_BYTES;
}

/** The address of DPU core `core`'s ring. */
export function ringBase(plan: MemoryPlan, config: ResolvedConfig, core: number): number {
  return regionOf(plan, 'rpcRings').base + core * ringBytes(config);
}

/**
 * Rings a core's doorbell without posting anything, so that a sleeping core wakes and
 * re-checks its stop flag. Needs only the memory: the main thread calls it.
 */
export function wakeCore(memory: WebAssembly.Memory, plan: MemoryPlan, config: ResolvedConfig, core: number): void {
  const words = new Int32Array(memory.buffer);
  const doorbell = (ringBase(plan, config, core) + RING_DOORBELL_OFFSET) >> 2;
  Atomics.add(words, doorbell, 1);
  Atomics.notify(words, doorbell);
}

function requestSlotBytes(config: ResolvedConfig): number {
  return Math.ceil(rpcRequestBytes(config) / 64) * 64;
}

/** The DPU DRAM the RPC transport needs. */
export function rpcRegionRequests(config: ResolvedConfig): RegionRequest[] {
  return [
    { name: 'rpcRequests', bytes: config.clients * requestSlotBytes(config), remote: false },
    { name: 'rpcRings', bytes: config.dpuCores * ringBytes(config), remote: false },
  ];
}

export class RpcTransport {
  private readonly words: Int32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private readonly ringStride: number;
  private readonly ringsBase: number;
  private readonly requestsBase: number;
  private readonly requestStride: number;
  /** Next position each ring's consumer takes; kept in memory so any thread can own a core. */
  constructor(
    memory: WebAssembly.Memory,
    plan: MemoryPlan,
    private readonly config: ResolvedConfig,
    private readonly kernels: Kernels,
    private readonly clientArena: ClientArenaLayout,
    private readonly clientArenasBase: number,
  ) {
    this.words = new Int32Array(memory.buffer);
    this.capacity = ringCapacity(config);
    this.mask = this.capacity - 1;
    this.ringStride = ringBytes(config);
    this.ringsBase = regionOf(plan, 'rpcRings').base;
    this.requestsBase = regionOf(plan, 'rpcRequests').base;
    this.requestStride = requestSlotBytes(config);
  }

  /** Sets every ring empty; done once by the main thread before any worker starts. */
  initialize(): void {
    for (let core = 0; core < this.config.dpuCores; core++) {
      const ring = this.ringBase(core);
      Atomics.store(this.words, (ring + RING_TAIL_OFFSET) >> 2, 0);
      Atomics.store(this.words, (ring + RING_HEAD_OFFSET) >> 2, 0);
      Atomics.store(this.words, (ring + RING_DOORBELL_OFFSET) >> 2, 0);
      Atomics.store(this.words, (ring + RING_SLEEPERS_OFFSET) >> 2, 0);
      for (let cell = 0; cell < this.capacity; cell++) {
        Atomics.store(this.words, (ring + RING_CELLS_OFFSET + cell * RING_CELL_BYTES) >> 2, cell);
      }
    }
  }

  /** The address of a client's request slot in DPU DRAM. */
  requestSlot(client: number): number {
    return this.requestsBase + client * this.requestStride;
  }

  clientArenaBase(client: number): number {
    return this.clientArenasBase + client * this.clientArena.bytes;
  }

  /** The SEND: copies the request into the client's slot and posts the client on the core's ring. */
  send(client: number, core: number, requestLength: number): void {
    this.kernels.copyBytes(this.requestSlot(client), this.clientArenaBase(client) + this.clientArena.request, requestLength);
    this.post(core, client);
  }

  /** Posts a client id on a core's ring and rings its doorbell. */
  post(core: number, client: number): void {
    const words = this.words;
    const ring = this.ringBase(core);
    const tailIndex = (ring + RING_TAIL_OFFSET) >> 2;
    let position = Atomics.load(words, tailIndex);
    for (let attempt = 0; ; attempt++) {
      const cell = ring + RING_CELLS_OFFSET + (position & this.mask) * RING_CELL_BYTES;
      const difference = (Atomics.load(words, cell >> 2) - position) | 0;
      if (difference === 0) {
        const seen = Atomics.compareExchange(words, tailIndex, position, (position + 1) | 0);
        if (seen === position) {
          Atomics.store(words, (cell >> 2) + 1, client);
          Atomics.store(words, cell >> 2, (position + 1) | 0);
          break;
        }
        position = seen;
      } else if (difference < 0) {
        throw new Error(`RPC ring of DPU core ${core} is full (capacity ${this.capacity}): more RPCs in flight than clients`);
      } else {
        position = Atomics.load(words, tailIndex);
      }
      if (attempt > 1_000_000) throw new Error(`RPC ring of DPU core ${core}: no progress posting after a million attempts`);
    }
    const doorbell = (ring + RING_DOORBELL_OFFSET) >> 2;
    Atomics.add(words, doorbell, 1);
    if (Atomics.load(words, (ring + RING_SLEEPERS_OFFSET) >> 2) !== 0) Atomics.notify(words, doorbell);
  }

  /** Takes the next client id posted on a core's ring, or -1 if it is empty. Only the core's own thread calls this. */
  take(core: number): number {
    const words = this.words;
    const ring = this.ringBase(core);
    const headIndex = (ring + RING_HEAD_OFFSET) >> 2;
    const position = words[headIndex];
    const cell = ring + RING_CELLS_OFFSET + (position & this.mask) * RING_CELL_BYTES;
    if (((Atomics.load(words, cell >> 2) - (position + 1)) | 0) !== 0) return -1;
    const client = Atomics.load(words, (cell >> 2) + 1);
    Atomics.store(words, cell >> 2, (position + this.capacity) | 0);
    words[headIndex] = (position + 1) | 0;
    return client;
  }

  /** Whether a core's ring holds a posted client (for the idle check before sleeping). */
  hasWork(core: number): boolean {
    const ring = this.ringBase(core);
    const position = this.words[(ring + RING_HEAD_OFFSET) >> 2];
    const cell = ring + RING_CELLS_OFFSET + (position & this.mask) * RING_CELL_BYTES;
    return ((Atomics.load(this.words, cell >> 2) - (position + 1)) | 0) === 0;
  }

  /**
   * Blocks the calling core thread until its doorbell rings or `timeoutMs` passes, unless
   * work is already posted. Producers notify only while `sleepers` is set, so the flag is
   * raised before the last emptiness check (no lost wake-up).
   */
  sleepUntilPosted(core: number, timeoutMs: number): void {
    const ring = this.ringBase(core);
    const sleepers = (ring + RING_SLEEPERS_OFFSET) >> 2;
    const doorbell = (ring + RING_DOORBELL_OFFSET) >> 2;
    Atomics.store(this.words, sleepers, 1);
    const bell = Atomics.load(this.words, doorbell);
    if (!this.hasWork(core)) Atomics.wait(this.words, doorbell, bell, timeoutMs);
    Atomics.store(this.words, sleepers, 0);
  }

  /**
   * The response SEND: copies `length` bytes from a handler's response buffer into the
   * client's response area, then completes it by bumping the client's response sequence.
   */
  respond(client: number, responseAddress: number, length: number): void {
    const arena = this.clientArenaBase(client);
    this.kernels.copyBytes(arena + this.clientArena.response, responseAddress, length);
    Atomics.add(this.words, (arena + this.clientArena.responseSequence) >> 2, 1);
  }

  /** The response sequence of a client: it changes when a response lands. */
  responseSequence(client: number): number {
    return Atomics.load(this.words, (this.clientArenaBase(client) + this.clientArena.responseSequence) >> 2);
  }

  private ringBase(core: number): number {
    return this.ringsBase + core * this.ringStride;
  }
}
