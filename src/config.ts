/**
 * The configuration of an emulated cluster: one DPU-based JBOF server (DPU cores, DPU DRAM,
 * SSDs) and its clients. `resolveConfig` fills in defaults, derives the sizes that follow
 * from the others, and refuses impossible combinations with a message that says what to do.
 */
import { ConfigError } from './errors.js';
import { DEVICE_BYTES_MAX } from './hw/ssd.js';
import { BLOCK_BYTES, CHAIN_BLOCKS_MAX, INDEX_BLOCK_BITS, ITEM_KEY_BYTES_MAX, VALUE_BYTES_MAX, VALUE_CONTINUATION_PAYLOAD_BYTES, VALUE_RECORD_HEADER_BYTES } from './layout/store.js';

/** Cache slots per record in the paper's setup: 280,576 buckets × 8 slots over 20 M records. */
export const PAPER_CACHE_SLOTS_PER_RECORD = (280_576 * 8) / 20_000_000;

/** Items per store bucket in the paper's setup: 20 M records over 2^23 bucket ids. */
export const PAPER_RECORDS_PER_BUCKET_ID = 20_000_000 / 2 ** 23;

export interface ClusterConfig {
  /** YCSB `recordcount`: the key numbers below it exist before a run (inserts take numbers from it). */
  records: number;
  /** First key number loaded (YCSB `insertstart`). */
  loadFirst: number;
  /** Keys loaded from `loadFirst` (YCSB `insertcount`); 0: up to `records`. */
  loadCount: number;
  /** Records the store is sized for (the loaded ones and the inserts to come); 0: `records`. */
  capacityRecords: number;
  /** Key names: 1 for `"user" + n`, 0 for `"user" + fnvhash64(n)` (YCSB `insertorder`). */
  orderedKeys: number;
  /** Key numbers in key names are zero padded to this many digits (YCSB `zeropadding`). */
  keyZeroPadding: number;
  /** Fields per record (YCSB `fieldcount`); a record is stored as one value of its fields. */
  valueFields: number;
  /** Shortest field with uniform field lengths (YCSB `minfieldlength`); 0: every field is `valueBytes / valueFields` bytes. */
  valueFieldBytesMin: number;
  /** NVMe SSDs in the JBOF, each with its own LEED store. */
  ssds: number;
  /**
   * DPU (Arm) cores. The protocol's state is sharded by SSD (SSD `d`'s store, locks and
   * handlers belong to logical core `d mod dpuCores`); on the simulator, the CPU time of that
   * work runs on the profile's pools of physical threads (RDMA threads, SSD workers) made
   * of these cores (src/hw/profile.ts, dpuThreadPools).
   */
  dpuCores: number;
  /** Logical client threads (YCSB "threads"); each has one operation in flight, so this is the operations in flight in total. */
  clients: number;
  /**
   * Simulator: client CPU threads the logical clients share (client i runs on thread
   * i mod clientCores), so client-side CPU (YCSB, posting and polling verbs, the NVMe-oF
   * initiator) can be a bottleneck as on the artifact's client nodes. 0: every client has a
   * CPU of its own (client CPU adds latency, never contention).
   */
  clientCores: number;
  /** Simulator: 1 if the SSDs' NVMe-oF target is offloaded to the NIC (Scalio), 0 for the standard target (DPU cores serve every command). */
  nvmeTargetOffload: number;
  /** Cache slots in DPU DRAM, rounded up to whole buckets. Default: the paper's ratio to records. */
  cacheSlots: number;
  /** Slots per cache bucket (8 in the paper). */
  slotsPerBucket: number;
  /** Longest key accepted, in bytes (16 in the paper; at most 20, the store's item limit). */
  keyBytesMax: number;
  /** Longest value accepted, in bytes (64 in the paper; at most 4096); cache slots are sized for it. 0: `valueBytes`. */
  valueBytesMax: number;
  /** Largest record value the YCSB workload writes, in bytes (a multiple of `valueFields`). */
  valueBytes: number;
  /** Store bucket ids are the top `bucketIdBits` bits of a key's hash. Default: ~2.4 records per id, as in the paper. */
  bucketIdBits: number;
  /** Bucket-log blocks per SSD as a multiple of its bucket ids (LEED: 4). */
  bucketLogOverProvision: number;
  /**
   * Value-log blocks per SSD as a multiple of the blocks its records take when every value
   * sits in a block of its own (what unbatched writes leave behind).
   */
  valueLogOverProvision: number;
  /** Value-log blocks per SSD; 0 derives it from `valueLogOverProvision`. */
  valueLogBlocks: number;
  /** Writes per SSD batched into one flush by its DPU core (LEED and Scalio: 8); 1 turns batching off. */
  setBatch: number;
  /** A batch that is not full is flushed after this long without a new write (1 ms). */
  batchIdleNs: number;
  /** Blocks garbage collection reads and compacts at a time. */
  gcSegmentBlocks: number;
  /** Seed of every random choice (workload, values, simulated tie-breaks). */
  seed: number;
}

