/**
 * A system under test (Scalio, LEED, LEED+Ditto, ...): the DPU DRAM it needs, and the
 * machines that run its operations — on clients (GET, SET) and on DPU cores (RPC handlers).
 * Engines run these machines and know nothing else about the system.
 */
import type { ClusterConfig, ResolvedConfig } from '../config.js';
import type { RegionRequest } from '../hw/memory-plan.js';
import type { Machine } from '../hw/verbs.js';
import type { ClientContext, HandlerContext, ThreadServices } from './context.js';

export interface SystemDefinition {
  readonly name: string;
  readonly description: string;
  /** Settings this system runs with unless the user sets them (LEED does not batch writes). */
  readonly defaults?: Partial<ClusterConfig>;
  /** DPU DRAM regions beyond the store's and the RPC transport's. */
  regionRequests(config: ResolvedConfig): RegionRequest[];
  /** Scratch a client arena must hold for this system. */
  clientScratchBytes(config: ResolvedConfig): number;
  /** Scratch a DPU-core handler arena must hold for this system. */
  handlerScratchBytes(config: ResolvedConfig): number;
  /** Per thread: configures the kernels and binds the machines to this cluster's geometry. */
  attach(services: ThreadServices): SystemMachines;
  /**
   * A DPU restart (fault schedule) must take at least this long for the system to come back
   * safely (Scalio: its clients must see their copy of the cache epoch go stale first).
   */
  readonly restartMinimumNs?: number;
}

/** What `SystemMachines.getAtOnce` returns when the GET must run its machine. */
export const GET_NEEDS_MACHINE = -2;

export interface SystemMachines {
  /** GET of the key at `arena.key`: the value lands in `arena.value`; returns its length or NOT_FOUND. */
  get(context: ClientContext): Machine<number>;
  /**
   * Optional, for an engine whose verbs take effect at once (the live engine): completes the
   * GET's common case in one step, with the effects and counts of running `get` to its end
   * right now (one of its possible executions), and returns the value's length; or returns
   * GET_NEEDS_MACHINE having done nothing `get` depends on, and the engine runs `get`.
   * Protocol code never calls it, and an engine that times verbs (the simulator) must not.
   */
  getAtOnce?(context: ClientContext): number;
  /** SET of the key at `arena.key` to the `valueLength` bytes at `arena.value`; returns when acknowledged. */
  set(context: ClientContext, valueLength: number): Machine<void>;
  /** DELETE of the key at `arena.key`; returns whether it existed, once acknowledged. */
  delete(context: ClientContext): Machine<boolean>;
  /**
   * Serves the RPC at `context.requestAddress`: builds the response at `arena.response` and
   * sends it (returning its length, or yielding `respond` first to do housekeeping after).
   */
  handle(context: HandlerContext): Machine<number>;
  /** Runs on a DPU core right after a write of the key at `key` is committed, before it is acknowledged. */
  afterCommit(context: HandlerContext, key: number): void;
  /** Periodic work of DPU core 0 (Scalio: the cache epoch and the lease sweep), if any. */
  readonly housekeeping?: Housekeeping;
  /**
   * Audits the cache's reservations (systems with Scalio's slot cache): engines call it
   * periodically in a run with faults; each call observes every slot, on the DPU's clock.
   */
  auditCache?(): CacheAudit;
}

/** A DPU core's periodic task: engines run it every `intervalNs` of the DPU's clock. */
export interface Housekeeping {
  readonly intervalNs: number;
  /** Does one period's work on DPU DRAM; returns the core time it took (ns). */
  run(): number;
}

export interface CacheAudit {
  /** Slots FILLING or FILLING_INVALIDATED now. */
  readonly pendingSlots: number;
  /**
   * The longest any slot has been seen pending with one and the same state word (one
   * reservation), over the audits so far, in nanoseconds of the DPU's clock.
   */
  readonly longestPendingNs: number;
  /** No reservation may stay pending longer (Infinity: no leases, no bound). */
  readonly boundNs: number;
}
