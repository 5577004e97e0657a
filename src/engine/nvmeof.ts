/**
 * NVMe-oF random reads on the simulated hardware, without a key-value store: the paper's
 * Fig. 6 (512-byte random-read IOPS and target CPU, the standard NVMe-oF target against
 * target offload, as SSDs or queue depth grow).
 *
 * A closed loop: `queueDepth` commands per SSD are always outstanding (fio's iodepth). A
 * command crosses the network and the NIC; with **offload** the NIC hands it to the SSD
 * and moves the data peer to peer, no DPU core involved; with the **standard** target the
 * command is written into the DPU's Arm memory and a target thread (SPDK's nvmf reactor,
 * one per DPU core, the first free one) receives it, submits it, reaps its completion and
 * sends the data: `nvmeTargetCommandNs` of core time per command. The SSDs are the
 * simulator's (per-unit busy clocks). Deterministic: no random choice changes timing.
 */
import { ConfigError } from '../errors.js';
import { type HardwareProfile, resolveProfile } from '../hw/profile.js';
import { SsdTiming } from '../hw/ssd-timing.js';
import { BLOCK_BYTES } from '../layout/store.js';
import { EventQueue } from './sim/event-queue.js';

export type NvmeOfTarget = 'standard' | 'offload';

export interface NvmeOfReadsRequest {
  /** Hardware profile: a shipped name, a file, or a profile (default 'paper'). */
  readonly profile?: string | HardwareProfile;
  readonly ssds: number;
  /** Commands outstanding per SSD. */
  readonly queueDepth: number;
  readonly target: NvmeOfTarget;
  /** DPU cores running the standard target (default 8, the paper's DPU). */
  readonly dpuCores?: number;
  /** Commands to complete in the measured window (default 200,000); as many again warm up first. */
  readonly commands?: number;
  /** Bytes per read (default 512, one block). */
  readonly readBytes?: number;
}

export interface NvmeOfReadsResult {
  readonly target: NvmeOfTarget;
  readonly ssds: number;
  readonly queueDepth: number;
  readonly dpuCores: number;
  /** Reads per second of all SSDs, and of each (counted as each SSD completed them). */
  readonly iops: number;
  readonly iopsBySsd: readonly number[];
  /** Busy share of the DPU cores (0 with offload), and core µs per read. */
  readonly targetCoreUtilisation: number;
  readonly targetCoreUsPerRead: number;
  /** Mean read latency as the initiator sees it. */
  readonly latencyMeanUs: number;
  readonly durationNs: number;
  readonly profile: string;
}

const Event = { reachesNic: 0, targetDone: 1, ssdDone: 2 } as const;
/** An NVMe-oF command capsule on the wire. */
const COMMAND_BYTES = 64;

export function runNvmeOfReads(request: NvmeOfReadsRequest): NvmeOfReadsResult {
  const profile = resolveProfile(request.profile);
  const { ssds, queueDepth, target } = request;
  const dpuCores = request.dpuCores ?? 8;
  const commands = request.commands ?? 200_000;
  const readBytes = request.readBytes ?? BLOCK_BYTES;
  const check = (name: string, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new ConfigError(`runNvmeOfReads: ${name} must be an integer from 1 to ${max}, got ${value}`);
  };
  check('ssds', ssds, 64);
  check('queueDepth', queueDepth, 4096);
  check('dpuCores', dpuCores, 64);
  check('commands', commands, 1e9);
  check('readBytes', readBytes, 1 << 20);
  if (target !== 'standard' && target !== 'offload') throw new ConfigError(`runNvmeOfReads: target must be standard or offload, got ${String(target)}`);

  const blocks = Math.ceil(readBytes / BLOCK_BYTES);
  const ssdTiming = new SsdTiming(profile, ssds);
  const coreFreeAt = new Float64Array(dpuCores);
  const queue = new EventQueue();
  let nicFreeAt = 0;
  let memoryPathFreeAt = 0;
  const slots = ssds * queueDepth;
  const issuedAt = new Float64Array(slots);
  const warmup = commands;
  let completed = 0;
  let measureStartNs = 0;
  let measureEndNs = 0;
  let coreBusyNs = 0;
  let latencySumNs = 0;
  const readsBySsd = new Float64Array(ssds);

  const issue = (slot: number, time: number) => {
    issuedAt[slot] = time;
    queue.push(time + profile.networkOneWayNs + COMMAND_BYTES / profile.linkBytesPerNs, Event.reachesNic, slot, 0);
  };
  for (let slot = 0; slot < slots; slot++) issue(slot, 0);

  while (completed < warmup + commands && queue.size > 0) {
    queue.pop();
    const now = queue.time;
    const slot = queue.target;
    const ssd = slot % ssds;
    switch (queue.kind) {
      case Event.reachesNic: {
        nicFreeAt = Math.max(now, nicFreeAt) + profile.nicMessageNs;
        if (target === 'offload') {
          queue.push(ssdTiming.completion(ssd, false, blocks, nicFreeAt + profile.nvmeOverFabricNs), Event.ssdDone, slot, 0);
        } else {
          memoryPathFreeAt = Math.max(nicFreeAt, memoryPathFreeAt) + profile.dpuMemoryPathMessageNs;
          let core = 0;
          for (let candidate = 1; candidate < dpuCores; candidate++) if (coreFreeAt[candidate] < coreFreeAt[core]) core = candidate;
          const start = Math.max(memoryPathFreeAt + profile.dpuMemoryPathNs, coreFreeAt[core]);
          coreFreeAt[core] = start + profile.nvmeTargetCommandNs;
          if (completed >= warmup) coreBusyNs += profile.nvmeTargetCommandNs;
          queue.push(coreFreeAt[core] + profile.nvmeOverFabricNs, Event.targetDone, slot, 0);
        }
        break;
      }
      case Event.targetDone:
        queue.push(ssdTiming.completion(ssd, false, blocks, now), Event.ssdDone, slot, 0);
        break;
      case Event.ssdDone: {
        const back = now + readBytes / profile.linkBytesPerNs + profile.networkOneWayNs;
        completed++;
        if (completed === warmup) measureStartNs = now;
        if (completed > warmup) {
          readsBySsd[ssd]++;
          latencySumNs += back - issuedAt[slot];
          measureEndNs = now;
        }
        issue(slot, back);
        break;
      }
      default:
        throw new Error(`unknown event ${queue.kind}`);
    }
  }
  const durationNs = measureEndNs - measureStartNs;
  const perSecond = (count: number) => (durationNs > 0 ? (count * 1e9) / durationNs : 0);
  const iopsBySsd = Array.from(readsBySsd, perSecond);
  return {
    target,
    ssds,
    queueDepth,
    dpuCores,
    iops: iopsBySsd.reduce((sum, value) => sum + value, 0),
    iopsBySsd,
    targetCoreUtilisation: durationNs > 0 ? coreBusyNs / (durationNs * dpuCores) : 0,
    targetCoreUsPerRead: coreBusyNs / 1000 / commands,
    latencyMeanUs: latencySumNs / 1000 / commands,
    durationNs,
    profile: profile.name,
  };
}
