/**
 * The simulator: one thread, virtual nanoseconds, deterministic by seed.
 *
 * Every logical client and every in-flight RPC handler is a machine. When a machine yields
 * a verb, the simulator computes from the hardware profile when the verb reaches its target
 * and applies its effect then, through the same `Hardware` the live engine uses; shared
 * resources are queues with a "free at" time: the NIC (message rate), the NIC's path into
 * the DPU's Arm memory (message rate), each address's atomics, each SSD's parallel units
 * (service time), the client CPU threads (with `clientCores`), and the DPU's physical
 * threads. The protocol's handlers belong to logical cores (one per SSD shard), but their
 * CPU time runs on the profile's pools (src/hw/profile.ts, dpuThreadPools): RPC receive
 * and reply on the RDMA threads, NVMe submission and completion on the SSD workers, each on
 * the pool's first free thread — the artifact's 3 RDMA threads + 4 SSD workers shared by
 * all SSDs on 8 cores.
 *
 * Clients run ahead on their own clocks. Between two verbs a client's machine touches only
 * its own registered buffer, so once a verb's effect has been applied (at its arrival time)
 * the machine can be stepped at once with its clock set to when the completion gets back;
 * its next verb then leaves at that time. A cache hit costs two events (the READ and the
 * posted WRITE of the access time) instead of four, and a backoff costs none. Resources are
 * still allocated in global time order: an NVMe command reserves an SSD unit in an event at
 * its arrival, not when it is issued.
 *
 * Ties in time are broken by scheduling order, and every random choice comes from the
 * seeded per-client streams in WebAssembly, so the same seed replays the same run bit for bit.
 */
import { ProtocolError, ScalioError } from '../../errors.js';
import { Counter, CoreCounter, type Counters } from '../../hw/counters.js';
import type { Hardware } from '../../hw/hardware.js';
import { type HardwareProfile, dpuThreadPools } from '../../hw/profile.js';
import { SsdTiming } from '../../hw/ssd-timing.js';
import { type Verb, VerbIssuer, VerbKind, VERB_NAMES } from '../../hw/verbs.js';
import { BLOCK_BYTES } from '../../layout/store.js';
import { ClientContext, HandlerContext } from '../../systems/context.js';
import { type ClusterSpec, POSTED_WRITES_PER_CLIENT, POSTED_WRITE_BYTES_MAX, type ThreadNode, attachThread, rebootDpu } from '../cluster.js';
import { ClientRunner, HistoryRecorder, type OperationSource, OperationStats } from '../driver.js';
import { AtomicClocks } from './atomic-clocks.js';
import { EventQueue } from './event-queue.js';
import { type FaultReport, type FaultSchedule, FaultRandom, checkFaultsFor, hasFaults } from './faults.js';
import { systemByName } from '../../systems/registry.js';

/** Event kinds. `target` is a client id, a global handler id or a staging slot. */
const Event = {
  /** A client's RDMA verb reaches the DPU's NIC: apply it, step the client. */
  clientVerbArrives: 0,
  /** A posted WRITE reaches the NIC (target: staging slot). */
  postedWriteArrives: 1,
  /** A client's offloaded NVMe command reaches its SSD: reserve a unit. */
  clientNvmeArrives: 2,
  /** A client's NVMe command completes on the SSD: apply it, step the client. */
  clientNvmeCompletes: 3,
  /** A client's RPC request reaches the DPU. */
  rpcArrives: 4,
  /** An RPC response reaches its client: step the client. */
  responseArrives: 5,
  /** A handler may run its next step (if its core is free). */
  resumeHandler: 6,
  /** A handler's NVMe command reaches its SSD: reserve a unit. */
  handlerNvmeArrives: 7,
  /** A handler's NVMe command completes: apply it. */
  handlerNvmeCompletes: 8,
  /** A parked handler's time limit ran out (value: the park it belongs to). */
  handlerParkTimeout: 9,
  /** An RPC request has crossed the NIC → Arm-memory path: it is in the core's ring. */
  rpcDelivered: 10,
  /** The standard NVMe-oF target's DPU core has handled a client's command: it goes to the SSD. */
  clientNvmeTargetServed: 11,
  /** DPU core 0's periodic work (the system's housekeeping: Scalio's cache epoch and sweep). */
  housekeeping: 12,
  /** A client cut off by a fault begins its next operation (a dead client's new process). */
  clientRestart: 13,
  /** The DPU restarts (fault schedule). */
  dpuRestart: 14,
} as const;

/** Events a DPU restart keeps: the schedule's own; everything on the wire or in the DPU is lost. */
const SURVIVES_DPU_RESTART = new Set<number>([Event.housekeeping, Event.clientRestart, Event.dpuRestart]);

