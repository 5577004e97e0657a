/**
 * The effects of verbs on the emulated hardware: what the NIC does for RDMA verbs, what an
 * SSD does for NVMe commands. Engines decide *when* `execute` runs (at once on the live
 * engine, at the modelled arrival time on the simulator); this decides *what* happens, with
 * the checks real hardware makes: an RDMA verb outside a registered region fails with a
 * remote access error, an NVMe command outside the device fails with "LBA out of range",
 * and neither ever touches memory on failure.
 *
 * One `Hardware` per thread: it holds that thread's kernel instance and counters over the
 * shared memory and devices.
 */
import { NvmeError, RemoteAccessError } from '../errors.js';
import { BLOCK_BYTES } from '../layout/store.js';
import { Counter, Counters, DeviceCounter } from './counters.js';
import type { Kernels } from './kernels.js';
import type { MemoryPlan, RegionPlan } from './memory-plan.js';
import type { SsdArray } from './ssd.js';
import { type Verb, VerbIssuer, VerbKind, VERB_NAMES } from './verbs.js';

function hex(address: number): string {
  return `0x${address.toString(16).padStart(8, '0')}`;
}

export class Hardware {
  readonly bytes: Uint8Array;
  private readonly regionsByKey: (RegionPlan | undefined)[] = [];

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: Kernels,
    readonly plan: MemoryPlan,
    readonly ssds: SsdArray,
    readonly counters: Counters,
  ) {
    this.bytes = new Uint8Array(memory.buffer);
    for (const region of Object.values(plan.regions)) {
      if (region.remoteKey > 0) this.regionsByKey[region.remoteKey] = region;
    }
  }

  /** Applies an RDMA or NVMe verb now; returns its result (1/0 for a CAS, else 0). */
  execute(issuer: VerbIssuer, verb: Verb): number {
    switch (verb.kind) {
      case VerbKind.rdmaRead: {
        const region = this.checkRemote(issuer, verb);
        this.checkLocal(issuer, verb, verb.localAddress, verb.length);
        if (region.wholeWordStrideBytes > 0) {
          this.kernels.rdmaReadCopyStrided(verb.localAddress, verb.remoteAddress, verb.length, region.base, region.wholeWordStrideBytes);
        } else {
          this.kernels.rdmaReadCopy(verb.localAddress, verb.remoteAddress, verb.length);
        }
        this.counters.add(Counter.rdmaReads);
        this.counters.add(Counter.rdmaReadBytes, verb.length);
        return 0;
      }
      case VerbKind.rdmaWrite:
        this.checkRemote(issuer, verb);
        this.checkLocal(issuer, verb, verb.localAddress, verb.length);
        this.kernels.rdmaWriteCopy(verb.remoteAddress, verb.localAddress, verb.length);
        this.counters.add(Counter.rdmaWrites);
        this.counters.add(Counter.rdmaWriteBytes, verb.length);
        return 0;
      case VerbKind.rdmaCompareSwap: {
        this.checkRemote(issuer, verb);
        this.checkLocal(issuer, verb, verb.localAddress, 24);
        const swapped = this.kernels.compareAndSwap64(verb.remoteAddress, verb.localAddress);
        this.counters.add(Counter.rdmaCompareSwaps);
        if (swapped === 0) this.counters.add(Counter.rdmaCompareSwapFailures);
        return swapped;
      }
      case VerbKind.rdmaFetchAdd:
        this.checkRemote(issuer, verb);
        this.checkLocal(issuer, verb, verb.localAddress, 24);
        this.kernels.fetchAndAdd64(verb.remoteAddress, verb.localAddress);
        this.counters.add(Counter.rdmaFetchAdds);
        return 0;
      case VerbKind.nvmeRead:
        this.ssds.checkRange('read', verb.device, verb.block, verb.blockCount);
        this.checkLocal(issuer, verb, verb.localAddress, verb.blockCount * BLOCK_BYTES);
        this.ssds.read(verb.device, verb.block, verb.blockCount, this.bytes, verb.localAddress);
        this.countNvme(issuer, verb, false);
        return 0;
      case VerbKind.nvmeReadBatch:
        for (let range = 0; range < verb.rangeCount; range++) {
          const block = verb.ranges[3 * range];
          const blockCount = verb.ranges[3 * range + 1];
          const localAddress = verb.ranges[3 * range + 2];
          this.ssds.checkRange('read', verb.device, block, blockCount);
          this.checkLocal(issuer, verb, localAddress, blockCount * BLOCK_BYTES);
        }
        for (let range = 0; range < verb.rangeCount; range++) {
          const blockCount = verb.ranges[3 * range + 1];
          this.ssds.read(verb.device, verb.ranges[3 * range], blockCount, this.bytes, verb.ranges[3 * range + 2]);
          this.countRead(issuer, verb.device, blockCount);
        }
        return 0;
      case VerbKind.nvmeWrite:
        this.ssds.checkRange('write', verb.device, verb.block, verb.blockCount);
        this.checkLocal(issuer, verb, verb.localAddress, verb.blockCount * BLOCK_BYTES);
        this.ssds.write(verb.device, verb.block, verb.blockCount, this.bytes, verb.localAddress);
        this.countNvme(issuer, verb, true);
        return 0;
      default:
        throw new Error(`verb ${VERB_NAMES[verb.kind] ?? verb.kind} is not a hardware effect; the engine handles it`);
    }
  }

  private countNvme(issuer: VerbIssuer, verb: Verb, write: boolean): void {
    if (!write) {
      this.countRead(issuer, verb.device, verb.blockCount);
      return;
    }
    if (issuer.core < 0) throw new NvmeError(`${issuer.description} issued an NVMe write: only DPU cores write SSDs`);
    this.counters.add(Counter.nvmeWritesByCore);
    this.counters.addDevice(verb.device, DeviceCounter.writes);
    this.counters.addDevice(verb.device, DeviceCounter.blocksWritten, verb.blockCount);
  }

  private countRead(issuer: VerbIssuer, device: number, blockCount: number): void {
    const counters = this.counters;
    if (issuer.core < 0) {
      counters.add(Counter.nvmeReadsOffloaded);
      counters.addDevice(device, DeviceCounter.readsOffloaded);
    } else {
      counters.add(Counter.nvmeReadsByCore);
      counters.addDevice(device, DeviceCounter.readsByCore);
    }
    counters.addDevice(device, DeviceCounter.blocksRead, blockCount);
  }

  private checkRemote(issuer: VerbIssuer, verb: Verb): RegionPlan {
    // Every RDMA verb passes here: the verb's name is looked up only for an error.
    const region = this.regionsByKey[verb.remoteKey];
    if (region === undefined) {
      throw new RemoteAccessError(
        `${VERB_NAMES[verb.kind]} by ${issuer.description} with remote key ${verb.remoteKey}: no region is registered with that key (remote access error)`,
      );
    }
    const end = region.base + region.bytes;
    if (!(verb.remoteAddress >= region.base && verb.remoteAddress + verb.length <= end && verb.length > 0)) {
      throw new RemoteAccessError(
        `${VERB_NAMES[verb.kind]} of ${verb.length} bytes at ${hex(verb.remoteAddress)} by ${issuer.description} is outside region "${region.name}" ` +
        `[${hex(region.base)}, ${hex(end)}) (remote access error)`,
      );
    }
    if ((verb.kind === VerbKind.rdmaCompareSwap || verb.kind === VerbKind.rdmaFetchAdd) && verb.remoteAddress % 8 !== 0) {
      throw new RemoteAccessError(`${VERB_NAMES[verb.kind]} at ${hex(verb.remoteAddress)} by ${issuer.description}: atomics need an 8-byte aligned address`);
    }
    return region;
  }

  private checkLocal(issuer: VerbIssuer, verb: Verb, address: number, length: number): void {
    if (!issuer.ownsLocal(address, length)) {
      const end = issuer.bufferBase + issuer.bufferBytes;
      throw new RemoteAccessError(
        `${VERB_NAMES[verb.kind]} by ${issuer.description}: local buffer ${hex(address)}+${length} is outside its registered buffer ` +
        `[${hex(issuer.bufferBase)}, ${hex(end)}) (local protection error)`,
      );
    }
  }
}
