/**
 * Building an emulated cluster (main thread) and attaching a thread to it (every thread).
 *
 * `buildCluster` plans the shared memory, creates it and the SSDs, loads the dataset and
 * returns a `ClusterSpec`: plain data plus shared objects (memory, module, device buffers)
 * that can be posted to worker threads, which `attachThread` to get their own kernels,
 * counters and machines over the same bytes.
 */
import { type ClusterConfig, type ResolvedConfig, coreOfDevice, definedOnly, resolveConfig } from '../config.js';
import { DeviceStore } from '../store/device.js';
import { GarbageCollector } from '../store/gc.js';
import { ConfigError } from '../errors.js';
import { clientArenaLayout, handlerArenaLayout } from '../hw/arena.js';
import { Counters } from '../hw/counters.js';
import { Hardware } from '../hw/hardware.js';
import { type Kernels, instantiateKernels, kernelModule } from '../hw/kernels.js';
import { KERNEL_STATIC_BYTES, type RegionRequest, planMemory } from '../hw/memory-plan.js';
import { RpcTransport, rpcRegionRequests } from '../hw/rpc.js';
import { SsdArray, type SsdMemory } from '../hw/ssd.js';
import { type BulkLoadResult, bulkLoad, bulkLoadScratchBytes } from '../store/bulk-load.js';
import { type RecoveryReport, RECOVERY_SCRATCH_BYTES_MIN, checkSuperblocks, recoverStore } from '../store/recovery.js';
import { BucketLocks } from '../store/bucket-locks.js';
import { StoreState, storeGeometry, storeRegionRequests } from '../store/geometry.js';
import type { ClusterLayout, CoreServer, ThreadServices } from '../systems/context.js';
import { systemByName } from '../systems/registry.js';
import { YCSB_SHARED_BYTES } from '../layout/ycsb.js';
import { configureRecordKernels } from '../ycsb/workloads.js';
import type { SystemDefinition, SystemMachines } from '../systems/system.js';

/** Words of the control region (i32 indexes relative to its base / 4). */
export const ControlWord = {
  /** Set to 1 when all workers are ready and the measured run starts. */
  go: 0,
  /** Set to 1 when DPU-core threads must finish. */
  stop: 1,
  /** Workers that have attached and are waiting for `go`. */
  ready: 2,
  /** Set to 1 by any worker that failed, so the others stop early. */
  failed: 3,
  /** A shared event counter that orders recorded history events across threads. */
  historyTick: 4,
  /** NVMe writes the DPU-core threads have started (for a crash plan). */
  coreWrites: 5,
  /** Set to 1 when the planned DPU crash has happened: every thread stops. */
  crashed: 6,
  /** Operations the client threads have completed (added in batches), for progress reports. */
  completedOperations: 7,
} as const;
/** Each client worker has a doorbell (i32) and a sleeping flag (i32) on its own cache line. */
export const CLIENT_WORKER_BELLS_OFFSET = 64;
export const CLIENT_WORKER_BELL_STRIDE = 64;
export const CLIENT_WORKERS_MAX = 256;
const CONTROL_BYTES = CLIENT_WORKER_BELLS_OFFSET + CLIENT_WORKERS_MAX * CLIENT_WORKER_BELL_STRIDE;

/** Scratch beyond the minimum for a restart: it reads the logs in chunks this much larger. */
const START_SCRATCH_EXTRA_BYTES = 512 * 1024;

/**
 * RPC handlers per DPU core (requests beyond wait in its ring). LEED admits ~341 GETs per SSD
 * (a budget of 1024 at 3 per GET); 128 keeps a core's SSD busy at 512 operations in flight
 * without the handlers, rather than the SSD workers, capping its throughput.
 */
export const HANDLERS_PER_CORE_MAX = 128;

/** Posted (inline) RDMA WRITEs the simulator has in flight per client, and their size limit. */
export const POSTED_WRITES_PER_CLIENT = 4;
export const POSTED_WRITE_BYTES_MAX = 64;

export interface ClusterSpec {
  readonly layout: ClusterLayout;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The SSDs: block tables, chunk pools, allocator words and block locks, shared by every thread. */
  readonly ssds: SsdMemory;
}