export interface SimRunOptions {
  readonly profile: HardwareProfile;
  /** Builds this thread's operation source (it configures the kernels it uses). */
  readonly source: (node: ThreadNode) => OperationSource;
  /** Operations each client runs. */
  readonly operationsPerClient: (client: number) => number;
  readonly recordHistory: boolean;
  /** Bound on processed events, so a livelocked protocol ends with an error instead of never. */
  readonly eventsMax?: number;
  /** Virtual time to start at: a measured phase continues the clock of its warm-up phase. */
  readonly startTimeNs?: number;
  /** Keep the clients' random streams where a previous phase left them instead of seeding them. */
  readonly continueRandomStreams?: boolean;
  /** Crash the DPU while its cores apply their n-th NVMe command (see CrashPlan). */
  readonly crash?: CrashPlan;
  /** No operation starts at or after this virtual time (a run of a given duration). */
  readonly stopAtNs?: number;
  /** Told every so often how many operations have completed and where virtual time is. */
  readonly onProgress?: (completedOperations: number, nowNs: number) => void;
  /** Faults to inject (./faults.ts): client deaths and stalls, DPU restarts. */
  readonly faults?: FaultSchedule;
}

/** With faults on, the cache audit runs this often when the system has no housekeeping of its own. */
const AUDIT_INTERVAL_NS = 1_000_000;
/** With faults on, the periodic cache audit checks about this many slots per housekeeping tick. */
const AUDIT_SLOTS_PER_TICK = 65_536;

/** Events between progress reports. */
const PROGRESS_EVENTS = 1 << 16;

/**
 * A DPU crash for testing durability: the cores complete NVMe writes 1..n-1 and die during
 * write n (a crash between writes leaves the SSDs as one during the next write, since reads
 * change nothing). The write cut off has none of its blocks on the SSD, or, with
 * `tearWrites`, only its first few: a multi-block write is not atomic on an SSD.
 */
export interface CrashPlan {
  readonly afterCoreWrites: number;
  readonly tearWrites: boolean;
}

/** Thrown inside the simulation to stop it where the DPU died. */
class DpuCrash extends Error {}

export interface SimRunOutput {
  readonly node: ThreadNode;
  readonly stats: OperationStats;
  readonly source: OperationSource;
  readonly history: Float64Array | null;
  /** Virtual time from the first operation's start to the last one's end. */
  readonly durationNs: number;
  /** Virtual time when the last operation ended. */
  readonly endTimeNs: number;
  readonly events: number;
  readonly wallMs: number;
  /** True if the run stopped at a DPU crash (CrashPlan). */
  readonly crashed: boolean;
  /** With a history: the operations under way at the crash, return tick -1. */
  readonly inFlight: Float64Array | null;
  /** What the fault schedule did (null without one). */
  readonly faults: FaultReport | null;
}

/** Kinds of DPU-core work (for the pools they run on and the counters they add to). */
const Work = { rpc: 0, ssdIo: 1, nvmeTarget: 2 } as const;
const WORK_COUNTERS = [Counter.dpuBusyRpcNs, Counter.dpuBusySsdIoNs, Counter.dpuBusyNvmeTargetNs];

interface CoreState {
  readonly handlers: HandlerContext[];
  readonly machines: (Generator<Verb, number, number> | null)[];
  /** CPU to charge before a handler's next step (receive, NVMe completion), and its kind of work. */
  readonly pendingCostNs: Float64Array;
  readonly pendingWork: Uint8Array;
  readonly freeHandlers: number[];
  /** 1 while a handler is parked; its park number, so a stale time-out is ignored. */
  readonly parked: Uint8Array;
  readonly parkNumber: Int32Array;
  /** 1 once a handler has sent its response (it may go on with housekeeping). */
  readonly responded: Uint8Array;
}

export class SimEngine {
  private readonly queue = new EventQueue();
  private now = 0;
  private readonly node: ThreadNode;
  // Read on every event: held here rather than reached through node and spec each time.
  private readonly hardware: Hardware;
  private readonly counters: Counters;
  private readonly handlersPerCore: number;
  private readonly nvmeTargetOffload: boolean;
  private readonly profile: HardwareProfile;
  private readonly runners: ClientRunner[] = [];
  /** Each client's own clock: where its machine is in virtual time. */
  private readonly clientTimeNs: Float64Array;
  private readonly cores: CoreState[] = [];
  private readonly ssdTiming: SsdTiming;
  private nicFreeAt = 0;
  /** The NIC → Arm-memory path: one message at a time. */
  private dpuMemoryPathFreeAt = 0;
  /** When the NIC is done with the atomics queued on each address. */
  private readonly atomicClocks = new AtomicClocks();
  /** Physical DPU threads: when each is free, and the pool each kind of work runs on. */
  private readonly dpuThreadFreeAt: Float64Array;
  private readonly pools: readonly (readonly number[])[];
  /** Client CPU threads (config.clientCores; none: each client has its own). */
  private readonly clientCpuFreeAt: Float64Array;
  private readonly stats = new OperationStats();
  private readonly history: HistoryRecorder | null;
  private readonly source: OperationSource;
  /**
   * Posted writes in flight, by staging slot (POSTED_WRITES_PER_CLIENT per client): their
   * payload sits in the simStaging region, as a NIC holds an inline send's data; they are
   * applied at arrival by a per-client issuer whose registered buffer is its staging slots.
   */
  private readonly postedRemoteKey: Int32Array;
  private readonly postedRemoteAddress: Float64Array;
  private readonly postedLength: Int32Array;
  private readonly postedNext: Int32Array;
  private readonly postingIssuers: VerbIssuer[] = [];
  private readonly stagingBase: number;
  private firstStartNs = Number.POSITIVE_INFINITY;
  private lastEndNs = 0;
  /** NVMe writes the DPU cores have completed (for a CrashPlan). */
  private coreWrites = 0;
  private readonly faults: FaultSchedule | null;
  private readonly faultRandom: FaultRandom;
  private clientDeaths = 0;
  private clientStalls = 0;
  private dpuRestarts = 0;
  private operationsCut = 0;
  private recoveryWallMs = 0;
  /** Until when the DPU is down after a restart: no client operation starts before. */
  private dpuUpAtNs = 0;
  private housekeepingTicks = 0;

