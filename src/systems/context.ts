/**
 * What protocol code may touch. A client machine gets a `ClientContext`: its registered
 * buffer (arena), its kernels and counters, the cluster's layout, a clock, and verbs.
 * A DPU core's RPC handler gets a `HandlerContext`: its own buffers, the core's server state
 * (store state, bucket locks), direct access to DPU DRAM through kernels, and verbs for the
 * SSDs. Neither knows which engine runs it. They implement what the store asks of its
 * callers (src/store/context.ts: StoreReader, StoreContext), so the store needs nothing here.
 */
import type { ResolvedConfig } from '../config.js';
import type { ClientArenaLayout, HandlerArenaLayout } from '../hw/arena.js';
import type { Counters } from '../hw/counters.js';
import type { Kernels } from '../hw/kernels.js';
import type { MemoryPlan } from '../hw/memory-plan.js';
import { type Verb, VerbIssuer, VerbKind } from '../hw/verbs.js';
import type { StoreContext, StoreLayout, StoreReader, StoreServer } from '../store/context.js';
import type { StoreGeometry, StoreState } from '../store/geometry.js';

export { NOT_FOUND } from '../store/context.js';

/** The layout of a cluster: plain data, computed once and sent to every thread. */
export interface ClusterLayout extends StoreLayout {
  readonly config: ResolvedConfig;
  readonly systemName: string;
  readonly plan: MemoryPlan;
  readonly clientArena: ClientArenaLayout;
  readonly handlerArena: HandlerArenaLayout;
  /** In-flight RPC handlers per DPU core (more requests wait in the core's ring). */
  readonly handlersPerCore: number;
  readonly store: StoreGeometry;
}

/** Absolute addresses of a layout's fields, given its base. */
export type Addresses<Layout> = { readonly [Field in keyof Layout]: number };

export function absolute<Layout extends { readonly bytes: number }>(layout: Layout, base: number): Addresses<Layout> {
  const result: Record<string, number> = {};
  for (const [field, offset] of Object.entries(layout)) result[field] = field === 'bytes' ? offset : base + (offset as number);
  return result as Addresses<Layout>;
}

/** Services every machine of a thread shares. */
export interface ThreadServices {
  readonly layout: ClusterLayout;
  readonly kernels: Kernels;
  readonly counters: Counters;
  /** The engine's clock in nanoseconds (wall clock live, virtual time simulated). */
  readonly now: () => number;
  /** Views of the shared memory for the few header fields written from TypeScript. */
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

export class ClientContext extends VerbIssuer implements StoreReader {
  readonly arena: Addresses<ClientArenaLayout>;
  readonly kernels: Kernels;
  readonly counters: Counters;
  readonly layout: ClusterLayout;
  /**
   * This client's clock. The thread's clock by default; the simulator gives each client its
   * own (a client's machine may run ahead of global virtual time between its verbs).
   */
  clock: () => number;

  constructor(readonly client: number, readonly services: ThreadServices) {
    const layout = services.layout;
    const base = layout.plan.regions.clientArenas.base + client * layout.clientArena.bytes;
    super(`client ${client}`, base, layout.clientArena.bytes, -1);
    this.arena = absolute(layout.clientArena, base);
    this.kernels = services.kernels;
    this.counters = services.counters;
    this.layout = layout;
    this.clock = services.now;
  }

  now(): number {
    return this.clock();
  }

  /** A two-sided RPC to a DPU core; the request is in `arena.request`, the response lands in `arena.response`. */
  rpc(core: number, requestLength: number): Verb {
    const verb = this.verb;
    verb.kind = VerbKind.rpc;
    verb.core = core;
    verb.requestLength = requestLength;
    return verb;
  }
}

/** A DPU core's state that its handlers share (one per core): the store's, and its state words. */
export interface CoreServer extends StoreServer {
  readonly storeState: StoreState;
  /** What the system does once a write of the key at `key` is committed (Scalio: invalidate its cache slots). */
  afterCommit(context: HandlerContext, key: number): void;
}

export class HandlerContext extends VerbIssuer implements StoreContext {
  readonly arena: Addresses<HandlerArenaLayout>;
  readonly kernels: Kernels;
  readonly counters: Counters;
  readonly layout: ClusterLayout;
  /** The client whose request this handler serves, and where the request is. */
  client = -1;
  requestAddress = 0;
  /** Set by the engine: makes this parked machine runnable again. */
  wake: () => void = () => {
    throw new Error('wake() called on a handler its engine has not set up');
  };

  constructor(readonly server: CoreServer, readonly slot: number, readonly services: ThreadServices) {
    const layout = services.layout;
    const base = layout.plan.regions.handlerArenas.base + (server.core * layout.handlersPerCore + slot) * layout.handlerArena.bytes;
    super(`DPU core ${server.core}`, base, layout.handlerArena.bytes, server.core);
    // The garbage-collection buffers of the core's SSDs are its registered memory too.
    const store = layout.store;
    for (const device of server.devices.keys()) this.registerLocal(store.scratch.base + device * store.scratchBytesPerDevice, store.scratchBytesPerDevice);
    this.arena = absolute(layout.handlerArena, base);
    this.kernels = services.kernels;
    this.counters = services.counters;
    this.layout = layout;
  }

  now(): number {
    return this.services.now();
  }

  /** Waits to be woken by another machine of this core, or `timeoutNs` at most when above 0. */
  park(timeoutNs = 0): Verb {
    this.verb.kind = VerbKind.park;
    this.verb.durationNs = timeoutNs;
    return this.verb;
  }

  /** Sends the RPC response (`length` bytes at `arena.response`) now; the handler goes on. */
  respond(length: number): Verb {
    this.verb.kind = VerbKind.respond;
    this.verb.requestLength = length;
    return this.verb;
  }
}
