/**
 * Hardware profiles for the simulator: how long each verb takes, how many of each resource
 * there are, and how work maps onto the DPU's cores. A profile is a JSON file (the shipped
 * ones live in `profiles/`, the README documents the format) in which every parameter names
 * its source: a datasheet, a paper's measurement, an estimate, or "calibrated to anchor X"
 * (`scalio calibrate` prints the anchors). `loadProfile` takes a shipped profile's name or a
 * file's path and refuses a malformed file with one line naming the field and the file.
 *
 * Profiles matter only to the simulator: the live engine measures this machine.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { readTextFile } from '../files.js';
import { packageRoot } from '../paths.js';

/** The timing parameters of a profile, all non-negative numbers (units last in each name). */
export interface HardwareTiming {
  /** Client ↔ DPU NIC, one way, unloaded (ConnectX-class RDMA READ round trip is 1.5–3 µs). */
  readonly networkOneWayNs: number;
  /** Link bandwidth in bytes per ns (100 Gb/s = 12.5). */
  readonly linkBytesPerNs: number;
  /** NIC time per message, serialised per NIC (its message rate). */
  readonly nicMessageNs: number;
  /** The NIC executes atomics (CAS, FAA) on one address one after another, this long each. */
  readonly atomicSerialNs: number;
  /** Extra latency of a one-sided verb into the DPU's Arm memory (the card's PCIe switch). */
  readonly dpuMemoryPathNs: number;
  /** Time per message on the NIC → Arm-memory path, serialised (its message rate). */
  readonly dpuMemoryPathMessageNs: number;
  /** Extra latency of an NVMe-oF command served by target offload, over a local command. */
  readonly nvmeOverFabricNs: number;
  /** DPU core time per NVMe-oF command when the standard (not offloaded) target serves it. */
  readonly nvmeTargetCommandNs: number;
  /** SSD read service: how long a read holds a parallel unit (FEMU's per-unit busy clock). */
  readonly ssdReadNs: number;
  /** SSD write latency as the host sees it (absorbed by the drive's buffer). */
  readonly ssdWriteNs: number;
  /** How long a write holds a parallel unit (the drive's sustained write IOPS). */
  readonly ssdWriteOccupancyNs: number;
  /** Parallel units per SSD, each with its own busy clock. */
  readonly ssdParallelUnits: number;
  /** Each block past the first of a command. */
  readonly ssdBlockTransferNs: number;
  /** DPU core time: receiving an RPC (RDMA receive, parse) and replying to it (RDMA send). */
  readonly coreRpcReceiveNs: number;
  readonly coreRpcReplyNs: number;
  /** DPU core time: submitting an NVMe command and handling its completion (SPDK). */
  readonly coreNvmeSubmitNs: number;
  readonly coreNvmeCompleteNs: number;
  /**
   * How work maps onto the DPU's cores. Of `dpuCores` cores, round(cores × rdmaThreadShare)
   * are RDMA threads (every RPC's receive and reply, for all SSDs) and the next
   * round(cores × ssdWorkerShare) are SSD workers (every NVMe submission and completion,
   * for any SSD); each kind of work goes to the thread of its pool that is free first. When
   * the two pools do not fit the cores (1 core), all work shares all cores.
   */
  readonly rdmaThreadShare: number;
  readonly ssdWorkerShare: number;
  /** Client CPU per operation: drawing it (YCSB), hashing the key, preparing its first verb. */
  readonly clientOperationNs: number;
  /** Client CPU per verb: posting it and polling its completion. */
  readonly clientVerbNs: number;
  /** Client CPU per NVMe-oF command (the SPDK initiator's submission and completion). */
  readonly clientNvmeInitiatorNs: number;
}

export const TIMING_PARAMETERS: readonly (keyof HardwareTiming)[] = [
  'networkOneWayNs', 'linkBytesPerNs', 'nicMessageNs', 'atomicSerialNs', 'dpuMemoryPathNs', 'dpuMemoryPathMessageNs',
  'nvmeOverFabricNs', 'nvmeTargetCommandNs',
  'ssdReadNs', 'ssdWriteNs', 'ssdWriteOccupancyNs', 'ssdParallelUnits', 'ssdBlockTransferNs',
  'coreRpcReceiveNs', 'coreRpcReplyNs', 'coreNvmeSubmitNs', 'coreNvmeCompleteNs', 'rdmaThreadShare', 'ssdWorkerShare',
  'clientOperationNs', 'clientVerbNs', 'clientNvmeInitiatorNs',
];

/** Parameters that must be above zero (a count, a rate's divisor, a share of the cores). */
const POSITIVE_PARAMETERS: ReadonlySet<keyof HardwareTiming> = new Set(['linkBytesPerNs', 'ssdParallelUnits', 'ssdReadNs', 'rdmaThreadShare', 'ssdWorkerShare']);
const INTEGER_PARAMETERS: ReadonlySet<keyof HardwareTiming> = new Set(['ssdParallelUnits']);
const SHARE_PARAMETERS: ReadonlySet<keyof HardwareTiming> = new Set(['rdmaThreadShare', 'ssdWorkerShare']);

export interface HardwareProfile extends HardwareTiming {
  readonly name: string;
  readonly description: string;
  /** Where each parameter's value comes from. */
  readonly sources: Readonly<Record<keyof HardwareTiming, string>>;
  /** The file it was read from (undefined for a profile built in code). */
  readonly file?: string;
}

/** The directory of the shipped profiles. */
export function profilesDirectory(): string {
  return join(packageRoot(), 'profiles');
}