  constructor(readonly spec: ClusterSpec, private readonly options: SimRunOptions) {
    const config = spec.layout.config;
    this.profile = options.profile;
    this.node = attachThread(spec, () => this.now);
    this.hardware = this.node.hardware;
    this.counters = this.node.counters;
    this.handlersPerCore = spec.layout.handlersPerCore;
    this.nvmeTargetOffload = config.nvmeTargetOffload === 1;
    this.history = options.recordHistory ? new HistoryRecorder() : null;
    this.faults = hasFaults(options.faults) ? options.faults : null;
    this.faultRandom = new FaultRandom(config.seed);
    if (this.faults !== null) checkFaultsFor(this.faults, systemByName(spec.layout.systemName));
    this.source = options.source(this.node);
    this.now = options.startTimeNs ?? 0;
    this.clientTimeNs = new Float64Array(config.clients).fill(this.now);
    this.lastEndNs = this.now;
    for (let client = 0; client < config.clients; client++) {
      const context = new ClientContext(client, this.node.services);
      context.clock = () => this.clientTimeNs[client];
      if (options.continueRandomStreams !== true) this.node.kernels.randomSeed(context.arena.random, config.seed, client);
      const runner = new ClientRunner(
        context, this.node.machines, this.source, options.operationsPerClient(client), this.stats, this.history, () => this.clientTimeNs[client],
      );
      runner.stopAtNs = options.stopAtNs ?? Number.POSITIVE_INFINITY;
      this.runners.push(runner);
    }
    this.buildCores();
    this.ssdTiming = new SsdTiming(this.profile, config.ssds);
    this.dpuThreadFreeAt = new Float64Array(config.dpuCores);
    const pools = dpuThreadPools(this.profile, config.dpuCores);
    // The standard NVMe-oF target's commands run on the SSD workers (they poll the SSDs).
    this.pools = [pools.rdma, pools.ssd, pools.ssd];
    this.clientCpuFreeAt = new Float64Array(config.clientCores);
    const stagingSlots = config.clients * POSTED_WRITES_PER_CLIENT;
    this.postedRemoteKey = new Int32Array(stagingSlots).fill(-1);
    this.postedRemoteAddress = new Float64Array(stagingSlots);
    this.postedLength = new Int32Array(stagingSlots);
    this.postedNext = new Int32Array(config.clients);
    this.stagingBase = spec.layout.plan.regions.simStaging.base;
    const stagingBytes = POSTED_WRITES_PER_CLIENT * POSTED_WRITE_BYTES_MAX;
    for (let client = 0; client < config.clients; client++) {
      this.postingIssuers.push(new VerbIssuer(`client ${client} (posted write)`, this.stagingBase + client * stagingBytes, stagingBytes, -1));
    }
  }

  /** The DPU cores' handlers, over fresh core servers (at the start, and after a DPU restart). */
  private buildCores(): void {
    const spec = this.spec;
    const config = spec.layout.config;
    this.cores.length = 0;
    for (let core = 0; core < config.dpuCores; core++) {
      const server = this.node.coreServer(core);
      const state: CoreState = {
        handlers: [],
        machines: [],
        pendingCostNs: new Float64Array(spec.layout.handlersPerCore),
        pendingWork: new Uint8Array(spec.layout.handlersPerCore),
        freeHandlers: [],
        parked: new Uint8Array(spec.layout.handlersPerCore),
        parkNumber: new Int32Array(spec.layout.handlersPerCore),
        responded: new Uint8Array(spec.layout.handlersPerCore),
      };
      for (let slot = spec.layout.handlersPerCore - 1; slot >= 0; slot--) state.freeHandlers.push(slot);
      for (let slot = 0; slot < spec.layout.handlersPerCore; slot++) {
        const handler = new HandlerContext(server, slot, this.node.services);
        const handlerId = core * spec.layout.handlersPerCore + slot;
        handler.wake = () => {
          // Waking a handler that is not parked (its time-out already fired) does nothing.
          if (state.parked[slot] === 0) return;
          state.parked[slot] = 0;
          state.parkNumber[slot]++;
          this.queue.push(this.now, Event.resumeHandler, handlerId, 1);
        };
        state.handlers.push(handler);
        state.machines.push(null);
      }
      this.cores.push(state);
    }
  }

