/**
 * LEED (SIGCOMM'23), the paper's baseline: every GET and SET is an RPC, and the DPU cores do
 * all SSD I/O themselves, paying core time for each command (GET: 2 reads; SET: 3 I/Os).
 * No cache. Writes unbatched, as in the paper's breakdown (stage 0); `setBatch` turns it on.
 */
import type { ThreadServices } from './context.js';
import { rpcDelete, rpcGet, rpcSet } from './rpc-client.js';
import { serveStore } from './store-server.js';
import type { SystemDefinition, SystemMachines } from './system.js';

export const leed: SystemDefinition = {
  name: 'leed',
  description: 'LEED (SIGCOMM\'23): every operation an RPC, DPU cores do all SSD I/O (the breakdown\'s stage 0)',
  defaults: { setBatch: 1 },
  regionRequests: () => [],
  clientScratchBytes: () => 0,
  handlerScratchBytes: () => 0,
  attach(_services: ThreadServices): SystemMachines {
    return {
      get: (context) => rpcGet(context),
      set: (context, valueLength) => rpcSet(context, valueLength),
      delete: (context) => rpcDelete(context),
      // No cache to keep consistent: a read of committed SSD state needs no lock.
      handle: (context) => serveStore(context, { lockReads: false }),
      afterCommit: () => {},
    };
  },
};
