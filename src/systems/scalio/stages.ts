/**
 * Scalio's optimisations one at a time, for the paper's breakdown figure (Fig. 13):
 *
 *   stage 0  LEED: GET and SET are RPCs                            → system `leed`
 *   stage 1  + offloaded read: clients read the index by RDMA and  → `scalio-stage-1`
 *            the SSD through NVMe-oF target offload; no cache
 *   stage 2  + the DRAM cache (the four-state protocol)            → `scalio-stage-2`
 *   stage 3  + batched writes                                       → `scalio`
 *
 * (The artifact's stage 1 gets the bucket's location from a metadata RPC and leaves its
 * reserved slots unfilled, which likely inflates its numbers; here stage 1 reads the index
 * itself, as the paper's design does.)
 */
import type { ThreadServices } from '../context.js';
import { rpcDelete, rpcSet } from '../rpc-client.js';
import { serveStore } from '../store-server.js';
import type { SystemDefinition, SystemMachines } from '../system.js';
import { readValue } from '../../store/read.js';
import { scalio } from './index.js';

export const scalioStage1: SystemDefinition = {
  name: 'scalio-stage-1',
  description: 'Scalio breakdown stage 1: LEED + offloaded reads (index by RDMA, SSD by NVMe-oF), no cache, unbatched writes',
  defaults: { setBatch: 1 },
  regionRequests: () => [],
  clientScratchBytes: () => 0,
  handlerScratchBytes: () => 0,
  attach(_services: ThreadServices): SystemMachines {
    return {
      get: (context) => readValue(context, context.arena.value),
      set: (context, valueLength) => rpcSet(context, valueLength),
      delete: (context) => rpcDelete(context),
      handle: (context) => serveStore(context, { lockReads: false }),
      afterCommit: () => {},
    };
  },
};

export const scalioStage2: SystemDefinition = {
  ...scalio,
  name: 'scalio-stage-2',
  description: 'Scalio breakdown stage 2: + the DRAM cache, unbatched writes',
  defaults: { setBatch: 1 },
};
