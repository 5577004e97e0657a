/** Scalio as the paper describes it: clients CAS cache slots themselves (see client.ts, core.ts, lease.ts). */
import type { ResolvedConfig } from '../../config.js';
import type { SystemDefinition, SystemMachines } from '../system.js';
import type { ThreadServices } from '../context.js';
import { rpcDelete, rpcSet } from '../rpc-client.js';
import { cacheGeometry, cacheRegionRequest, configureCacheKernels, slotGeometry } from './cache.js';
import { scalioGet } from './client.js';
import { scalioGetAtOnce } from './hit-at-once.js';
import { scalioInvalidate } from './core.js';
import { EpochCopies, LEASE_EPOCHS, RESTART_MINIMUM_NS, cacheAuditor, cacheEpochRegionRequest, leaseHousekeeping } from './lease.js';
import { serveStore } from '../store-server.js';

function scalioSystem(name: string, description: string, leased: boolean): SystemDefinition {
  return {
    name,
    description,
    restartMinimumNs: leased ? RESTART_MINIMUM_NS : undefined,
    regionRequests(config: ResolvedConfig) {
      return leased ? [cacheRegionRequest(config), cacheEpochRegionRequest()] : [cacheRegionRequest(config)];
    },
    clientScratchBytes(config: ResolvedConfig) {
      const { bucketBytes, slotBytes } = slotGeometry(config);
      return Math.ceil(bucketBytes / 64) * 64 + slotBytes;
    },
    handlerScratchBytes() {
      return 0;
    },
    attach(services: ThreadServices): SystemMachines {
      const { config, plan } = services.layout;
      const cache = cacheGeometry(config, plan);
      configureCacheKernels(services.kernels, config, cache);
      services.kernels.configureCacheLease(leased ? LEASE_EPOCHS : 0);
      const leases = leased ? new EpochCopies(config, plan) : null;
      return {
        get: (context) => scalioGet(context, cache, leases),
        getAtOnce: scalioGetAtOnce(cache),
        set: (context, valueLength) => rpcSet(context, valueLength),
        delete: (context) => rpcDelete(context),
        // A fallback GET reads the store without the bucket's lock: a write's commit and its
        // invalidation run in one step of the core that serves the GET (src/store/apply.ts,
        // step 7), so the read cannot land between them. Taking the lock queued a fallback
        // behind every write waiting on a hot key's bucket — tens of ms at 512 in flight, the
        // cause of the breakdown's stage 2 being slower than stage 1 (README, "Calibration").
        handle: (context) => serveStore(context, { lockReads: false }),
        afterCommit: (context, key) => scalioInvalidate(context, cache, key),
        housekeeping: leased ? leaseHousekeeping(services, cache) : undefined,
        auditCache: cacheAuditor(services, cache, leased),
      };
    },
  };
}

export const scalio = scalioSystem('scalio', 'Scalio (OSDI\'25): one-sided cache reads, client CAS fills, offloaded SSD reads, RPC writes', true);

/**
 * Scalio exactly as the paper has it, with no leases: a reader that dies holding a slot
 * leaves it FILLING for good. Kept to show what leases are for (test/faults.test.ts).
 */
export const scalioNoLease = scalioSystem(
  'scalio-no-lease', 'Scalio without leases on cache reservations: a reader that dies while filling leaves its slot FILLING for good', false,
);