export const DEFAULT_CONFIG: Readonly<ClusterConfig> = Object.freeze({
  records: 1_000_000,
  loadFirst: 0,
  loadCount: 0,
  capacityRecords: 0,
  orderedKeys: 0,
  keyZeroPadding: 1,
  valueFields: 1,
  valueFieldBytesMin: 0,
  ssds: 4,
  dpuCores: 2,
  clients: 160,
  clientCores: 0,
  nvmeTargetOffload: 1,
  cacheSlots: 0,
  slotsPerBucket: 8,
  keyBytesMax: 16,
  valueBytesMax: 0,
  valueBytes: 64,
  bucketIdBits: 0,
  bucketLogOverProvision: 4,
  valueLogOverProvision: 4,
  valueLogBlocks: 0,
  setBatch: 8,
  batchIdleNs: 1_000_000,
  gcSegmentBlocks: 64,
  seed: 1,
});

export type ResolvedConfig = Readonly<ClusterConfig>;

function requireInteger(name: string, value: number, minimum: number, maximum: number, hint: string): void {
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new ConfigError(`${name} must be an integer from ${minimum} to ${maximum}, got ${value}; ${hint}`);
  }
}

/** Bytes a value record of the largest key and value takes in the value log. */
export function valueRecordBytesMax(config: ClusterConfig): number {
  return VALUE_RECORD_HEADER_BYTES + config.keyBytesMax + config.valueBytesMax;
}

/**
 * Blocks a value record takes in the value log (src/layout/store.ts): one if it fits a
 * block; else its first block, full, and continuation blocks, each after its own header.
 */
export function valueRecordBlocks(keyLength: number, valueLength: number): number {
  const bytes = VALUE_RECORD_HEADER_BYTES + keyLength + valueLength;
  return bytes <= BLOCK_BYTES ? 1 : 1 + Math.ceil((bytes - BLOCK_BYTES) / VALUE_CONTINUATION_PAYLOAD_BYTES);
}

/** Blocks an unbatched write of the largest record takes (whole blocks, never shared). */
export function valueRecordBlocksMax(config: ClusterConfig): number {
  return valueRecordBlocks(config.keyBytesMax, config.valueBytesMax);
}

