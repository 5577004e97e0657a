/**
 * Counters for every verb, device, core and protocol event. Each thread (or the simulator)
 * owns one `Counters`; they are summed at the end of a run, so counting never contends.
 * Every number the paper plots (SSD I/Os per op, RPCs per op, hit ratio, core time) is
 * computed from these.
 */

/** Global counters, one slot each. */
export const Counter = {
  rdmaReads: 0,
  rdmaReadBytes: 1,
  rdmaWrites: 2,
  rdmaWriteBytes: 3,
  rdmaCompareSwaps: 4,
  rdmaCompareSwapFailures: 5,
  rdmaFetchAdds: 6,
  rpcs: 7,
  nvmeReadsOffloaded: 8,
  nvmeReadsByCore: 9,
  nvmeWritesByCore: 10,
  cacheHits: 11,
  cacheMisses: 12,
  fillsPublished: 13,
  fillsAbandoned: 14,
  pendingWaits: 15,
  tornReads: 16,
  reservationConflicts: 17,
  readFallbacks: 18,
  slotsInvalidated: 19,
  offloadedReadRetries: 20,
  bucketLockWaits: 21,
  /** Appends to a store (unbatched writes, batch flushes, relocations by the collector). */
  storeAppends: 22,
  batchesFlushed: 23,
  batchedWrites: 24,
  /** Writes refused because the device's logs are full of live data. */
  deviceFullRefusals: 25,
  gcBucketSegments: 26,
  gcValueSegments: 27,
  gcBlocksScanned: 28,
  /** Blocks of live chains the collector moved. */
  gcBlocksMoved: 29,
  /** Live values the collector moved. */
  gcValuesMoved: 30,
  /** User bytes (key + value) of acknowledged SETs, for write amplification. */
  userBytesWritten: 31,
  /**
   * Segments the collector began (gcBucketSegments and gcValueSegments count those it
   * finished): a run cut by a crash while they differ was cut inside a collection.
   */
  gcBucketSegmentsStarted: 32,
  gcValueSegmentsStarted: 33,
  /** Reads whose chain failed its checks (moved, or rewritten after a lap while being read). */
  staleChainReads: 34,
  /** Reads whose value record failed its checks (another key's, torn, or newer than its chain). */
  staleValueReads: 35,
  /** Simulator: DPU core time by kind of work — RPC receive and reply (RDMA threads). */
  dpuBusyRpcNs: 36,
  /** Simulator: DPU core time submitting NVMe commands and handling completions (SSD workers). */
  dpuBusySsdIoNs: 37,
  /** Simulator: DPU core time serving NVMe-oF commands with the standard (not offloaded) target. */
  dpuBusyNvmeTargetNs: 38,
  /** Simulator: client CPU time (operations, verbs, the NVMe-oF initiator). */
  clientBusyNs: 39,
  /** Clients' RDMA READs of the cache epoch word (on a miss, at most one per client per 2 ms). */
  epochReads: 40,
  /** Expired cache reservations a reader took over with its own reservation CAS. */
  slotsReclaimed: 41,
  /** Expired cache reservations the DPU core's sweep freed. */
  slotsSwept: 42,
  /** Fills whose owner found its reservation taken after the lease (its fill was not published). */
  reservationsLost: 43,
  /** VALID slots a reader emptied because they stayed torn (a late fill's bytes after its lease was taken). */
  slotsScrubbed: 44,
  /**
   * Writes that found no log space beside the admitted writes' reservations and so waited
   * for those writes to finish (with admission closed) to reserve, collect, or be refused.
   */
  writesReservedAlone: 45,
} as const;
export type CounterName = keyof typeof Counter;
const GLOBAL_COUNTERS = Object.keys(Counter).length;

/** Per-device counters. */
export const DeviceCounter = {
  readsOffloaded: 0,
  readsByCore: 1,
  writes: 2,
  blocksRead: 3,
  blocksWritten: 4,
} as const;
const DEVICE_COUNTERS = Object.keys(DeviceCounter).length;

/** Per-DPU-core counters. */
export const CoreCounter = {
  rpcsHandled: 0,
  busyNs: 1,
} as const;
const CORE_COUNTERS = Object.keys(CoreCounter).length;

export class Counters {
  readonly values: Float64Array;

  constructor(readonly devices: number, readonly cores: number, values?: Float64Array) {
    const length = GLOBAL_COUNTERS + devices * DEVICE_COUNTERS + cores * CORE_COUNTERS;
    if (values !== undefined && values.length !== length) throw new Error(`counter array of ${values.length}, expected ${length}`);
    this.values = values ?? new Float64Array(length);
  }

  add(counter: number, amount = 1): void {
    this.values[counter] += amount;
  }

  addDevice(device: number, counter: number, amount = 1): void {
    this.values[GLOBAL_COUNTERS + device * DEVICE_COUNTERS + counter] += amount;
  }

  addCore(core: number, counter: number, amount = 1): void {
    this.values[GLOBAL_COUNTERS + this.devices * DEVICE_COUNTERS + core * CORE_COUNTERS + counter] += amount;
  }

  get(counter: number): number {
    return this.values[counter];
  }

  getDevice(device: number, counter: number): number {
    return this.values[GLOBAL_COUNTERS + device * DEVICE_COUNTERS + counter];
  }

  getCore(core: number, counter: number): number {
    return this.values[GLOBAL_COUNTERS + this.devices * DEVICE_COUNTERS + core * CORE_COUNTERS + counter];
  }

  /** Sum over devices of one device counter. */
  totalDevice(counter: number): number {
    let total = 0;
    for (let device = 0; device < this.devices; device++) total += this.getDevice(device, counter);
    return total;
  }

  /** Sum over cores of one core counter. */
  totalCore(counter: number): number {
    let total = 0;
    for (let core = 0; core < this.cores; core++) total += this.getCore(core, counter);
    return total;
  }

  mergeFrom(other: Counters): void {
    if (other.values.length !== this.values.length) throw new Error('merging counters of different shapes');
    for (let i = 0; i < this.values.length; i++) this.values[i] += other.values[i];
  }

  /** The global counters by name (for reports and JSON). */
  named(): Record<CounterName, number> {
    const result = {} as Record<CounterName, number>;
    for (const [name, index] of Object.entries(Counter)) result[name as CounterName] = this.values[index];
    return result;
  }
}
