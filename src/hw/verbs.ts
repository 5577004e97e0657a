/**
 * Verbs as data: protocol code never touches a device, a clock or a thread. It is written
 * as a generator (a *machine*) that yields the verb it needs and is resumed with the verb's
 * result; an engine decides when each verb takes effect (at once on the live engine, at a
 * modelled time on the simulator).
 *
 * A machine has one verb in flight, so each issuer owns one mutable `Verb` that its builder
 * methods fill in and return: no allocation per verb on the hot path.
 */
import type { RegionPlan } from './memory-plan.js';

export const VerbKind = {
  /** One-sided RDMA READ: remote DPU DRAM → the issuer's buffer. Result 0. */
  rdmaRead: 1,
  /** One-sided RDMA WRITE: the issuer's buffer → remote DPU DRAM. Result 0. */
  rdmaWrite: 2,
  /** RDMA compare-and-swap of 8 bytes; operands in the issuer's buffer. Result 1 if swapped. */
  rdmaCompareSwap: 3,
  /** RDMA fetch-and-add of 8 bytes; operands in the issuer's buffer. Result 0. */
  rdmaFetchAdd: 4,
  /** NVMe read of whole blocks into the issuer's buffer (clients: NVMe-oF target offload). Result 0. */
  nvmeRead: 5,
  /** NVMe write of whole blocks from the issuer's buffer. Result 0. */
  nvmeWrite: 6,
  /** Two-sided RPC to a DPU core; the response lands in the client's response area. Result 0. */
  rpc: 7,
  /** Wait `durationNs` (bounded backoff). Result 0. */
  sleep: 8,
  /**
   * Wait until another machine on the same DPU core wakes this one (a lock, a batch), or
   * until `durationNs` passes when it is above 0. Result 1 if woken, 0 if the time ran out.
   */
  park: 9,
  /**
   * DPU core: send the RPC response now (`requestLength` holds its length) and go on with
   * housekeeping (garbage collection) without holding up the client. Result 0.
   */
  respond: 10,
  /**
   * Several NVMe reads of one SSD submitted together (the `ranges` of the verb), as an SPDK
   * core submits a batch's bucket reads at once; done when all are. Each counts as one I/O.
   * Result 0.
   */
  nvmeReadBatch: 11,
} as const;

/** Most reads one `nvmeReadBatch` carries. */
export const NVME_BATCH_RANGES_MAX = 256;

export const VERB_NAMES: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(VerbKind).map(([name, kind]) => [kind, name])),
);

export class Verb {
  kind = 0;
  /** RDMA: the remote key of the target region (0 = unregistered, always refused). */
  remoteKey = 0;
  /** RDMA: the target address in the shared memory. */
  remoteAddress = 0;
  /** The issuer's buffer address the data moves from or to (RDMA, NVMe), or the atomic operands. */
  localAddress = 0;
  /** RDMA: bytes moved. */
  length = 0;
  /** RDMA WRITE: false for a posted (unsignaled, inline) write whose issuer does not wait. */
  signaled = true;
  /** NVMe: the SSD. */
  device = 0;
  /** NVMe: the first block. */
  block = 0;
  /** NVMe: blocks moved. */
  blockCount = 0;
  /** RPC: the DPU core addressed. */
  core = 0;
  /** RPC: request bytes in the client's request buffer. */
  requestLength = 0;
  /** Sleep, park: nanoseconds. */
  durationNs = 0;
  /** nvmeReadBatch: (block, blockCount, localAddress) triples. */
  readonly ranges = new Float64Array(3 * NVME_BATCH_RANGES_MAX);
  rangeCount = 0;
}

/**
 * Builds verbs for one machine. Subclassed by the client and DPU-core contexts, which add
 * what their protocol code may use.
 */
export class VerbIssuer {
  readonly verb = new Verb();

  /** Further registered local ranges, as [start, end) pairs (a DPU core's store buffers). */
  private readonly extraRanges: number[] = [];

  /**
   * @param description names the issuer in errors ("client 17", "DPU core 1")
   * @param bufferBase start of the issuer's registered local buffer in the shared memory
   * @param bufferBytes its size: a verb's local side must stay inside it (or another range
   *   added with `registerLocal`)
   * @param core the DPU core this issuer runs on, or -1 for a client (whose NVMe commands
   *   go through NVMe-oF target offload and cost no core time)
   */
  constructor(
    readonly description: string,
    readonly bufferBase: number,
    readonly bufferBytes: number,
    readonly core: number,
  ) {}