  run(): SimRunOutput {
    const started = performance.now();
    const eventsMax = this.options.eventsMax ?? Number.POSITIVE_INFINITY;
    let events = 0;
    let crashed = false;
    try {
      for (const runner of this.runners) this.startNextOperation(runner);
      if (this.periodNs() > 0) this.queue.push(this.now + this.periodNs(), Event.housekeeping, 0, 0);
      if (this.faults?.dpuRestart !== undefined) this.queue.push(this.now + this.faults.dpuRestart.everyNs, Event.dpuRestart, 0, 0);
      const queue = this.queue;
      while (queue.size > 0) {
        queue.pop();
        this.now = queue.time;
        if (++events > eventsMax) {
          throw new ScalioError(`the simulation processed ${eventsMax} events without finishing: a livelock, or a run too long for eventsMax`);
        }
        if ((events & (PROGRESS_EVENTS - 1)) === 0 && this.options.onProgress !== undefined) this.options.onProgress(this.stats.operations, this.now);
        this.dispatch(queue.kind, queue.target, queue.value);
      }
    } catch (error) {
      if (error instanceof DpuCrash) {
        crashed = true;
      } else {
        if (error instanceof Error) {
          error.message += ` [simulation seed ${this.spec.layout.config.seed}, virtual time ${this.now} ns, event ${events}]`;
        }
        throw error;
      }
    }
    let inFlight: Float64Array | null = null;
    if (crashed) {
      const recorder = new HistoryRecorder();
      for (const runner of this.runners) runner.recordInFlight(recorder);
      inFlight = this.history !== null ? recorder.entries() : null;
    } else {
      for (const runner of this.runners) {
        if (runner.machine !== null || runner.remaining > 0) throw new Error(`client ${runner.context.client} did not finish: the event queue ran dry`);
      }
    }
    const faults = this.faults === null ? null : this.faultReport(crashed);
    const durationNs = this.lastEndNs > this.firstStartNs ? this.lastEndNs - this.firstStartNs : 0;
    return {
      node: this.node,
      stats: this.stats,
      source: this.source,
      history: this.history?.view() ?? null,
      durationNs,
      endTimeNs: this.lastEndNs,
      events,
      wallMs: performance.now() - started,
      crashed,
      inFlight,
      faults,
    };
  }

  /**
   * What the faults did; and the end-of-run check that no cache reservation outlived its
   * lease (a slot pending for longer than the system's bound is a ProtocolError).
   */
  private faultReport(crashed: boolean): FaultReport {
    const cacheAudit = crashed ? null : this.auditCache();
    return {
      clientDeaths: this.clientDeaths,
      clientStalls: this.clientStalls,
      dpuRestarts: this.dpuRestarts,
      operationsCut: this.operationsCut,
      recoveryWallMs: this.recoveryWallMs,
      cacheAudit,
    };
  }

  /** Audits the cache's reservations: one pending longer than the system's bound is a ProtocolError. */
  private auditCache() {
    const audit = this.node.machines.auditCache?.() ?? null;
    if (audit === null) return null;
    if (audit.longestPendingNs > audit.boundNs) {
      throw new ProtocolError(
        `a cache slot stayed pending with the same reservation for ${audit.longestPendingNs / 1e6} ms, beyond the lease bound of ${audit.boundNs / 1e6} ms`,
      );
    }
    return audit;
  }

  /** Whether any client still has an operation under way or to start. */
  private clientsBusy(): boolean {
    for (const runner of this.runners) if (runner.machine !== null || runner.remaining > 0) return true;
    return false;
  }

  /**
   * The period of DPU core 0's periodic work: the system's housekeeping if it has any; else,
   * with faults on and a cache to audit, the audit's own (0: nothing periodic).
   */
  private periodNs(): number {
    const machines = this.node.machines;
    if (machines.housekeeping !== undefined) return machines.housekeeping.intervalNs;
    return this.faults !== null && machines.auditCache !== undefined ? AUDIT_INTERVAL_NS : 0;
  }

  /** DPU core 0 runs the system's periodic work (not while the DPU is down), and the audit with faults on. */
  private runHousekeeping(): void {
    const housekeeping = this.node.machines.housekeeping;
    if (!this.clientsBusy()) {
      // The clients are done. With faults and leases, the DPU runs on until every
      // reservation a dead or stalled client left has been taken back (the audit below
      // fails the run if one outlives its bound), so the promise is checked to the end.
      if (housekeeping === undefined || this.faults === null || this.now < this.dpuUpAtNs) return;
      if ((this.node.machines.auditCache?.().pendingSlots ?? 0) === 0) return;
    }
    if (this.now >= this.dpuUpAtNs) {
      if (housekeeping !== undefined) {
        // DPU core 0's thread does it, whichever pool it serves.
        this.reserveThread(0, this.now, housekeeping.run());
      }
      // With faults on, the lease bound is checked all along, not only at the end: every
      // period (a larger cache every few, to keep the audit's cost near one sweep's).
      const slots = this.spec.layout.config.cacheSlots;
      if (this.faults !== null && ++this.housekeepingTicks % Math.max(1, Math.ceil(slots / AUDIT_SLOTS_PER_TICK)) === 0) this.auditCache();
    }
    this.queue.push(this.now + this.periodNs(), Event.housekeeping, 0, 0);
  }

