/**
 * What the store asks of the machines that run it, defined here so that the store depends
 * only on the layers below it (hw, layout, config). src/systems/context.ts implements these:
 * a DPU core's RPC handler is a `StoreContext`, and a client (offloaded reads) or a handler
 * is a `StoreReader`.
 */
import type { ResolvedConfig } from '../config.js';
import type { Counters } from '../hw/counters.js';
import type { Kernels } from '../hw/kernels.js';
import type { VerbIssuer } from '../hw/verbs.js';
import type { BucketLocks, Parkable } from './bucket-locks.js';
import type { DeviceStore } from './device.js';
import type { StoreGeometry } from './geometry.js';

/** The value a GET machine returns when the key does not exist. */
export const NOT_FOUND = -1;

/** The part of a cluster's layout the store uses. */
export interface StoreLayout {
  readonly config: ResolvedConfig;
  readonly store: StoreGeometry;
  /** In-flight RPC handlers per DPU core (bounds the appends a restart may find in flight). */
  readonly handlersPerCore: number;
}

/** What reading a value needs: kernels, buffers, and NVMe reads (and, for a client, an RDMA read of the index). */
export interface StoreReader extends Pick<VerbIssuer, 'description' | 'core' | 'nvmeRead' | 'rdmaRead'> {
  readonly kernels: Kernels;
  readonly counters: Counters;
  readonly layout: StoreLayout;
  readonly arena: {
    /** A prepared key descriptor: the key to read. */
    readonly key: number;
    /** Room for a longest chain, and for a largest value record. */
    readonly chain: number;
    readonly valueBlocks: number;
    /** A client's landing place for the 8-byte index entry it reads over RDMA (absent on a DPU core). */
    readonly indexEntry?: number;
  };
}

/** A DPU core's state its handlers share, as the store sees it. */
export interface StoreServer {
  readonly core: number;
  readonly locks: BucketLocks;
  /** The stores of the SSDs this core owns, by device. */
  readonly devices: ReadonlyMap<number, DeviceStore>;
  /** What the system does once a write of the key at `key` is committed (Scalio: invalidate its cache slots). */
  afterCommit(context: StoreContext, key: number): void;
}

/** What writing needs: a DPU core's handler, which can wait (park), tell time, and issue NVMe commands. */
export interface StoreContext extends StoreReader, Parkable, Pick<VerbIssuer, 'nvmeWrite' | 'nvmeReadBatch' | 'addRead'> {
  readonly server: StoreServer;
  readonly services: { readonly bytes: Uint8Array };
  readonly arena: StoreReader['arena'] & {
    /** A key descriptor to materialise a relocation's key in. */
    readonly scratchKey: number;
    readonly valueStaging: number;
    readonly bucketStaging: number;
  };
  /** The engine's clock in nanoseconds. */
  now(): number;
}