/** The names of the shipped profiles. */
export const PROFILE_NAMES: readonly string[] = ['paper'];

/** The simulator's default profile. */
export const DEFAULT_PROFILE_NAME = 'paper';

/** The largest profile file read: a profile is a few kilobytes of JSON. */
const PROFILE_FILE_BYTES_MAX = 1 << 20;

/** A profile by shipped name (`paper`) or by a JSON file's path. */
export function loadProfile(nameOrPath: string): HardwareProfile {
  const shipped = join(profilesDirectory(), `${nameOrPath}.json`);
  const file = PROFILE_NAMES.includes(nameOrPath) ? shipped : nameOrPath;
  if (!existsSync(file)) {
    throw new ConfigError(`profile "${nameOrPath}" is neither a shipped profile (${PROFILE_NAMES.join(', ')}) nor a file`);
  }
  // A regular text file of sane size: a device or pipe (`--profile /dev/zero`) is refused, not read forever.
  const text = readTextFile(file, { what: 'profile', bytesMax: PROFILE_FILE_BYTES_MAX, hint: 'give a hardware profile (JSON; README, "Hardware profiles")' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`profile ${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseProfile(json, file);
}

/** Checks a profile given as data (from a file or in code); `where` names it in errors. */
export function parseProfile(json: unknown, where: string): HardwareProfile {
  const fail = (message: string): never => {
    throw new ConfigError(`profile ${where}: ${message}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('must be a JSON object with "name", "description" and "parameters"');
  const object = json as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!['name', 'description', 'parameters'].includes(key)) fail(`unknown field "${key}"; a profile has name, description and parameters`);
  }
  if (typeof object.name !== 'string' || object.name.length === 0) fail('field "name" must be a non-empty string');
  const description = object.description ?? '';
  if (typeof description !== 'string') fail('field "description" must be a string');
  const parameters = object.parameters;
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) fail('field "parameters" must be an object of { "value": number, "source": text }');
  const given = parameters as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(TIMING_PARAMETERS as readonly string[]).includes(key)) fail(`unknown parameter "${key}"; parameters: ${TIMING_PARAMETERS.join(', ')}`);
  }
  const timing: Record<string, number> = {};
  const sources: Record<string, string> = {};
  for (const key of TIMING_PARAMETERS) {
    const entry = given[key];
    if (entry === undefined) fail(`parameter "${key}" is missing`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`parameter "${key}" must be { "value": number, "source": text }`);
    const { value, source, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) fail(`parameter "${key}" has unknown field "${extra}"; a parameter has value and source`);
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`parameter "${key}" needs a numeric "value", got ${JSON.stringify(value)}`);
    const number = value as number;
    if (number < 0) fail(`parameter "${key}" is negative (${number}); every parameter is a time, a rate, a count or a share ≥ 0`);
    if (POSITIVE_PARAMETERS.has(key) && number === 0) fail(`parameter "${key}" must be above 0`);
    if (INTEGER_PARAMETERS.has(key) && !Number.isInteger(number)) fail(`parameter "${key}" must be a whole number, got ${number}`);
    if (SHARE_PARAMETERS.has(key) && number > 1) fail(`parameter "${key}" is a share of the DPU cores, at most 1, got ${number}`);
    if (typeof source !== 'string' || source.trim().length === 0) fail(`parameter "${key}" needs a "source" (a datasheet, a paper's measurement, an estimate, or "calibrated to anchor X")`);
    timing[key] = number;
    sources[key] = source as string;
  }
  return Object.freeze({
    ...(timing as unknown as HardwareTiming),
    name: object.name as string,
    description: description as string,
    sources: Object.freeze(sources) as Record<keyof HardwareTiming, string>,
    file: where,
  });
}

/** The profile a request names: a shipped name, a file's path, or a profile object (checked). */
export function resolveProfile(profile: string | HardwareProfile | undefined): HardwareProfile {
  if (profile === undefined) return loadProfile(DEFAULT_PROFILE_NAME);
  if (typeof profile === 'string') return loadProfile(profile);
  const { name, description, sources, file, ...timing } = profile;
  const parameters = Object.fromEntries(Object.entries(timing).map(([key, value]) => [key, { value, source: sources?.[key as keyof HardwareTiming] ?? 'given in code' }]));
  return parseProfile({ name, description: description ?? '', parameters }, file ?? `"${name}" (given in code)`);
}

/** A profile with some parameters replaced (for calibration and sensitivity sweeps). */
export function withParameters(profile: HardwareProfile, changes: Partial<HardwareTiming>, source = 'changed in code'): HardwareProfile {
  const sources = { ...profile.sources };
  for (const key of Object.keys(changes)) sources[key as keyof HardwareTiming] = source;
  return resolveProfile({ ...profile, ...changes, sources, file: `${basename(profile.file ?? profile.name)} (modified)` });
}

/**
 * The DPU threads of each kind for `cores` cores: RDMA threads first, then SSD workers.
 * Returns the thread indexes of each pool (they are the same list when the pools share).
 */
export function dpuThreadPools(profile: HardwareTiming, cores: number): { rdma: number[]; ssd: number[] } {
  const rdma = Math.max(1, Math.round(cores * profile.rdmaThreadShare));
  const ssd = Math.max(1, Math.round(cores * profile.ssdWorkerShare));
  const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);
  if (rdma + ssd > cores) return { rdma: range(0, cores), ssd: range(0, cores) };
  return { rdma: range(0, rdma), ssd: range(rdma, ssd) };
}