  /**
   * Before a client's verb leaves: the fault schedule may stall the client (its clock jumps)
   * or kill it (its operation is cut; it comes back later with its next one). True if it died.
   */
  private clientFault(runner: ClientRunner): boolean {
    const faults = this.faults as FaultSchedule;
    const client = runner.context.client;
    if (faults.clientStall !== undefined && this.faultRandom.next() < faults.clientStall.rate) {
      this.clientStalls++;
      this.clientTimeNs[client] += faults.clientStall.durationNs;
    }
    if (faults.clientDeath === undefined || this.faultRandom.next() >= faults.clientDeath.rate) return false;
    this.clientDeaths++;
    this.operationsCut++;
    runner.abandon();
    if (runner.remaining > 0) this.queue.push(this.clientTimeNs[client] + faults.clientDeath.restartNs, Event.clientRestart, client, 0);
    return true;
  }

  /**
   * The DPU restarts: every message on the wire and every step in the DPU is lost, clients
   * see their operations under way fail (cut: possibly effective), DPU DRAM is wiped and
   * the store's recovery rebuilds it from the SSDs; clients retry once the DPU is back.
   */
  private restartDpu(): void {
    const restart = (this.faults as FaultSchedule).dpuRestart;
    if (restart === undefined || !this.clientsBusy()) return;
    this.dpuRestarts++;
    this.dpuUpAtNs = this.now + restart.downNs;
    this.queue.retain((kind) => SURVIVES_DPU_RESTART.has(kind));
    for (const runner of this.runners) {
      if (runner.machine === null) continue;
      runner.abandon();
      this.operationsCut++;
      this.queue.push(this.dpuUpAtNs, Event.clientRestart, runner.context.client, 0);
    }
    this.postedRemoteKey.fill(-1);
    this.node.forgetCoreServers();
    const started = performance.now();
    rebootDpu(this.node);
    this.recoveryWallMs += performance.now() - started;
    // The audit sees the wiped cache, so that a reservation of the new boot that repeats a
    // word of the old one (the epoch counts from 0 again) is not taken for the old one.
    this.auditCache();
    this.buildCores();
    this.dpuThreadFreeAt.fill(this.dpuUpAtNs);
    this.queue.push(this.now + restart.everyNs, Event.dpuRestart, 0, 0);
  }

  private dispatch(kind: number, target: number, value: number): void {
    switch (kind) {
      case Event.clientVerbArrives: {
        const runner = this.runners[target];
        const verb = runner.context.verb;
        const result = this.hardware.execute(runner.context, verb);
        let done = this.dpuMemoryServed(this.nicServed(this.now));
        if (verb.kind === VerbKind.rdmaCompareSwap || verb.kind === VerbKind.rdmaFetchAdd) done = this.atomicServed(verb.remoteAddress, done);
        this.clientTimeNs[target] = done + this.returnTimeNs(verb);
        this.stepClient(runner, result);
        return;
      }
      case Event.postedWriteArrives:
        this.dpuMemoryServed(this.nicServed(this.now));
        this.applyPostedWrite(target);
        return;
      case Event.clientNvmeArrives: {
        const served = this.nicServed(this.now);
        if (this.nvmeTargetOffload) {
          this.queue.push(this.ssdCompletion(this.runners[target].context.verb, served), Event.clientNvmeCompletes, target, 0);
        } else {
          // The standard target: a DPU core receives the command and submits it to the SSD.
          this.queue.push(this.reserveDpu(Work.nvmeTarget, this.dpuMemoryServed(served), this.profile.nvmeTargetCommandNs), Event.clientNvmeTargetServed, target, 0);
        }
        return;
      }
      case Event.clientNvmeTargetServed:
        this.queue.push(this.ssdCompletion(this.runners[target].context.verb, this.now), Event.clientNvmeCompletes, target, 0);
        return;
      case Event.clientNvmeCompletes: {
        const runner = this.runners[target];
        const verb = runner.context.verb;
        const result = this.hardware.execute(runner.context, verb);
        this.clientTimeNs[target] = this.now + this.returnTimeNs(verb);
        this.stepClient(runner, result);
        return;
      }
      case Event.rpcArrives: {
        // The request is written into the core's ring in Arm memory: it crosses the card's switch.
        const delivered = this.dpuMemoryServed(this.nicServed(this.now));
        if (delivered > this.now) this.queue.push(delivered, Event.rpcDelivered, target, 0);
        else this.deliverRpc(target);
        return;
      }
      case Event.rpcDelivered:
        this.deliverRpc(target);
        return;
      case Event.responseArrives:
        this.clientTimeNs[target] = this.now;
        this.stepClient(this.runners[target], 0);
        return;
      case Event.resumeHandler:
        this.resumeHandler(target, value);
        return;
      case Event.handlerNvmeArrives: {
        const verb = this.handlerOf(target).verb;
        let completion = this.now;
        if (verb.kind === VerbKind.nvmeReadBatch) {
          // The reads run side by side on the SSD's units; the batch is done when all are.
          for (let range = 0; range < verb.rangeCount; range++) {
            completion = Math.max(completion, this.ssdTiming.completion(verb.device, false, verb.ranges[3 * range + 1], this.now));
          }
        } else {
          completion = this.ssdCompletion(verb, this.now);
        }
        this.queue.push(completion, Event.handlerNvmeCompletes, target, 0);
        return;
      }
      case Event.handlerNvmeCompletes: {
        const handler = this.handlerOf(target);
        const verb = handler.verb;
        const commands = verb.kind === VerbKind.nvmeReadBatch ? verb.rangeCount : 1;
        if (this.options.crash !== undefined && verb.kind === VerbKind.nvmeWrite) this.maybeCrash(verb, this.options.crash);
        const result = this.hardware.execute(handler, verb);
        const core = this.cores[handler.server.core];
        core.pendingCostNs[handler.slot] += commands * this.profile.coreNvmeCompleteNs;
        core.pendingWork[handler.slot] = Work.ssdIo;
        this.resumeHandler(target, result);
        return;
      }
      case Event.housekeeping:
        this.runHousekeeping();
        return;
      case Event.clientRestart: {
        const runner = this.runners[target];
        if (this.clientTimeNs[target] < this.now) this.clientTimeNs[target] = this.now;
        this.startNextOperation(runner);
        return;
      }
      case Event.dpuRestart:
        this.restartDpu();
        return;
      case Event.handlerParkTimeout: {
        const handler = this.handlerOf(target);
        const core = this.cores[handler.server.core];
        if (core.parked[handler.slot] === 0 || core.parkNumber[handler.slot] !== value) return;
        core.parked[handler.slot] = 0;
        core.parkNumber[handler.slot]++;
        this.resumeHandler(target, 0);
        return;
      }
      default:
        throw new Error(`unknown simulator event ${kind}`);
    }
  }