export interface Cluster {
  readonly spec: ClusterSpec;
  /** What the bulk load built (null when the cluster restarted from images). */
  readonly load: BulkLoadResult | null;
  /** What the restart found (null for a freshly loaded cluster). */
  readonly recovery: RecoveryReport | null;
  /** Milliseconds spent loading the dataset, or restarting from images. */
  readonly loadMs: number;
}

/** SSD contents to start from instead of a fresh load: saved images, or another run's SSDs. */
export interface SsdImages {
  /** The configuration the images were made with (layout settings must not change). */
  readonly config: ResolvedConfig;
  readonly ssds: SsdMemory;
}

export function planCluster(config: ResolvedConfig, system: SystemDefinition): ClusterLayout {
  const clientArena = clientArenaLayout(config, system.clientScratchBytes(config));
  const handlerArena = handlerArenaLayout(config, system.handlerScratchBytes(config));
  const handlersPerCore = Math.min(HANDLERS_PER_CORE_MAX, config.clients);
  const requests: RegionRequest[] = [
    { name: 'control', bytes: CONTROL_BYTES, remote: false, outsideDpu: true },
    // The YCSB state every client thread shares (insert sequence, acknowledgements).
    { name: 'ycsb', bytes: YCSB_SHARED_BYTES, remote: false, outsideDpu: true },
    { name: 'simStaging', bytes: config.clients * POSTED_WRITES_PER_CLIENT * POSTED_WRITE_BYTES_MAX, remote: false, outsideDpu: true },
    { name: 'clientArenas', bytes: config.clients * clientArena.bytes, remote: false, outsideDpu: true },
    // The DPU cores' buffers: DPU DRAM, lost on a restart.
    { name: 'handlerArenas', bytes: config.dpuCores * handlersPerCore * handlerArena.bytes, remote: false },
    ...storeRegionRequests(config),
    ...rpcRegionRequests(config),
    ...system.regionRequests(config),
  ];
  // Where the bulk load or a restart stages blocks, before any client runs.
  const startScratchBytes = Math.max(bulkLoadScratchBytes(config), RECOVERY_SCRATCH_BYTES_MIN + START_SCRATCH_EXTRA_BYTES);
  requests.push({ name: 'startScratch', bytes: startScratchBytes, remote: false, outsideDpu: true });
  const plan = planMemory(requests);
  const layout: ClusterLayout = {
    config,
    systemName: system.name,
    plan,
    clientArena,
    handlerArena,
    handlersPerCore,
    store: storeGeometry(config, plan),
  };
  return layout;
}

/**
 * Plans, allocates and loads a cluster for `system` (by name or definition): a fresh bulk
 * load, or a restart from `images`, whose index and log state are rebuilt from the SSDs.
 */
export function buildCluster(overrides: Partial<ClusterConfig>, systemOrName: SystemDefinition | string, images?: SsdImages): Cluster {
  const system = typeof systemOrName === 'string' ? systemByName(systemOrName) : systemOrName;
  const config = resolveConfig(images === undefined ? { ...system.defaults, ...definedOnly(overrides) } : { ...images.config, ...definedOnly(overrides) });
  const layout = planCluster(config, system);
  const memory = new WebAssembly.Memory({ initial: layout.plan.pages, maximum: layout.plan.pages, shared: true });
  const module = kernelModule();
  const kernels = instantiateKernels(memory, module);
  if (kernels.staticDataEnd() > KERNEL_STATIC_BYTES) {
    throw new Error(`the kernels' static data ends at ${kernels.staticDataEnd()}, beyond the ${KERNEL_STATIC_BYTES} bytes reserved for it`);
  }
  configureRecordKernels(kernels, config);
  // YCSB inserts take key numbers from recordcount (Java: AcknowledgedCounterGenerator(recordcount)).
  kernels.initializeSharedState(layout.plan.regions.ycsb.base, config.records);
  const scratch = layout.plan.regions.startScratch;
  const started = performance.now();
  let ssds: SsdArray;
  let load: BulkLoadResult | null = null;
  let recovery: RecoveryReport | null = null;
  if (images === undefined) {
    ssds = SsdArray.create(config.ssds, layout.store.blocksPerDevice);
    load = bulkLoad(kernels, memory, ssds, layout, scratch.base);
  } else {
    if (images.ssds.devices !== config.ssds) {
      throw new ConfigError(`there are ${images.ssds.devices} SSD images; the configuration has ${config.ssds} SSDs`);
    }
    if (images.ssds.blocksPerDevice !== layout.store.blocksPerDevice) {
      throw new ConfigError(`the SSD images have ${images.ssds.blocksPerDevice} blocks; this configuration lays out ${layout.store.blocksPerDevice}`);
    }
    ssds = new SsdArray(images.ssds);
    checkSuperblocks(ssds, layout);
    recovery = recoverStore(kernels, memory, ssds, layout, scratch.base, scratch.bytes);
  }
  const loadMs = performance.now() - started;
  const spec: ClusterSpec = { layout, module, memory, ssds: ssds.memory };
  new RpcTransport(memory, layout.plan, config, kernels, layout.clientArena, layout.plan.regions.clientArenas.base).initialize();
  return { spec, load, recovery, loadMs };
}