/** The settings that are given (not undefined): what may override defaults in a spread. */
export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Fills in defaults and derived sizes, and refuses impossible configurations. */
export function resolveConfig(overrides: Partial<ClusterConfig> = {}): ResolvedConfig {
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in DEFAULT_CONFIG)) {
      throw new ConfigError(`unknown setting "${name}"; known settings: ${Object.keys(DEFAULT_CONFIG).join(', ')}`);
    }
    if (value !== undefined && typeof value !== 'number') {
      throw new ConfigError(`${name} must be a number, got ${JSON.stringify(value)}`);
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const config: ClusterConfig = { ...DEFAULT_CONFIG, ...defined };

  requireInteger('records', config.records, 1, 200_000_000, 'the dataset is loaded into emulated SSDs in this process');
  requireInteger('ssds', config.ssds, 1, 64, 'a JBOF holds a few dozen SSDs at most');
  requireInteger('dpuCores', config.dpuCores, 1, 64, 'a DPU has a few to a few dozen Arm cores');
  requireInteger('clients', config.clients, 1, 4096, 'each client is a logical thread with one operation in flight');
  requireInteger('clientCores', config.clientCores, 0, 4096, '0 gives every client a CPU of its own');
  requireInteger('nvmeTargetOffload', config.nvmeTargetOffload, 0, 1, '1: the NIC serves NVMe-oF commands (target offload); 0: the DPU cores do');
  requireInteger('slotsPerBucket', config.slotsPerBucket, 1, 64, 'the scan kernel reads a whole bucket at once');
  requireInteger('keyBytesMax', config.keyBytesMax, 1, ITEM_KEY_BYTES_MAX, `a store item holds keys of up to ${ITEM_KEY_BYTES_MAX} bytes`);
  requireInteger('valueBytes', config.valueBytes, 1, VALUE_BYTES_MAX, `the value log holds values of up to ${VALUE_BYTES_MAX} bytes`);
  if (config.valueBytesMax === 0) config.valueBytesMax = config.valueBytes;
  requireInteger('valueBytesMax', config.valueBytesMax, 1, VALUE_BYTES_MAX, `the value log holds values of up to ${VALUE_BYTES_MAX} bytes`);
  requireInteger('valueBytes', config.valueBytes, 1, config.valueBytesMax, 'YCSB values must fit the configured value limit (valueBytesMax)');
  requireInteger('valueFields', config.valueFields, 1, config.valueBytes, 'a record has at least one field of at least one byte');
  if (config.valueBytes % config.valueFields !== 0) {
    throw new ConfigError(`valueBytes ${config.valueBytes} is not ${config.valueFields} fields of equal length; it must be a multiple of valueFields`);
  }
  requireInteger('valueFieldBytesMin', config.valueFieldBytesMin, 0, config.valueBytes / config.valueFields, 'the shortest field cannot be longer than the longest');
  requireInteger('loadFirst', config.loadFirst, 0, config.records - 1, 'YCSB insertstart must be below recordcount');
  if (config.loadCount === 0) config.loadCount = config.records - config.loadFirst;
  requireInteger('loadCount', config.loadCount, 1, config.records - config.loadFirst, 'YCSB needs insertstart + insertcount ≤ recordcount');
  if (config.capacityRecords === 0) config.capacityRecords = config.records;
  requireInteger('capacityRecords', config.capacityRecords, config.loadCount, 400_000_000, 'the store is sized for at least the loaded records');
  requireInteger('orderedKeys', config.orderedKeys, 0, 1, '1 names keys "user" + n, 0 "user" + fnvhash64(n)');
  requireInteger('keyZeroPadding', config.keyZeroPadding, 1, 20, 'key names are hashed from at most 24 bytes: "user" and 20 digits');
  requireInteger('bucketLogOverProvision', config.bucketLogOverProvision, 1, 64, 'LEED over-provisions the bucket log 4×');
  requireInteger('valueLogOverProvision', config.valueLogOverProvision, 1, 64, 'a log needs free space to be garbage-collected');
  requireInteger('setBatch', config.setBatch, 1, 64, '1 turns batching off; LEED batches 8');
  requireInteger('batchIdleNs', config.batchIdleNs, 1, 1e10, 'it is in nanoseconds (1 ms = 1000000)');
  requireInteger('gcSegmentBlocks', config.gcSegmentBlocks, 1, 1024, 'garbage collection reads this many blocks at a time');
  requireInteger('seed', config.seed, 0, Number.MAX_SAFE_INTEGER, 'seeds are non-negative integers');
  if (config.ssds > config.dpuCores * 64) {
    throw new ConfigError(`${config.ssds} SSDs on ${config.dpuCores} DPU cores is more than 64 SSDs per core`);
  }

  if (config.cacheSlots === 0) {
    config.cacheSlots = Math.max(config.slotsPerBucket, Math.round(config.loadCount * PAPER_CACHE_SLOTS_PER_RECORD));
  }
  requireInteger('cacheSlots', config.cacheSlots, config.slotsPerBucket, 2 ** 28, 'the cache lives in DPU DRAM inside a 4 GiB WebAssembly memory');
  config.cacheSlots = Math.ceil(config.cacheSlots / config.slotsPerBucket) * config.slotsPerBucket;

  if (config.bucketIdBits === 0) {
    const bucketIds = config.capacityRecords / PAPER_RECORDS_PER_BUCKET_ID;
    config.bucketIdBits = Math.max(Math.ceil(Math.log2(config.ssds)) + 4, Math.round(Math.log2(bucketIds)));
  }
  requireInteger('bucketIdBits', config.bucketIdBits, 1, 30, 'the DRAM index holds 8 bytes per bucket id');
  if (2 ** config.bucketIdBits < config.ssds) {
    throw new ConfigError(`bucketIdBits ${config.bucketIdBits} gives ${2 ** config.bucketIdBits} bucket ids for ${config.ssds} SSDs; every SSD needs at least one`);
  }
  const itemsPerBucketId = config.capacityRecords / 2 ** config.bucketIdBits;
  if (itemsPerBucketId > 256) {
    throw new ConfigError(
      `${config.capacityRecords} records over 2^${config.bucketIdBits} bucket ids is ${itemsPerBucketId.toFixed(0)} per bucket, ` +
      `chains of ${Math.ceil(itemsPerBucketId / 16)} blocks to read for every GET; raise bucketIdBits (LEED has ~2.4 per bucket)`,
    );
  }

  const logMinimum = minimumLogBlocks(config);
  if (config.valueLogBlocks === 0) {
    const recordsPerDevice = Math.ceil(config.capacityRecords / config.ssds);
    config.valueLogBlocks = Math.max(logMinimum, config.valueLogOverProvision * recordsPerDevice * valueRecordBlocksMax(config));
  }
  requireInteger('valueLogBlocks', config.valueLogBlocks, logMinimum, 2 ** INDEX_BLOCK_BITS - 1,
    `garbage collection needs room to move a segment (gcSegmentBlocks ${config.gcSegmentBlocks}) and a longest chain`);
  const deviceBytes = deviceBlocks(config) * BLOCK_BYTES;
  if (deviceBytes > DEVICE_BYTES_MAX) {
    throw new ConfigError(
      `each SSD would be ${(deviceBytes / 2 ** 30).toFixed(2)} GiB, more than the ${DEVICE_BYTES_MAX / 2 ** 30} GiB an emulated SSD addresses; ` +
      'use more SSDs, fewer bucketIdBits, or lower valueLogOverProvision or valueLogBlocks',
    );
  }
  return Object.freeze(config);
}