  /** Counts the cores' NVMe writes; dies during the planned one, tearing it if asked. */
  private maybeCrash(verb: Verb, plan: CrashPlan): void {
    if (++this.coreWrites < plan.afterCoreWrites) return;
    if (plan.tearWrites && verb.blockCount > 1) {
      // A deterministic prefix of the write reaches the SSD: between none and all but one block.
      const blocks = Math.floor(plan.afterCoreWrites * 2654435761 + this.spec.layout.config.seed) % verb.blockCount;
      if (blocks > 0) this.node.hardware.ssds.write(verb.device, verb.block, blocks, this.node.services.bytes, verb.localAddress);
    }
    throw new DpuCrash(`the DPU crashed during its NVMe write ${plan.afterCoreWrites}`);
  }

  private handlerOf(handlerId: number): HandlerContext {
    const perCore = this.handlersPerCore;
    return this.cores[Math.floor(handlerId / perCore)].handlers[handlerId % perCore];
  }

  /** Begins a client's next operation after its think time, and runs it to its first wait. */
  private startNextOperation(runner: ClientRunner): void {
    const client = runner.context.client;
    // A client starts only once the DPU is up (after a restart, it retries then).
    let start = this.clientCpu(client, this.profile.clientOperationNs);
    if (start < this.dpuUpAtNs) {
      start = this.dpuUpAtNs;
      this.clientTimeNs[client] = start;
    }
    if (!runner.begin(start, start)) return;
    if (start < this.firstStartNs) this.firstStartNs = start;
    this.stepClient(runner, 0);
  }

  /**
   * Runs a client's machine on its own clock until it yields a verb it must wait for
   * (scheduled as an event) or its operation ends (the next one begins). Posted writes and
   * backoffs do not stop it: they only move its clock.
   */
  private stepClient(runner: ClientRunner, input: number): void {
    const client = runner.context.client;
    let value = input;
    for (;;) {
      if (runner.machine === null) throw new Error(`client ${client} stepped with no operation`);
      const step = runner.advance(value);
      if (step.done === true) {
        const end = this.clientTimeNs[client];
        runner.finish(end, end, step.value);
        if (end > this.lastEndNs) this.lastEndNs = end;
        if (runner.remaining === 0) return;
        const start = this.clientCpu(client, this.profile.clientOperationNs);
        if (!runner.begin(start, start)) return;
        value = 0;
        continue;
      }
      if (this.faults !== null && this.clientFault(runner)) return;
      if (!this.issueClientVerb(runner.context, step.value)) return;
      value = 0;
    }
  }

  /** Schedules a client's verb; true if the client goes on at once (a posted write, a backoff). */
  private issueClientVerb(context: ClientContext, verb: Verb): boolean {
    const profile = this.profile;
    const client = context.client;
    if (verb.kind !== VerbKind.sleep) {
      this.clientCpu(client, verb.kind === VerbKind.nvmeRead ? profile.clientVerbNs + profile.clientNvmeInitiatorNs : profile.clientVerbNs);
    }
    const time = this.clientTimeNs[client];
    switch (verb.kind) {
      case VerbKind.rdmaRead:
      case VerbKind.rdmaCompareSwap:
      case VerbKind.rdmaFetchAdd:
        this.queue.push(time + profile.networkOneWayNs, Event.clientVerbArrives, client, 0);
        return false;
      case VerbKind.rdmaWrite: {
        const arrival = time + profile.networkOneWayNs + verb.length / profile.linkBytesPerNs;
        if (verb.signaled) {
          this.queue.push(arrival, Event.clientVerbArrives, client, 0);
          return false;
        }
        // Posted (inline) write: the payload is copied at post time and the client goes on.
        this.queue.push(arrival, Event.postedWriteArrives, this.stagePostedWrite(context, verb), 0);
        return true;
      }
      case VerbKind.nvmeRead:
        this.queue.push(time + profile.networkOneWayNs + profile.nvmeOverFabricNs, Event.clientNvmeArrives, client, 0);
        return false;
      case VerbKind.rpc:
        this.queue.push(time + profile.networkOneWayNs + verb.requestLength / profile.linkBytesPerNs, Event.rpcArrives, client, 0);
        return false;
      case VerbKind.sleep:
        this.clientTimeNs[client] = time + verb.durationNs;
        return true;
      default:
        throw new ScalioError(`${context.description} issued ${VERB_NAMES[verb.kind] ?? verb.kind}, which clients cannot issue`);
    }
  }