  /** Registers another local range the issuer's verbs may use. */
  registerLocal(base: number, bytes: number): void {
    this.extraRanges.push(base, base + bytes);
  }

  /** Whether [address, address + length) lies inside one of the issuer's registered ranges. */
  ownsLocal(address: number, length: number): boolean {
    if (address >= this.bufferBase && address + length <= this.bufferBase + this.bufferBytes) return true;
    for (let index = 0; index < this.extraRanges.length; index += 2) {
      if (address >= this.extraRanges[index] && address + length <= this.extraRanges[index + 1]) return true;
    }
    return false;
  }

  rdmaRead(region: RegionPlan, remoteAddress: number, localAddress: number, length: number): Verb {
    return this.remote(VerbKind.rdmaRead, region, remoteAddress, localAddress, length);
  }

  /** A WRITE; `signaled` false posts it: the issuer goes on without waiting for its completion. */
  rdmaWrite(region: RegionPlan, remoteAddress: number, localAddress: number, length: number, signaled = true): Verb {
    const verb = this.remote(VerbKind.rdmaWrite, region, remoteAddress, localAddress, length);
    verb.signaled = signaled;
    return verb;
  }

  /** A CAS of the 8-byte word at `remoteAddress`, operands at `operandsAddress` (src/layout/verbs.ts). */
  rdmaCompareSwap(region: RegionPlan, remoteAddress: number, operandsAddress: number): Verb {
    return this.remote(VerbKind.rdmaCompareSwap, region, remoteAddress, operandsAddress, 8);
  }

  /** A fetch-and-add of the 8-byte word at `remoteAddress`, operands at `operandsAddress`. */
  rdmaFetchAdd(region: RegionPlan, remoteAddress: number, operandsAddress: number): Verb {
    return this.remote(VerbKind.rdmaFetchAdd, region, remoteAddress, operandsAddress, 8);
  }

  nvmeRead(device: number, block: number, blockCount: number, localAddress: number): Verb {
    return this.nvme(VerbKind.nvmeRead, device, block, blockCount, localAddress);
  }

  nvmeWrite(device: number, block: number, blockCount: number, localAddress: number): Verb {
    return this.nvme(VerbKind.nvmeWrite, device, block, blockCount, localAddress);
  }

  /** Starts an `nvmeReadBatch` of SSD `device`; add its reads with `addRead`, then yield it. */
  nvmeReadBatch(device: number): Verb {
    const verb = this.verb;
    verb.kind = VerbKind.nvmeReadBatch;
    verb.device = device;
    verb.rangeCount = 0;
    return verb;
  }

  /** Adds a read of `blockCount` blocks at `block` into `localAddress` to the batch being built. */
  addRead(block: number, blockCount: number, localAddress: number): void {
    const verb = this.verb;
    if (verb.rangeCount === NVME_BATCH_RANGES_MAX) throw new Error(`an NVMe read batch carries at most ${NVME_BATCH_RANGES_MAX} reads`);
    const at = 3 * verb.rangeCount++;
    verb.ranges[at] = block;
    verb.ranges[at + 1] = blockCount;
    verb.ranges[at + 2] = localAddress;
  }

  private remote(kind: number, region: RegionPlan, remoteAddress: number, localAddress: number, length: number): Verb {
    const verb = this.verb;
    verb.kind = kind;
    verb.remoteKey = region.remoteKey;
    verb.remoteAddress = remoteAddress;
    verb.localAddress = localAddress;
    verb.length = length;
    verb.signaled = true;
    return verb;
  }

  private nvme(kind: number, device: number, block: number, blockCount: number, localAddress: number): Verb {
    const verb = this.verb;
    verb.kind = kind;
    verb.device = device;
    verb.block = block;
    verb.blockCount = blockCount;
    verb.localAddress = localAddress;
    return verb;
  }

  sleep(durationNs: number): Verb {
    const verb = this.verb;
    verb.kind = VerbKind.sleep;
    verb.durationNs = durationNs;
    return verb;
  }
}

/** A protocol step machine: yields verbs, is resumed with their results, returns `T`. */
export type Machine<T> = Generator<Verb, T, number>;