/** Bucket ids per SSD: ids are dealt to SSDs round robin (id mod ssds). */
export function bucketIdsPerDevice(config: ResolvedConfig): number {
  return Math.ceil(2 ** config.bucketIdBits / config.ssds);
}

/**
 * The smallest log garbage collection can work in: room for a segment it moves, a longest
 * chain or batch, and the writes admitted meanwhile, several times over.
 */
export function minimumLogBlocks(config: ClusterConfig): number {
  return 4 * (2 * (config.gcSegmentBlocks + CHAIN_BLOCKS_MAX + 1) + config.setBatch * valueRecordBlocksMax(config));
}

/** Bucket-log blocks per SSD: LEED's over-provisioning of the bucket ids (at least the GC minimum). */
export function bucketLogBlocks(config: ResolvedConfig): number {
  return Math.max(minimumLogBlocks(config), bucketIdsPerDevice(config) * config.bucketLogOverProvision);
}

/** Blocks per SSD: the superblock, the bucket log and the value log. */
export function deviceBlocks(config: ResolvedConfig): number {
  return 1 + bucketLogBlocks(config) + config.valueLogBlocks;
}

/** The DPU core that owns SSD `device`. */
export function coreOfDevice(config: ResolvedConfig, device: number): number {
  return device % config.dpuCores;
}