  /** Time from a client verb's effect at the target until its completion reaches the client. */
  private returnTimeNs(verb: Verb): number {
    const profile = this.profile;
    switch (verb.kind) {
      case VerbKind.rdmaRead:
        return verb.length / profile.linkBytesPerNs + profile.networkOneWayNs;
      case VerbKind.nvmeRead:
        return (verb.blockCount * BLOCK_BYTES) / profile.linkBytesPerNs + profile.networkOneWayNs;
      default:
        return profile.networkOneWayNs;
    }
  }

  /**
   * When a message that reached the NIC now has been processed: the NIC serves one message
   * at a time. Called from arrival events, so messages queue in arrival order. The verb's
   * effect is applied on arrival; only its completion waits for the queue (an error of at
   * most the queueing delay, nanoseconds unless the NIC's message rate is the bottleneck).
   */
  private nicServed(arrival: number): number {
    const start = Math.max(arrival, this.nicFreeAt);
    this.nicFreeAt = start + this.profile.nicMessageNs;
    return this.nicFreeAt;
  }

  /** When a message the NIC has served reaches the DPU's Arm memory (one message at a time on the path). */
  private dpuMemoryServed(time: number): number {
    const start = Math.max(time, this.dpuMemoryPathFreeAt);
    this.dpuMemoryPathFreeAt = start + this.profile.dpuMemoryPathMessageNs;
    return this.dpuMemoryPathFreeAt + this.profile.dpuMemoryPathNs;
  }

  /** When an atomic that reached its address at `time` is done: atomics on one address run one at a time. */
  private atomicServed(address: number, time: number): number {
    return this.atomicClocks.served(address, time, this.profile.atomicSerialNs, this.now);
  }

  /**
   * Runs `costNs` of DPU work of a kind on the first free thread of its pool, from `time`;
   * returns when it is done. Counts the thread's busy time and the kind's.
   */
  private reserveDpu(work: number, time: number, costNs: number): number {
    const pool = this.pools[work];
    let thread = pool[0];
    for (let index = 1; index < pool.length; index++) if (this.dpuThreadFreeAt[pool[index]] < this.dpuThreadFreeAt[thread]) thread = pool[index];
    this.counters.add(WORK_COUNTERS[work], costNs);
    return this.reserveThread(thread, time, costNs);
  }

  /** Spends `costNs` of DPU thread `thread` from `time` on (after its earlier work); returns when it is done. */
  private reserveThread(thread: number, time: number, costNs: number): number {
    const start = Math.max(time, this.dpuThreadFreeAt[thread]);
    this.dpuThreadFreeAt[thread] = start + costNs;
    this.counters.addCore(thread, CoreCounter.busyNs, costNs);
    return start + costNs;
  }

  /** Spends `costNs` of a client's CPU from its clock (on its shared client core, if any); returns its new clock. */
  private clientCpu(client: number, costNs: number): number {
    let time = this.clientTimeNs[client];
    const cores = this.clientCpuFreeAt.length;
    if (cores > 0) {
      const core = client % cores;
      time = Math.max(time, this.clientCpuFreeAt[core]);
      this.clientCpuFreeAt[core] = time + costNs;
    }
    this.counters.add(Counter.clientBusyNs, costNs);
    this.clientTimeNs[client] = time + costNs;
    return time + costNs;
  }

  /** An RPC's request is in its core's ring: count it and give it a handler if one is free. */
  private deliverRpc(client: number): void {
    const verb = this.runners[client].context.verb;
    this.node.transport.send(client, verb.core, verb.requestLength);
    this.counters.add(Counter.rpcs);
    this.startHandlers(verb.core);
  }

  /** When an NVMe command reaching its SSD now completes, on the earliest free parallel unit. */
  private ssdCompletion(verb: Verb, arrival: number): number {
    return this.ssdTiming.completion(verb.device, verb.kind === VerbKind.nvmeWrite, verb.blockCount, arrival);
  }

  /** Copies a posted write's payload to the client's staging slot; returns the slot. */
  private stagePostedWrite(context: ClientContext, verb: Verb): number {
    if (verb.length > POSTED_WRITE_BYTES_MAX) {
      throw new ScalioError(`${context.description} posted a ${verb.length}-byte WRITE; posted (inline) writes carry at most ${POSTED_WRITE_BYTES_MAX} bytes`);
    }
    const client = context.client;
    const slot = client * POSTED_WRITES_PER_CLIENT + this.postedNext[client];
    if (this.postedRemoteKey[slot] >= 0) throw new Error(`${context.description} has more than ${POSTED_WRITES_PER_CLIENT} posted writes in flight`);
    this.postedNext[client] = (this.postedNext[client] + 1) % POSTED_WRITES_PER_CLIENT;
    this.node.kernels.copyBytes(this.stagingBase + slot * POSTED_WRITE_BYTES_MAX, verb.localAddress, verb.length);
    this.postedRemoteKey[slot] = verb.remoteKey;
    this.postedRemoteAddress[slot] = verb.remoteAddress;
    this.postedLength[slot] = verb.length;
    return slot;
  }

