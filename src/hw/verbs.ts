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
  /** Wait until another machine on the same DPU core wakes this one (a bucket lock). Result 0. */
  park: 9,
} as const;

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
  /** Sleep: nanoseconds. */
  durationNs = 0;
}

/**
 * Builds verbs for one machine. Subclassed by the client and DPU-core contexts, which add
 * what their protocol code may use.
 */
export class VerbIssuer {
  readonly verb = new Verb();

  /**
   * @param description names the issuer in errors ("client 17", "DPU core 1")
   * @param bufferBase start of the issuer's registered local buffer in the shared memory
   * @param bufferBytes its size: a verb's local side must stay inside it
   * @param core the DPU core this issuer runs on, or -1 for a client (whose NVMe commands
   *   go through NVMe-oF target offload and cost no core time)
   */
  constructor(
    readonly description: string,
    readonly bufferBase: number,
    readonly bufferBytes: number,
    readonly core: number,
  ) {}

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