/** One thread's view of a cluster: its own kernels, counters and machines over the shared state. */
export interface ThreadNode {
  readonly spec: ClusterSpec;
  readonly services: ThreadServices;
  readonly kernels: Kernels;
  readonly counters: Counters;
  readonly hardware: Hardware;
  readonly transport: RpcTransport;
  readonly machines: SystemMachines;
  readonly storeState: StoreState;
  /** Server state of the DPU cores this thread runs, created on demand. */
  coreServer(core: number): CoreServer;
  /** Drops the DPU cores' server state (batches, locks, collectors): a DPU restart. */
  forgetCoreServers(): void;
}

/**
 * A DPU restart, as the SSDs see it: everything in DPU DRAM is lost (cache, index, store
 * state, RPC rings, handler scratch), then the store's recovery rebuilds the index and the
 * logs' state from the SSDs and the RPC rings are set up again. The caller drops its core
 * servers and handlers (`forgetCoreServers`). Returns what recovery found.
 */
export function rebootDpu(node: ThreadNode): RecoveryReport {
  const { layout, memory } = node.spec;
  for (const region of Object.values(layout.plan.regions)) {
    if (!region.outsideDpu) node.kernels.zeroBytes(region.base, region.bytes);
  }
  const scratch = layout.plan.regions.startScratch;
  const recovery = recoverStore(node.kernels, memory, node.hardware.ssds, layout, scratch.base, scratch.bytes);
  node.transport.initialize();
  return recovery;
}

export function attachThread(spec: ClusterSpec, now: () => number): ThreadNode {
  const { layout, memory } = spec;
  const config = layout.config;
  const kernels = instantiateKernels(memory, spec.module);
  configureRecordKernels(kernels, config);
  const counters = new Counters(config.ssds, config.dpuCores);
  const ssds = new SsdArray(spec.ssds);
  const hardware = new Hardware(memory, kernels, layout.plan, ssds, counters);
  const transport = new RpcTransport(memory, layout.plan, config, kernels, layout.clientArena, layout.plan.regions.clientArenas.base);
  const services: ThreadServices = {
    layout,
    kernels,
    counters,
    now,
    bytes: new Uint8Array(memory.buffer),
    view: new DataView(memory.buffer),
  };
  const machines = systemByName(layout.systemName).attach(services);
  const storeState = new StoreState(memory, layout.store);
  const servers = new Map<number, CoreServer>();
  return {
    spec,
    services,
    kernels,
    counters,
    hardware,
    transport,
    machines,
    storeState,
    coreServer(core: number): CoreServer {
      const existing = servers.get(core);
      if (existing !== undefined) return existing;
      const devices = new Map<number, DeviceStore>();
      const collector = new GarbageCollector();
      for (let device = 0; device < config.ssds; device++) {
        if (coreOfDevice(config, device) === core) devices.set(device, new DeviceStore(device, config, layout.store, storeState, collector));
      }
      const server: CoreServer = { core, storeState, locks: new BucketLocks(), devices, afterCommit: machines.afterCommit };
      servers.set(core, server);
      return server;
    },
    forgetCoreServers(): void {
      servers.clear();
    },
  };
}

export type { ResolvedConfig };
