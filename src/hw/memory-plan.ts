/**
 * The layout of the one shared `WebAssembly.Memory` every thread works on.
 *
 * ```
 *  0                    kernel static data (reserved: instantiation rewrites it)
 *  control              start/stop words, per-thread doorbells
 *  engine scratch       staging of the simulator's posted writes
 *  client arenas        one per logical client: its registered local buffer
 *  handler arenas       one per in-flight RPC handler on each DPU core (the core's buffers)
 *  DPU DRAM regions     declared by the store and the system: cache, index, store state,
 *                       RPC request slots and rings; some registered for RDMA
 * ```
 *
 * A plan is plain data: it is computed once in the main thread and sent to workers.
 */
import { ConfigError } from '../errors.js';

/** Bytes below which the kernels keep their static data (checked against the module at start). */
export const KERNEL_STATIC_BYTES = 64 * 1024;
const PAGE_BYTES = 64 * 1024;
const MEMORY_PAGES_MAX = 65536;

/** A named block of the shared memory. `remoteKey` > 0 means registered for RDMA with that key. */
export interface RegionPlan {
  readonly name: string;
  readonly base: number;
  readonly bytes: number;
  readonly remoteKey: number;
  /** See RegionRequest.wholeWordStrideBytes; 0: every aligned 8-byte word moves whole. */
  readonly wholeWordStrideBytes: number;
  /** See RegionRequest.outsideDpu. */
  readonly outsideDpu: boolean;
}

/** What a layer asks the planner for. */
export interface RegionRequest {
  readonly name: string;
  readonly bytes: number;
  /** Clients may reach it with one-sided RDMA verbs. */
  readonly remote: boolean;
  /**
   * What an RDMA READ of this region must move whole. Absent (the default): every aligned
   * 8-byte word, like a DMA engine. A stride: only the words at `base + k × stride` (the
   * cache's slot state words), the other bytes in bulk, in any order and size: for a layout
   * whose readers check the rest themselves (Scalio's slot checksums).
   */
  readonly wholeWordStrideBytes?: number;
  /**
   * Not DPU DRAM: the engine's own memory (control words, the YCSB state, the simulator's
   * staging), the clients' arenas, the staging of a start. A DPU restart keeps it; it wipes
   * every other region. Absent (the default): DPU DRAM.
   */
  readonly outsideDpu?: boolean;
}

export interface MemoryPlan {
  readonly totalBytes: number;
  readonly pages: number;
  readonly regions: Readonly<Record<string, RegionPlan>>;
}

/** Sequential allocation of named, aligned fields: how every layout here is built. */
export class LayoutBuilder {
  private offset: number;

  constructor(start = 0) {
    this.offset = start;
  }

  /** Reserves `bytes` at the next multiple of `alignment`; returns the field's offset. */
  field(bytes: number, alignment = 8): number {
    this.offset = Math.ceil(this.offset / alignment) * alignment;
    const start = this.offset;
    this.offset += bytes;
    return start;
  }

  /** Bytes used so far, rounded up to `alignment`. */
  size(alignment = 8): number {
    return Math.ceil(this.offset / alignment) * alignment;
  }
}

/** Lays out the requested regions after the kernels' static data; 64-byte aligned (cache lines). */
export function planMemory(requests: readonly RegionRequest[]): MemoryPlan {
  const builder = new LayoutBuilder(KERNEL_STATIC_BYTES);
  const regions: Record<string, RegionPlan> = {};
  let nextKey = 1;
  for (const request of requests) {
    if (request.name in regions) throw new Error(`region "${request.name}" requested twice`);
    const base = builder.field(request.bytes, 64);
    regions[request.name] = {
      name: request.name,
      base,
      bytes: request.bytes,
      remoteKey: request.remote ? nextKey++ : 0,
      wholeWordStrideBytes: request.wholeWordStrideBytes ?? 0,
      outsideDpu: request.outsideDpu ?? false,
    };
  }
  const totalBytes = builder.size(PAGE_BYTES);
  const pages = totalBytes / PAGE_BYTES;
  if (pages > MEMORY_PAGES_MAX) {
    const breakdown = requests.map((request) => `${request.name} ${(request.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ');
    throw new ConfigError(
      `the emulated DRAM needs ${(totalBytes / 2 ** 30).toFixed(2)} GiB, more than WebAssembly's 4 GiB memory (${breakdown}); ` +
      'lower cacheSlots, bucketIdBits or clients',
    );
  }
  return { totalBytes, pages, regions };
}

export function regionOf(plan: MemoryPlan, name: string): RegionPlan {
  const region = plan.regions[name];
  if (region === undefined) throw new Error(`no region "${name}" in the memory plan`);
  return region;
}
