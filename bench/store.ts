/**
 * The store under sustained updates: operations per second and write amplification (bytes
 * the SSDs wrote per byte of key and value the clients wrote), with and without batching.
 * The logs are sized small against the dataset so that garbage collection runs at steady
 * state: the run writes several times the device's capacity.
 */
import { run, type EngineName } from '../src/engine/run.js';
import { Counter, DeviceCounter } from '../src/hw/counters.js';
import { BLOCK_BYTES } from '../src/layout/store.js';
import { WORKLOADS, defineWorkload } from '../src/ycsb/workloads.js';

const UPDATE_ONLY = defineWorkload({ ...WORKLOADS.A, name: 'update-only', description: '100% updates, zipfian', readProportion: 0, updateProportion: 1 });

export interface StoreResult {
  readonly engine: EngineName;
  readonly setBatch: number;
  readonly operations: number;
  /** Operations per second: simulated (sim) or of wall-clock time (live). */
  readonly operationsPerSecond: number;
  readonly writeAmplification: number;
  /** Device blocks written per SET. */
  readonly blocksPerSet: number;
  /** Device blocks written over the device's capacity: > 1 means the logs wrapped. */
  readonly capacitiesWritten: number;
}

export async function benchmarkStore(engine: EngineName, setBatch: number, operations: number): Promise<StoreResult> {
  const config = { records: 20_000, ssds: 1, dpuCores: 1, clients: 64, valueLogOverProvision: 2, setBatch };
  const report = await run({ system: 'scalio', engine, config, workload: UPDATE_ONLY, operations, warmupOperations: operations / 4 });
  const counters = report.counters;
  const blocksWritten = counters.totalDevice(DeviceCounter.blocksWritten);
  const capacity = report.images.ssds.blocksPerDevice;
  return {
    engine,
    setBatch,
    operations: report.operations,
    operationsPerSecond: report.operationsPerSecond,
    writeAmplification: (blocksWritten * BLOCK_BYTES) / counters.get(Counter.userBytesWritten),
    blocksPerSet: blocksWritten / report.operations,
    capacitiesWritten: blocksWritten / capacity,
  };
}
