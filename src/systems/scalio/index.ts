/** Scalio as the paper describes it: clients CAS cache slots themselves (see client.ts, core.ts). */
import type { ResolvedConfig } from '../../config.js';
import type { SystemDefinition, SystemMachines } from '../system.js';
import type { ThreadServices } from '../context.js';
import { rpcDelete, rpcSet } from '../rpc-client.js';
import { cacheGeometry, cacheRegionRequest, configureCacheKernels, slotGeometry } from './cache.js';
import { scalioGet } from './client.js';
import { scalioInvalidate } from './core.js';
import { serveStore } from '../store-server.js';

export const scalio: SystemDefinition = {
  name: 'scalio',
  description: 'Scalio (OSDI\'25): one-sided cache reads, client CAS fills, offloaded SSD reads, RPC writes',
  regionRequests(config: ResolvedConfig) {
    return [cacheRegionRequest(config)];
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
    return {
      get: (context) => scalioGet(context, cache),
      set: (context, valueLength) => rpcSet(context, valueLength),
      delete: (context) => rpcDelete(context),
      handle: (context) => serveStore(context, { lockReads: true }),
      afterCommit: (context, key) => scalioInvalidate(context, cache, key),
    };
  },
};
