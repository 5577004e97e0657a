/**
 * Hardware timing for the simulator: how long each verb takes on the paper's hardware.
 * Every number names its source (../shared/design/timing.md gathers them). This first
 * profile is deliberately simple; calibrating it against the paper's anchors (LEED's
 * ~800 K QPS at 4 SSDs, Scalio's up to 3.3×) is future work and the README says so.
 */
export interface HardwareProfile {
  readonly name: string;
  /** Client ↔ DPU NIC, one way. ConnectX-class RDMA READ round trip is 1.5–3 µs unloaded. */
  readonly networkOneWayNs: number;
  /** Link bandwidth in bytes per ns: 100 Gb/s. */
  readonly linkBytesPerNs: number;
  /** NIC time per message, serialised per NIC: ConnectX-6 handles ~215 M messages/s. */
  readonly nicMessageNs: number;
  /** Extra latency of an NVMe-oF command served by target offload: "a few to ~20 µs" over local flash. */
  readonly nvmeOverFabricNs: number;
  /** SSD read service (Samsung 970 PRO: ~65–70 µs QD1 4K read). */
  readonly ssdReadNs: number;
  /** SSD write latency (absorbed by the drive's buffer). */
  readonly ssdWriteNs: number;
  /** How long a write holds a parallel unit: writes have the same ~500 K IOPS cap as reads. */
  readonly ssdWriteOccupancyNs: number;
  /** Parallel units per SSD: 32 units × 64 µs = 500 K IOPS, the paper's figure per SSD. */
  readonly ssdParallelUnits: number;
  /** Each block past the first: 512 B at the 970 PRO's 3.5 GB/s. */
  readonly ssdBlockTransferNs: number;
  /**
   * DPU-core CPU time. No per-request cost is published; these are calibrated so that a
   * LEED GET (receive + 2 × (submit + complete) + reply) costs ~8.5 µs, which makes 7 cores
   * saturate near LEED's ~800 K QPS.
   */
  readonly coreRpcReceiveNs: number;
  readonly coreRpcReplyNs: number;
  readonly coreNvmeSubmitNs: number;
  readonly coreNvmeCompleteNs: number;
  /** Client CPU per operation: drawing it (YCSB) and preparing its first verb. */
  readonly clientOperationNs: number;
}

export const PAPER_PROFILE: HardwareProfile = Object.freeze({
  name: 'paper',
  networkOneWayNs: 1_000,
  linkBytesPerNs: 12.5,
  nicMessageNs: 4.65,
  nvmeOverFabricNs: 5_000,
  ssdReadNs: 64_000,
  ssdWriteNs: 20_000,
  ssdWriteOccupancyNs: 64_000,
  ssdParallelUnits: 32,
  ssdBlockTransferNs: 146,
  coreRpcReceiveNs: 1_500,
  coreRpcReplyNs: 1_000,
  coreNvmeSubmitNs: 1_500,
  coreNvmeCompleteNs: 1_500,
  clientOperationNs: 500,
});