  /** Applies a posted write from its staging slot, issued by the client's posting issuer. */
  private applyPostedWrite(slot: number): void {
    const issuer = this.postingIssuers[Math.floor(slot / POSTED_WRITES_PER_CLIENT)];
    const verb = issuer.verb;
    verb.kind = VerbKind.rdmaWrite;
    verb.remoteKey = this.postedRemoteKey[slot];
    verb.remoteAddress = this.postedRemoteAddress[slot];
    verb.localAddress = this.stagingBase + slot * POSTED_WRITE_BYTES_MAX;
    verb.length = this.postedLength[slot];
    this.postedRemoteKey[slot] = -1;
    this.hardware.execute(issuer, verb);
  }

  /** The reply: the core spends the reply cost, then the response travels to the client. */
  private sendResponse(coreIndex: number, slot: number, length: number): void {
    const core = this.cores[coreIndex];
    const handler = core.handlers[slot];
    const sent = this.reserveDpu(Work.rpc, this.now, this.profile.coreRpcReplyNs);
    this.counters.addCore(coreIndex, CoreCounter.rpcsHandled);
    this.node.transport.respond(handler.client, handler.arena.response, length);
    // The NIC reads the response from Arm memory, then sends it.
    const arrival = this.dpuMemoryServed(sent) + this.profile.networkOneWayNs + length / this.profile.linkBytesPerNs;
    this.queue.push(arrival, Event.responseArrives, handler.client, 0);
  }

  /** Gives each request waiting on a core's ring a free handler. */
  private startHandlers(coreIndex: number): void {
    const core = this.cores[coreIndex];
    while (core.freeHandlers.length > 0) {
      const client = this.node.transport.take(coreIndex);
      if (client < 0) return;
      const slot = core.freeHandlers.pop() as number;
      const handler = core.handlers[slot];
      handler.client = client;
      handler.requestAddress = this.node.transport.requestSlot(client);
      core.machines[slot] = this.node.machines.handle(handler);
      core.pendingCostNs[slot] = this.profile.coreRpcReceiveNs;
      core.pendingWork[slot] = Work.rpc;
      this.queue.push(this.now, Event.resumeHandler, coreIndex * this.handlersPerCore + slot, 0);
    }
  }

  /**
   * Runs a handler's next step: first the CPU owed for what it just received (request, NVMe
   * completion) on a thread of that work's pool, then the step itself, whose NVMe verb costs
   * an SSD worker submit time. Steps are instantaneous events between those charges.
   */
  private resumeHandler(handlerId: number, input: number): void {
    const perCore = this.handlersPerCore;
    const coreIndex = Math.floor(handlerId / perCore);
    const slot = handlerId % perCore;
    const core = this.cores[coreIndex];
    const owed = core.pendingCostNs[slot];
    if (owed > 0) {
      core.pendingCostNs[slot] = 0;
      this.queue.push(this.reserveDpu(core.pendingWork[slot], this.now, owed), Event.resumeHandler, handlerId, input);
      return;
    }
    const machine = core.machines[slot];
    if (machine === null) throw new Error(`DPU core ${coreIndex} handler ${slot} resumed with nothing to run`);
    const handler = core.handlers[slot];
    const step = machine.next(input);
    if (step.done === true) {
      if (core.responded[slot] === 0) this.sendResponse(coreIndex, slot, step.value);
      core.responded[slot] = 0;
      core.machines[slot] = null;
      handler.client = -1;
      core.freeHandlers.push(slot);
      this.startHandlers(coreIndex);
      return;
    }
    const verb = step.value;
    switch (verb.kind) {
      case VerbKind.respond:
        this.sendResponse(coreIndex, slot, verb.requestLength);
        core.responded[slot] = 1;
        this.queue.push(this.now, Event.resumeHandler, handlerId, 0);
        return;
      case VerbKind.nvmeRead:
      case VerbKind.nvmeWrite:
      case VerbKind.nvmeReadBatch: {
        const submitNs = (verb.kind === VerbKind.nvmeReadBatch ? verb.rangeCount : 1) * this.profile.coreNvmeSubmitNs;
        this.queue.push(this.reserveDpu(Work.ssdIo, this.now, submitNs), Event.handlerNvmeArrives, handlerId, 0);
        return;
      }
      case VerbKind.sleep:
        this.queue.push(this.now + verb.durationNs, Event.resumeHandler, handlerId, 0);
        return;
      case VerbKind.park:
        // Resumed by handler.wake(), or by the time-out if it has one.
        core.parked[slot] = 1;
        if (verb.durationNs > 0) this.queue.push(this.now + verb.durationNs, Event.handlerParkTimeout, handlerId, core.parkNumber[slot]);
        return;
      default:
        throw new ScalioError(`${handler.description} issued ${VERB_NAMES[verb.kind] ?? verb.kind}; DPU cores reach their DRAM directly and SSDs by NVMe`);
    }
  }
}
