/*
 * The native reference of the live engine (issue 9): a C port of what `scalio run --engine
 * live --workload C` does with Scalio at the default scale, doing the same work on the same
 * bytes, so that `npm run bench` can report the live engine's operations per CPU-second as a
 * share of what native code doing that work reaches (bench/native-live.ts runs both).
 *
 * The data. bench/native-live.ts builds and loads a cluster with the project's own code, runs
 * the live engine's warm-up on it, and dumps the WebAssembly memory (the DPU DRAM: cache,
 * cache epoch, store index, the YCSB shared state, every client's arena with its random
 * stream) and every written SSD block to files. This program loads the memory at the same
 * addresses (every layout, every byte and every client's random stream is the engine's
 * own) and rebuilds the SSDs as src/hw/ssd.ts stores them (block table, slots of 64, 80, 96,
 * … 512 bytes, the sizes ssd.ts's classes have, with its constants passed with -D, in chunk
 * pools; slots placed in block order rather than the load's write order). It runs the measured phase from that
 * state; the JavaScript engine runs its measured phase from the same state.
 *
 * What is ported, file by file (same steps, same order, same checks):
 * - src/engine/live/client-thread.ts: `threads` client threads (default: the machine's
 *   cores), each running its share of the logical clients (client % threads) round robin,
 *   one operation per turn; a clock read per finished operation (that reading ends this
 *   operation and starts the next client's); finished operations added to a shared
 *   progress count every PROGRESS_BATCH (1024); a client parked on a backoff deadline is
 *   skipped until the clock passes it; when every client is parked, 64 spinning rounds, then
 *   a 50 µs sleep (these constants, and every other one of the engine's path, are passed with
 *   -D from their TypeScript definitions: see below).
 * - src/engine/driver.ts ClientRunner + YcsbOperations: ycsbNextOperation (the draw, the
 *   zipfian key choice against the acknowledged-key bound, the key name, its murmur hash
 *   and placement hashes), the operation's latency into a per-thread histogram (the same
 *   buckets as src/engine/histogram.ts), not-found counting.
 * - src/systems/scalio/hit-at-once.ts + assembly/fast-path.ts cacheHitAtOnce, tried first
 *   (driver.ts verbsAtOnce): a hit in one call (bucket READ copied strided, scan, value copy,
 *   access time stored atomically, the verbs' and the machine's counters), without a Verb or
 *   `execute`'s checks; anything else falls back to scalioGet from its first READ.
 * - src/systems/scalio/client.ts scalioGet, steps 1-5, with leases (lease.ts E2/E3/E6):
 *   bucket RDMA READ into the client's scratch, scan; hit → value copy, access-time 8-byte
 *   posted WRITE; torn → re-read (scrub on the same torn word twice); pending → backoff
 *   (the client parks); miss → CAS reserve, bucket re-read, other-claim check, store read
 *   (src/store/read.ts: index entry RDMA READ, chain NVMe read, chainCheck, chainFind,
 *   value-record NVMe read and checks, value copy), slot image build and fill WRITE, CAS
 *   publish (release on failure); the stale epoch copy refreshed by an RDMA READ on a miss.
 * - src/hw/hardware.ts execute: each verb as data (a Verb filled in, then dispatched), the
 *   remote-key region lookup and bounds checks, the local-buffer check, the copy kernels
 *   (strided bucket READ: bulk copy, then the slots' state words atomically; word-atomic
 *   READ elsewhere; word-atomic WRITE), real CAS, and the same counters.
 * - src/hw/ssd.ts read: per-block sequence locks (stripes) loaded before and after, the
 *   block table, the slot copy from its chunk and the zero fill to the block's end.
 * - src/engine/live/core-thread.ts: one thread per DPU core, polling (256 empty polls, then
 *   sleeping up to 1 ms at a time); core 0 advances the cache epoch and sweeps 4096 slots
 *   every 1 ms (lease.ts E1/E4, the kernels' cacheSweep).
 * - The kernels themselves are bench/native/kernels.c (the C ports the kernel benchmarks
 *   compare with), included here; their per-instance globals are thread-local, as each
 *   WebAssembly instance has its own.
 *
 * What differs:
 * - No generators, closures, boxed numbers or garbage collector: that is the point.
 * - A GET that exhausts its 32 attempts falls back to an RPC on the DPU core in the engine;
 *   here the client reads the store itself (counted as readFallbacks, as there). On YCSB-C
 *   this does not happen (the bench prints both sides' fallback counts).
 * - The DPU core threads serve no RPCs (YCSB-C sends none): their poll is one atomic load.
 * - Only reads are ported: the workload must be read-only (it refuses others).
 * - `leased=0` runs `scalio-no-lease` (no epoch reads, no housekeeping): the port's test
 *   uses it for runs whose outcome cannot depend on timing.
 * - Histories, crash plans and scripted operations are not ported (the bench uses none).
 *
 * Usage: live MEMORY SSDS key=value...   (see bench/native-live.ts for the keys)
 * Prints one JSON line of results; with dumpAfter=PATH, also writes the final memory there.
 */
#define THREAD_LOCAL __thread
#define main kernelsBenchMain /* kernels.c's own benchmark entry point, unused here */
#include "kernels.c"
#undef main

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

/* ---------------------------------------------------------------- src/hw/verbs.ts */
enum { VERB_RDMA_READ = 1, VERB_RDMA_WRITE = 2, VERB_RDMA_CAS = 3, VERB_RDMA_FETCH_ADD = 4, VERB_NVME_READ = 5, VERB_NVME_WRITE = 6, VERB_RPC = 7, VERB_SLEEP = 8 };
typedef struct {
  i32 kind, remoteKey, length, signaled, device, blockCount;
  u64 remoteAddress, localAddress;
  double block, durationNs;
} Verb;

/* ---------------------------------------------------------------- src/hw/memory-plan.ts (regions) */
typedef struct { const char *name; u64 base, bytes; i32 remoteKey, wholeWordStrideBytes; } Region;
#define REMOTE_KEYS_MAX 64
static Region *regionsByKey[REMOTE_KEYS_MAX];
static Region cacheRegion = { "cache" }, epochRegion = { "cacheEpoch" }, indexRegion = { "storeIndex" };

/* ---------------------------------------------------------------- the run's settings */
static i32 clientCount, threadCount, coreCount, cacheBucketCount, cacheBucketBytes, bucketIdBits, deviceCount, bucketIdsPerDevice;
static i32 oRandom, oOperands, oWord, oIndexEntry, oKey, oValue, oChain, oValueBlocks, oSystem, oSlotImage;
static u64 arenasBase, arenaBytes;
static double operationsTotal, clockOffsetNs;
/* 1 for `scalio` (leases on reservations, lease.ts), 0 for `scalio-no-lease` (no epoch, no sweep). */
static i32 leased;
static u64 memoryBytes;

/* Passed with -D from their TypeScript definitions (bench/native-live.ts liveDefines): GET_ATTEMPTS_MAX,
 * BACKOFF_FIRST_NS, BACKOFF_MAX_NS (src/systems/scalio/client.ts), READ_RESTARTS_MAX (src/store/read.ts),
 * CACHE_EPOCH_NS, EPOCH_REFRESH_NS, LEASE_EPOCHS, SWEEP_SLOTS_PER_EPOCH (src/systems/scalio/lease.ts),
 * NOT_FOUND (src/store/context.ts), GET_NEEDS_MACHINE (src/systems/system.ts), PROGRESS_BATCH,
 * CLIENT_IDLE_SPINS_BEFORE_SLEEP, CLIENT_IDLE_SLEEP_NS (src/engine/live/client-thread.ts),
 * CORE_IDLE_SPINS_BEFORE_SLEEP, CORE_IDLE_SLEEP_NS (src/engine/live/core-thread.ts); and the
 * SSD's with ssdDefines (bench/native.ts). */

/* ---------------------------------------------------------------- clocks */
static double processCpuNs(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return (double)t.tv_sec * 1e9 + (double)t.tv_nsec; }
static double clockStartNs;
/* src/engine/live/protocol.ts sharedClock: one timeline for every thread, continuing the dump's. */
static inline double sharedClockNs(void) { return nowNs() - clockStartNs + clockOffsetNs; }
static void sleepNs(long ns) { struct timespec t = { 0, ns }; nanosleep(&t, NULL); }

/* ---------------------------------------------------------------- src/hw/ssd.ts: bench/native/ssd.h (included by kernels.c) */
typedef struct Thread Thread;

static void ssdCheckRange(const char *operation, i32 device, double block, i32 blockCount) {
  if (device < 0 || device >= deviceCount || blockCount < 1 || block < 0 || block + blockCount > blocksPerDevice || block != floor(block)) {
    fprintf(stderr, "live: NVMe %s of %d blocks at block %.0f on SSD %d: LBA out of range\n", operation, blockCount, block, device);
    exit(3);
  }
}

/* ---------------------------------------------------------------- src/hw/counters.ts */
#define DEVICE_COUNTERS 5
#define DEVICES_MAX 64
typedef struct { double values[COUNTER_COUNT + DEVICES_MAX * DEVICE_COUNTERS]; } Counters;
#define countAdd(counters, counter, amount) ((counters)->values[counter] += (amount))
#define countDevice(counters, device, counter, amount) ((counters)->values[COUNTER_COUNT + (device) * DEVICE_COUNTERS + (counter)] += (amount))

/* ---------------------------------------------------------------- src/engine/histogram.ts (per thread) */
typedef struct { double counts[HISTOGRAM_BUCKETS]; double count, totalNs, maxNs; } Histogram;
static void histogramAdd(Histogram *histogram, double valueNs) {
  histogram->counts[bucketOf(valueNs)]++;
  histogram->count++;
  histogram->totalNs += valueNs;
  if (valueNs > histogram->maxNs) histogram->maxNs = valueNs;
}

/* ---------------------------------------------------------------- a client: context, runner, GET state */
typedef struct {
  i32 client;
  u64 arena;            /* its registered buffer: [arena, arena + arenaBytes) */
  Verb verb;            /* the one verb its machine has in flight */
  /* the lease copy (lease.ts EpochCopies) */
  double epoch, epochReadAtNs;
  /* ClientRunner */
  double remaining, startNs;
  i32 kind, running;
  /* scalioGet's locals, kept across a park */
  i32 attempt, getEpoch, tornSlot;
  u32 tornLow, tornHigh;
  double backoffNs;
} __attribute__((aligned(64))) Client; /* a cache line of its own: clients of different threads share none (in the engine they are objects of different threads) */

struct Thread {
  i32 index;
  pthread_t thread;
  Client **clients;
  i32 count;
  double nowNs;
  Counters counters;
  Histogram histogram;
  double notFound;
  i32 seen[SSD_STRIPES];
  double startedNs, finishedNs;
};

static _Atomic i64 completedOperations;
static _Atomic i32 readyThreads, go, stop;

static inline double clientNow(Thread *thread) { return thread->nowNs; }
#define A(client, field) ((client)->arena + (u64)(field))

/* ---------------------------------------------------------------- assembly/cache.ts, memory.ts, store.ts (not in kernels.c): store.h, shared with sim.c */
#include "store.h"
static NOINLINE void copyBytes(u8 *destination, const u8 *source, i32 length) { memmove(destination, source, (size_t)length); }
static NOINLINE void storeU64(u8 *address, double value) { store64(address, (u64)value); }

/* ---------------------------------------------------------------- src/hw/hardware.ts */
static NOINLINE void remoteAccessError(const Verb *verb, const Client *client) {
  fprintf(stderr, "live: verb %d of %llu bytes at 0x%llx by client %d: remote access error\n", verb->kind, (unsigned long long)verb->length,
    (unsigned long long)verb->remoteAddress, client->client);
  exit(3);
}
static inline Region *checkRemote(const Client *client, const Verb *verb) {
  Region *region = verb->remoteKey > 0 && verb->remoteKey < REMOTE_KEYS_MAX ? regionsByKey[verb->remoteKey] : NULL;
  if (region == NULL) remoteAccessError(verb, client);
  const u64 end = region->base + region->bytes;
  if (!(verb->remoteAddress >= region->base && verb->remoteAddress + (u64)verb->length <= end && verb->length > 0)) remoteAccessError(verb, client);
  if ((verb->kind == VERB_RDMA_CAS || verb->kind == VERB_RDMA_FETCH_ADD) && verb->remoteAddress % 8 != 0) remoteAccessError(verb, client);
  return region;
}
static inline void checkLocal(const Client *client, const Verb *verb, u64 address, u64 length) {
  if (!(address >= client->arena && address + length <= client->arena + arenaBytes)) {
    fprintf(stderr, "live: verb %d by client %d: local buffer 0x%llx+%llu is outside its registered buffer\n", verb->kind, client->client,
      (unsigned long long)address, (unsigned long long)length);
    exit(3);
  }
}
static NOINLINE double execute(Thread *thread, Client *client, const Verb *verb) {
  Counters *counters = &thread->counters;
  switch (verb->kind) {
    case VERB_RDMA_READ: {
      const Region *region = checkRemote(client, verb);
      checkLocal(client, verb, verb->localAddress, (u64)verb->length);
      if (region->wholeWordStrideBytes > 0) {
        rdmaReadCopyStrided(at(verb->localAddress), at(verb->remoteAddress), verb->length, at(region->base), region->wholeWordStrideBytes);
      } else {
        rdmaReadCopy(at(verb->localAddress), at(verb->remoteAddress), verb->length);
      }
      countAdd(counters, COUNTER_rdmaReads, 1);
      countAdd(counters, COUNTER_rdmaReadBytes, verb->length);
      return 0;
    }
    case VERB_RDMA_WRITE: {
      checkRemote(client, verb);
      checkLocal(client, verb, verb->localAddress, (u64)verb->length);
      rdmaWriteCopy(at(verb->remoteAddress), at(verb->localAddress), verb->length);
      countAdd(counters, COUNTER_rdmaWrites, 1);
      countAdd(counters, COUNTER_rdmaWriteBytes, verb->length);
      return 0;
    }
    case VERB_RDMA_CAS: {
      checkRemote(client, verb);
      checkLocal(client, verb, verb->localAddress, 24);
      const i32 swapped = compareAndSwap64(at(verb->remoteAddress), at(verb->localAddress));
      countAdd(counters, COUNTER_rdmaCompareSwaps, 1);
      if (swapped == 0) countAdd(counters, COUNTER_rdmaCompareSwapFailures, 1);
      return swapped;
    }
    case VERB_NVME_READ:
      ssdCheckRange("read", verb->device, verb->block, verb->blockCount);
      checkLocal(client, verb, verb->localAddress, (u64)verb->blockCount * BLOCK_BYTES);
      ssdRead(thread->seen, verb->device, (i64)verb->block, verb->blockCount, at(verb->localAddress));
      countAdd(counters, COUNTER_nvmeReadsOffloaded, 1);
      countDevice(counters, verb->device, DEVICE_COUNTER_readsOffloaded, 1);
      countDevice(counters, verb->device, DEVICE_COUNTER_blocksRead, verb->blockCount);
      return 0;
    default:
      fprintf(stderr, "live: verb %d is not a hardware effect\n", verb->kind);
      exit(3);
  }
}

/* What the client thread does with a verb its machine yields (client-thread.ts): RPCs and
 * sleeps park the client; anything past nvmeRead is refused; the rest take effect at once. */
static inline double issue(Thread *thread, Client *client) {
  const Verb *verb = &client->verb;
  if (verb->kind > VERB_NVME_READ) { fprintf(stderr, "live: client %d issued verb %d, which clients cannot issue\n", client->client, verb->kind); exit(3); }
  return execute(thread, client, verb);
}

/* VerbIssuer's builders. */
static inline double rdmaRead(Thread *thread, Client *client, const Region *region, u64 remoteAddress, u64 localAddress, i32 length) {
  Verb *verb = &client->verb;
  verb->kind = VERB_RDMA_READ; verb->remoteKey = region->remoteKey; verb->remoteAddress = remoteAddress;
  verb->localAddress = localAddress; verb->length = length; verb->signaled = 1;
  return issue(thread, client);
}
static inline double rdmaWrite(Thread *thread, Client *client, const Region *region, u64 remoteAddress, u64 localAddress, i32 length, i32 signaled) {
  Verb *verb = &client->verb;
  verb->kind = VERB_RDMA_WRITE; verb->remoteKey = region->remoteKey; verb->remoteAddress = remoteAddress;
  verb->localAddress = localAddress; verb->length = length; verb->signaled = signaled;
  return issue(thread, client);
}
static inline double rdmaCompareSwap(Thread *thread, Client *client, const Region *region, u64 remoteAddress, u64 operandsAddress) {
  Verb *verb = &client->verb;
  verb->kind = VERB_RDMA_CAS; verb->remoteKey = region->remoteKey; verb->remoteAddress = remoteAddress;
  verb->localAddress = operandsAddress; verb->length = 8; verb->signaled = 1;
  return issue(thread, client);
}
static inline double nvmeRead(Thread *thread, Client *client, i32 device, double block, i32 blockCount, u64 localAddress) {
  Verb *verb = &client->verb;
  verb->kind = VERB_NVME_READ; verb->device = device; verb->block = block; verb->blockCount = blockCount; verb->localAddress = localAddress;
  return issue(thread, client);
}

/* ---------------------------------------------------------------- src/store/read.ts (a client: offloaded reads) */
static i32 readValue(Thread *thread, Client *client, u64 output) {
  Counters *counters = &thread->counters;
  const u64 key = A(client, oKey);
  const double bucketId = storeBucketIdOf(at(key), bucketIdBits);
  const i32 device = (i32)fmod(bucketId, deviceCount);
  const u64 entryRemote = indexRegion.base + (u64)((double)device * bucketIdsPerDevice + floor(bucketId / deviceCount)) * INDEX_ENTRY_BYTES;
  for (int attempt = 0; attempt < READ_RESTARTS_MAX; attempt++) {
    if (attempt > 0) countAdd(counters, COUNTER_offloadedReadRetries, 1);
    const u64 local = A(client, oIndexEntry);
    rdmaRead(thread, client, &indexRegion, entryRemote, local, 8);
    const i32 chainLength = indexEntryChainLength(at(local));
    const double block = indexEntryBlock(at(local));
    if (chainLength == 0) return NOT_FOUND;
    const u64 chain = A(client, oChain);
    nvmeRead(thread, client, device, block, chainLength, chain);
    if (chainCheck(at(chain), chainLength, bucketId) == 0) { countAdd(counters, COUNTER_staleChainReads, 1); continue; }
    const i32 item = chainFind(at(chain), chainLength, at(key));
    if (item < 0) return NOT_FOUND;
    const double valueOffset = itemValueOffset(at(chain), item);
    const i32 valueLength = itemValueLength(at(chain), item);
    const i32 keyLength = keyLengthOf(at(key));
    const double firstBlock = floor(valueOffset / BLOCK_BYTES);
    const double offsetInBlock = valueOffset - firstBlock * BLOCK_BYTES;
    const i32 blocks = recordBlocks(keyLength, valueLength);
    if (blocks == 1 ? offsetInBlock + VALUE_RECORD_HEADER_BYTES + keyLength + valueLength > BLOCK_BYTES : offsetInBlock != 0) continue;
    const u64 valueBlocks = A(client, oValueBlocks);
    nvmeRead(thread, client, device, firstBlock, blocks, valueBlocks);
    const u8 *record = at(valueBlocks + (u64)offsetInBlock);
    if (valueRecordMatches(record, at(key), valueLength) == 0 || valueRecordComplete(record) == 0
      || valueRecordSequence(record) >= blockSequence(at(chain))) {
      countAdd(counters, COUNTER_staleValueReads, 1);
      continue;
    }
    valueRecordCopyValue(record, at(output));
    return valueLength;
  }
  fprintf(stderr, "live: client %d: reading bucket %.0f on SSD %d failed its checks %d times in a row\n", client->client, bucketId, device, READ_RESTARTS_MAX);
  exit(3);
}

/* ---------------------------------------------------------------- src/systems/scalio/lease.ts (E2) */
static inline int epochStale(Thread *thread, Client *client) { return clientNow(thread) - client->epochReadAtNs > EPOCH_REFRESH_NS; }
static i32 epochRefresh(Thread *thread, Client *client) {
  const double sentAtNs = clientNow(thread);
  rdmaRead(thread, client, &epochRegion, epochRegion.base + CACHE_EPOCH_WORD_OFFSET, A(client, oWord), 8);
  countAdd(&thread->counters, COUNTER_epochReads, 1);
  const u32 epoch = load32(at(A(client, oWord)));
  client->epoch = epoch;
  client->epochReadAtNs = sentAtNs;
  return (i32)epoch;
}

/* ---------------------------------------------------------------- src/systems/scalio/client.ts */
/* releaseSlot; false if leases took the slot (counted), as in the engine. */
static void releaseSlot(Thread *thread, Client *client, u64 slotRemote, i32 epoch) {
  const u64 operands = A(client, oOperands);
  stageRelease(at(operands), at(A(client, oKey)), client->client, epoch, 0);
  if (rdmaCompareSwap(thread, client, &cacheRegion, slotRemote, operands) == 1) return;
  if (atomicResultState(at(operands)) == SLOT_STATE_FILLING_INVALIDATED) {
    stageRelease(at(operands), at(A(client, oKey)), client->client, epoch, 1);
    if (rdmaCompareSwap(thread, client, &cacheRegion, slotRemote, operands) == 1) return;
  }
  countAdd(&thread->counters, COUNTER_reservationsLost, 1);
}

enum { GET_DONE = 0, GET_SLEEP = 1 };
static void getBegin(Client *client) {
  client->attempt = 0;
  client->backoffNs = BACKOFF_FIRST_NS;
  client->getEpoch = (i32)client->epoch;
  client->tornSlot = -1;
  client->tornLow = 0;
  client->tornHigh = 0;
}
/* Runs scalioGet from where it stopped until it returns (GET_DONE, *result its value
 * length) or sleeps (GET_SLEEP, *result the duration): a generator's resumption by hand. */
static NOINLINE int getRun(Thread *thread, Client *client, double *result) {
  Counters *counters = &thread->counters;
  const u64 key = A(client, oKey), operands = A(client, oOperands), value = A(client, oValue), word = A(client, oWord);
  const u64 bucket = A(client, oSystem);
  const u64 slotImage = A(client, oSlotImage);
  const u64 bucketRemote = cacheRegion.base + (u64)cacheBucketOf(at(key), cacheBucketCount) * (u64)cacheBucketBytes;
  i32 epoch = client->getEpoch;
  for (; client->attempt < GET_ATTEMPTS_MAX; client->attempt++) {
    /* 1. Fetch the bucket with an RDMA READ and scan the local copy. */
    rdmaRead(thread, client, &cacheRegion, bucketRemote, bucket, cacheBucketBytes);
    i32 scan = cacheScan(at(bucket), at(key), at(operands), epoch);
    if ((scan >> SCAN_CODE_SHIFT) != SCAN_HIT && leased && epochStale(thread, client)) {
      epoch = epochRefresh(thread, client);
      client->getEpoch = epoch;
      scan = cacheScan(at(bucket), at(key), at(operands), epoch);
    }
    const i32 outcome = scan >> SCAN_CODE_SHIFT;
    const i32 slot = scan & SCAN_SLOT_MASK;
    const u64 slotRemote = bucketRemote + (u64)slot * (u64)slotBytes;

    if (outcome == SCAN_HIT) {
      countAdd(counters, COUNTER_cacheHits, 1);
      const i32 valueLength = slotValueLength(at(bucket), slot);
      copyBytes(at(value), at(bucket + (u64)slot * (u64)slotBytes + (u64)slotValueOffset), valueLength);
      storeU64(at(word), clientNow(thread));
      rdmaWrite(thread, client, &cacheRegion, slotRemote + SLOT_ACCESS_TIME_OFFSET, word, SLOT_ACCESS_TIME_BYTES, 0);
      *result = valueLength;
      return GET_DONE;
    }
    if (outcome == SCAN_TORN) {
      countAdd(counters, COUNTER_tornReads, 1);
      const u32 low = stagedCompareHalf(at(operands), 0);
      const u32 high = stagedCompareHalf(at(operands), 1);
      if (slot == client->tornSlot && low == client->tornLow && high == client->tornHigh) {
        stageScrub(at(operands));
        if (rdmaCompareSwap(thread, client, &cacheRegion, slotRemote, operands) == 1) countAdd(counters, COUNTER_slotsScrubbed, 1);
      }
      client->tornSlot = slot;
      client->tornLow = low;
      client->tornHigh = high;
      continue;
    }
    client->tornSlot = -1;
    if (outcome != SCAN_MISS && outcome != SCAN_RECLAIM) {
      countAdd(counters, COUNTER_pendingWaits, 1);
      *result = client->backoffNs;
      client->backoffNs = fmin(2 * client->backoffNs, BACKOFF_MAX_NS);
      client->attempt++;
      return GET_SLEEP;
    }

    /* 2-3. Lock the victim with an RDMA CAS, re-read the bucket, check for another claim. */
    stageReserve(at(operands), at(key), client->client, epoch);
    if (rdmaCompareSwap(thread, client, &cacheRegion, slotRemote, operands) == 0) continue;
    if (outcome == SCAN_RECLAIM) countAdd(counters, COUNTER_slotsReclaimed, 1);
    rdmaRead(thread, client, &cacheRegion, bucketRemote, bucket, cacheBucketBytes);
    if (cacheOtherClaim(at(bucket), at(key), slot, epoch) != 0) {
      countAdd(counters, COUNTER_reservationConflicts, 1);
      releaseSlot(thread, client, slotRemote, epoch);
      *result = client->backoffNs;
      client->backoffNs = fmin(2 * client->backoffNs, BACKOFF_MAX_NS);
      client->attempt++;
      return GET_SLEEP;
    }
    countAdd(counters, COUNTER_cacheMisses, 1);

    /* 4. Read the value from the SSD through NVMe-oF target offload. */
    const i32 valueLength = readValue(thread, client, value);
    if (valueLength == NOT_FOUND) {
      releaseSlot(thread, client, slotRemote, epoch);
      *result = NOT_FOUND;
      return GET_DONE;
    }

    /* 5. Fill the slot with an RDMA WRITE, then publish it with a CAS FILLING → VALID. */
    stageFill(at(slotImage), at(key), at(value), valueLength, clientNow(thread), at(operands), client->client, epoch);
    const i32 fillBytes = slotValueOffset + valueLength - SLOT_FILL_OFFSET;
    rdmaWrite(thread, client, &cacheRegion, slotRemote + SLOT_FILL_OFFSET, slotImage + SLOT_FILL_OFFSET, fillBytes, 1);
    if (rdmaCompareSwap(thread, client, &cacheRegion, slotRemote, operands) == 1) {
      countAdd(counters, COUNTER_fillsPublished, 1);
    } else {
      countAdd(counters, COUNTER_fillsAbandoned, 1);
      releaseSlot(thread, client, slotRemote, epoch);
    }
    *result = valueLength;
    return GET_DONE;
  }
  /* The engine falls back to an RPC read on the DPU core; here the client reads the store. */
  countAdd(counters, COUNTER_readFallbacks, 1);
  *result = readValue(thread, client, value);
  return GET_DONE;
}

/* ---------------------------------------------------------------- src/systems/scalio/hit-at-once.ts + assembly/fast-path.ts */
/* cacheHitAtOnce: step 1 of a hit in one kernel call: the bucket READ copied strided (without
 * the verb's region and buffer checks: the addresses are the cache's own), the scan (epoch 0:
 * the lease epoch only matters to outcomes other than a hit), the value copied out, the access
 * time into the client's word and, as the posted WRITE moves an aligned word, stored whole.
 * Returns the value's length, or -1 on anything but a hit. */
static NOINLINE i32 cacheHitAtOnce(u8 *bucketRemote, u8 *bucketLocal, i32 bucketBytes, const u8 *regionBase, const u8 *descriptor, u8 *operands,
  u8 *valueOut, u8 *wordLocal, double accessTimeNs) {
  rdmaReadCopyStrided(bucketLocal, bucketRemote, bucketBytes, regionBase, slotBytes);
  const i32 scan = cacheScan(bucketLocal, descriptor, operands, 0);
  if ((scan >> SCAN_CODE_SHIFT) != SCAN_HIT) return -1;
  const i32 slot = scan & SCAN_SLOT_MASK;
  const i32 valueLength = slotValueLength(bucketLocal, slot);
  memcpy(valueOut, bucketLocal + (size_t)(slot * slotBytes + slotValueOffset), (size_t)valueLength);
  const u64 accessTime = (u64)accessTimeNs;
  store64(wordLocal, accessTime);
  __atomic_store_n((u64 *)(bucketRemote + (size_t)(slot * slotBytes) + SLOT_ACCESS_TIME_OFFSET), accessTime, __ATOMIC_SEQ_CST);
  return valueLength;
}
/* scalioGetAtOnce: the hit's counters as the verbs and the machine would have counted them;
 * GET_NEEDS_MACHINE (-D) when the GET machine must run from its first READ. */
static inline i32 getAtOnce(Thread *thread, Client *client) {
  const u64 key = A(client, oKey);
  const u64 bucketRemote = cacheRegion.base + (u64)cacheBucketOf(at(key), cacheBucketCount) * (u64)cacheBucketBytes;
  const i32 valueLength = cacheHitAtOnce(at(bucketRemote), at(A(client, oSystem)), cacheBucketBytes, at(cacheRegion.base), at(key), at(A(client, oOperands)),
    at(A(client, oValue)), at(A(client, oWord)), clientNow(thread));
  if (valueLength < 0) return GET_NEEDS_MACHINE;
  Counters *counters = &thread->counters;
  countAdd(counters, COUNTER_rdmaReads, 1);
  countAdd(counters, COUNTER_rdmaReadBytes, cacheBucketBytes);
  countAdd(counters, COUNTER_cacheHits, 1);
  countAdd(counters, COUNTER_rdmaWrites, 1);
  countAdd(counters, COUNTER_rdmaWriteBytes, SLOT_ACCESS_TIME_BYTES);
  return valueLength;
}

/* ---------------------------------------------------------------- src/engine/live/client-thread.ts */
enum { WAITING_NOTHING = 0, WAITING_DEADLINE = 2 };

/* ClientRunner.finish, and the thread's progress report. */
static inline void finishOperation(Thread *thread, Client *client, double result, i64 *unreported) {
  thread->nowNs = sharedClockNs();
  client->running = 0;
  histogramAdd(&thread->histogram, thread->nowNs - client->startNs);
  if (result == NOT_FOUND) thread->notFound++;
  if (++*unreported == PROGRESS_BATCH) { atomic_fetch_add(&completedOperations, *unreported); *unreported = 0; }
}

static void *clientThread(void *argument) {
  Thread *thread = argument;
  const i32 count = thread->count;
  i32 *waiting = calloc((size_t)count, sizeof(i32));
  double *deadlineNs = calloc((size_t)count, sizeof(double));
  u8 *finished = calloc((size_t)count, 1);
  atomic_fetch_add(&readyThreads, 1);
  while (atomic_load(&go) == 0) sched_yield();
  thread->nowNs = sharedClockNs();
  thread->startedNs = thread->nowNs;
  i64 unreported = 0;
  i32 active = count, idleRounds = 0;
  while (active > 0) {
    int progressed = 0;
    for (i32 index = 0; index < count; index++) {
      if (finished[index]) continue;
      Client *client = thread->clients[index];
      if (waiting[index] == WAITING_DEADLINE) {
        if (thread->nowNs < deadlineNs[index]) continue;
        waiting[index] = WAITING_NOTHING;
      }
      progressed = 1;
      if (!client->running) {
        /* ClientRunner.begin: the next operation, drawn by the YCSB kernel. */
        if (client->remaining == 0) { finished[index] = 1; active--; continue; }
        client->remaining--;
        const i32 kind = ycsbNextOperation(at(A(client, oRandom)), at(A(client, oKey)), at(A(client, oValue)));
        if (kind != OPERATION_READ) { fprintf(stderr, "live: the native reference runs read-only workloads; drew operation %d\n", kind); exit(2); }
        client->kind = kind;
        client->startNs = thread->nowNs;
        /* The hit at once first (driver.ts, verbsAtOnce); anything else: the GET machine. */
        const i32 length = getAtOnce(thread, client);
        if (length == GET_NEEDS_MACHINE) {
          client->running = 1;
          getBegin(client);
        } else {
          finishOperation(thread, client, length, &unreported);
          continue;
        }
      }
      double result;
      if (getRun(thread, client, &result) == GET_SLEEP) {
        deadlineNs[index] = thread->nowNs + result;
        waiting[index] = WAITING_DEADLINE;
        continue;
      }
      finishOperation(thread, client, result, &unreported);
    }
    if (progressed) { idleRounds = 0; continue; }
    thread->nowNs = sharedClockNs();
    if (++idleRounds < CLIENT_IDLE_SPINS_BEFORE_SLEEP) continue;
    sleepNs(CLIENT_IDLE_SLEEP_NS);
    thread->nowNs = sharedClockNs();
  }
  thread->finishedNs = sharedClockNs();
  atomic_fetch_add(&completedOperations, unreported);
  free(waiting); free(deadlineNs); free(finished);
  return NULL;
}

/* ---------------------------------------------------------------- src/engine/live/core-thread.ts */
typedef struct { i32 core; pthread_t thread; double slotsSwept; _Atomic i32 ring; } Core;
static void *coreThread(void *argument) {
  Core *core = argument;
  atomic_fetch_add(&readyThreads, 1);
  while (atomic_load(&go) == 0) sched_yield();
  const i32 slots = cacheBucketCount * slotsPerBucket;
  i32 sweepCursor = 0;
  /* Core 0 runs the system's periodic work: Scalio's epoch and sweep, if it has leases. */
  double housekeepingDueNs = core->core == 0 && leased ? sharedClockNs() + CACHE_EPOCH_NS : INFINITY;
  i32 *epochWord = leased ? (i32 *)at(epochRegion.base + CACHE_EPOCH_WORD_OFFSET) : NULL;
  int idle = 0;
  while (atomic_load(&stop) == 0) {
    const double nowNs = sharedClockNs();
    int worked = 0;
    if (nowNs >= housekeepingDueNs) {
      /* lease.ts E1 and E4: advance the epoch, sweep the next stretch of the table. */
      const i32 epoch = __atomic_load_n(epochWord, __ATOMIC_SEQ_CST) + 1;
      __atomic_store_n(epochWord, epoch, __ATOMIC_SEQ_CST);
      if (sweepCursor >= slots) sweepCursor = 0;
      const i32 count = slots - sweepCursor < SWEEP_SLOTS_PER_EPOCH ? slots - sweepCursor : SWEEP_SLOTS_PER_EPOCH;
      core->slotsSwept += cacheSweep(at(cacheRegion.base), sweepCursor, count, epoch);
      sweepCursor += count;
      housekeepingDueNs = nowNs + CACHE_EPOCH_NS;
      worked = 1;
    }
    /* The RPC ring's poll: nothing is ever posted on YCSB-C here. */
    if (atomic_load(&core->ring) != 0) worked = 1;
    if (worked) { idle = 0; continue; }
    if (++idle < CORE_IDLE_SPINS_BEFORE_SLEEP) continue;
    /* The engine bounds the sleep by its parked handlers' nearest deadline (none here), not by
     * the housekeeping's: it sleeps the whole 1 ms and runs the housekeeping when it wakes. */
    const double nearestDeadlineNs = INFINITY;
    const double untilDeadlineNs = nearestDeadlineNs - sharedClockNs();
    if (untilDeadlineNs > 10000) sleepNs((long)fmin(CORE_IDLE_SLEEP_NS, untilDeadlineNs));
  }
  return NULL;
}

/* ---------------------------------------------------------------- loading the dumps */
static void *readWhole(const char *path, size_t *size, size_t alignment) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) { fprintf(stderr, "live: cannot open %s\n", path); exit(2); }
  fseek(file, 0, SEEK_END);
  const long length = ftell(file);
  fseek(file, 0, SEEK_SET);
  void *data = aligned_alloc(alignment, ((size_t)length + alignment - 1) / alignment * alignment + alignment);
  if (data == NULL || fread(data, 1, (size_t)length, file) != (size_t)length) { fprintf(stderr, "live: cannot read %s\n", path); exit(2); }
  fclose(file);
  *size = (size_t)length;
  return data;
}

static void setRegion(Region *region, int argc, char **argv, const char *prefix) {
  char name[64];
  snprintf(name, sizeof name, "%sBase", prefix); region->base = (u64)numberArg(argc, argv, name);
  snprintf(name, sizeof name, "%sBytes", prefix); region->bytes = (u64)numberArg(argc, argv, name);
  snprintf(name, sizeof name, "%sKey", prefix); region->remoteKey = (i32)numberArg(argc, argv, name);
  snprintf(name, sizeof name, "%sStride", prefix); region->wholeWordStrideBytes = (i32)numberArg(argc, argv, name);
  if (region->remoteKey <= 0 || region->remoteKey >= REMOTE_KEYS_MAX || region->base + region->bytes > memoryBytes) {
    fprintf(stderr, "live: region %s does not fit the memory dump\n", region->name);
    exit(2);
  }
  regionsByKey[region->remoteKey] = region;
}

static double operationsOfClient(double total, i32 clients, i32 client) {
  return floor(total / clients) + (client < fmod(total, clients) ? 1 : 0);
}

/* A hash of the cache as it stands, without the access times (they are clock readings): equal
 * on both sides when they ran the same operations in the same order. */
static u64 cacheDigest(void) {
  const i32 slots = cacheBucketCount * slotsPerBucket;
  u8 *copy = malloc((size_t)slotBytes);
  u64 digest = 0;
  for (i32 slot = 0; slot < slots; slot++) {
    memcpy(copy, at(cacheRegion.base + (u64)slot * (u64)slotBytes), (size_t)slotBytes);
    memset(copy + SLOT_ACCESS_TIME_OFFSET, 0, 8);
    digest = digest * 31 + murmur3x64(copy, slotBytes, (u32)slot);
  }
  free(copy);
  return digest;
}

int main(int argc, char **argv) {
  programName = "live";
  if (argc < 3) { fprintf(stderr, "usage: live MEMORY SSDS key=value...\n"); return 2; }
  size_t size;
  image = readWhole(argv[1], &size, 4096);
  imageBase = 0;
  memoryBytes = size;
#define ARG(name) numberArg(argc, argv, name)
  clientCount = (i32)ARG("clients"); threadCount = (i32)ARG("threads"); coreCount = (i32)ARG("dpuCores");
  operationsTotal = ARG("operations"); clockOffsetNs = ARG("clockOffsetNs");
  slotsPerBucket = (i32)ARG("slotsPerBucket"); slotBytes = (i32)ARG("slotBytes"); slotKeyBytes = (i32)ARG("keyBytesMax");
  slotValueBytes = (i32)ARG("valueBytesMax"); slotValueOffset = (i32)ARG("valueOffset");
  leased = (i32)ARG("leased"); leaseEpochs = leased ? LEASE_EPOCHS : 0;
  cacheBucketCount = (i32)ARG("bucketCount"); cacheBucketBytes = slotBytes * slotsPerBucket;
  bucketIdBits = (i32)ARG("bucketIdBits"); deviceCount = (i32)ARG("devices"); bucketIdsPerDevice = (i32)ARG("bucketIdsPerDevice");
  ssdConfigure((i32)ARG("blocksPerDevice"), (u64)ARG("chunkBytes"), (i32)ARG("poolChunks"));
  arenasBase = (u64)ARG("arenasBase"); arenaBytes = (u64)ARG("arenaBytes");
  oRandom = (i32)ARG("arenaRandom"); oOperands = (i32)ARG("arenaOperands"); oWord = (i32)ARG("arenaWord"); oIndexEntry = (i32)ARG("arenaIndexEntry");
  oKey = (i32)ARG("arenaKey"); oValue = (i32)ARG("arenaValue"); oChain = (i32)ARG("arenaChain"); oValueBlocks = (i32)ARG("arenaValueBlocks");
  oSystem = (i32)ARG("arenaSystem"); oSlotImage = oSystem + (i32)ARG("slotImageOffset");
  setRegion(&cacheRegion, argc, argv, "cache");
  if (leased) setRegion(&epochRegion, argc, argv, "epoch");
  setRegion(&indexRegion, argc, argv, "index");
  configureZipfian(ARG("zipfianItems"), 0, ARG("zipfianTheta"), ARG("zipfianZetan"));
  readUpTo = ARG("readShare"); updateUpTo = readUpTo + ARG("updateShare"); insertUpTo = updateUpTo + ARG("insertShare");
  chooserMin = ARG("chooserMin"); chooserItemCount = ARG("chooserItemCount"); shared = (u64)ARG("shared");
  orderedKeyNames = (int)ARG("orderedKeys"); keyZeroPadding = (int)ARG("keyZeroPadding"); fieldCount = (int)ARG("fields");
  fieldLengthMin = (int)ARG("fieldLengthMin"); fieldLengthMax = (int)ARG("fieldLengthMax"); fieldLengthDistribution = (int)ARG("fieldLengthDistribution");
  if (ARG("distribution") != DISTRIBUTION_ZIPFIAN || readUpTo != 1) { fprintf(stderr, "live: the native reference runs YCSB-C (zipfian reads only)\n"); return 2; }
  if (clientCount < 1 || threadCount < 1 || threadCount > clientCount || coreCount < 1 || deviceCount < 1 || deviceCount > DEVICES_MAX || arenasBase + arenaBytes * (u64)clientCount > memoryBytes) {
    fprintf(stderr, "live: bad clients, threads, DPU cores, devices or arenas\n");
    return 2;
  }
  loadSsds(argv[2], deviceCount, "live");

  /* Clients dealt to threads round robin (protocol.ts threadOfClient). */
  Thread *threads = aligned_alloc(64, sizeof(Thread) * (size_t)threadCount);
  memset(threads, 0, sizeof(Thread) * (size_t)threadCount);
  Client *clients = aligned_alloc(64, sizeof(Client) * (size_t)clientCount);
  memset(clients, 0, sizeof(Client) * (size_t)clientCount);
  for (i32 t = 0; t < threadCount; t++) {
    threads[t].index = t;
    threads[t].clients = calloc((size_t)clientCount, sizeof(Client *));
  }
  for (i32 c = 0; c < clientCount; c++) {
    Client *client = &clients[c];
    client->client = c;
    client->arena = arenasBase + (u64)c * arenaBytes;
    client->epoch = 0;
    client->epochReadAtNs = -INFINITY;
    client->remaining = operationsOfClient(operationsTotal, clientCount, c);
    Thread *thread = &threads[c % threadCount];
    thread->clients[thread->count++] = client;
  }
  Core *cores = aligned_alloc(64, sizeof(Core) * (size_t)coreCount);
  memset(cores, 0, sizeof(Core) * (size_t)coreCount);

  clockStartNs = nowNs();
  for (i32 t = 0; t < threadCount; t++) {
    if (pthread_create(&threads[t].thread, NULL, clientThread, &threads[t]) != 0) { fprintf(stderr, "live: cannot start client thread %d\n", t); return 2; }
  }
  for (i32 c = 0; c < coreCount; c++) {
    cores[c].core = c;
    if (pthread_create(&cores[c].thread, NULL, coreThread, &cores[c]) != 0) { fprintf(stderr, "live: cannot start DPU core thread %d\n", c); return 2; }
  }
  while (atomic_load(&readyThreads) < threadCount + coreCount) sched_yield();

  /* The measured window: CPU time and completed operations sampled every 200 ms, as the
   * JavaScript side samples process.cpuUsage() in the engine's progress callback. */
  const double goCpuNs = processCpuNs(), goWallNs = nowNs();
  atomic_store(&go, 1);
  double firstCpuNs = -1, firstOperations = 0, lastCpuNs = 0, lastOperations = 0;
  const double plannedOperations = operationsTotal;
  for (;;) {
    sleepNs(200000000);
    const double operations = (double)atomic_load(&completedOperations);
    const double cpuNs = processCpuNs();
    if (operations >= plannedOperations) break;
    if (firstCpuNs < 0) { firstCpuNs = cpuNs; firstOperations = operations; }
    lastCpuNs = cpuNs; lastOperations = operations;
  }
  for (i32 t = 0; t < threadCount; t++) pthread_join(threads[t].thread, NULL);
  const double endCpuNs = processCpuNs(), endWallNs = nowNs();
  atomic_store(&stop, 1);
  for (i32 c = 0; c < coreCount; c++) pthread_join(cores[c].thread, NULL);

  Counters total;
  memset(&total, 0, sizeof total);
  double operations = 0, notFound = 0, latencyTotalNs = 0, slotsSwept = 0;
  for (i32 t = 0; t < threadCount; t++) {
    for (size_t i = 0; i < sizeof(total.values) / sizeof(double); i++) total.values[i] += threads[t].counters.values[i];
    operations += threads[t].histogram.count;
    latencyTotalNs += threads[t].histogram.totalNs;
    notFound += threads[t].notFound;
  }
  for (i32 c = 0; c < coreCount; c++) slotsSwept += cores[c].slotsSwept;
  const double hits = total.values[COUNTER_cacheHits], misses = total.values[COUNTER_cacheMisses];
  const int windowed = firstCpuNs >= 0 && lastCpuNs > firstCpuNs && lastOperations > firstOperations;
  const double windowOperations = windowed ? lastOperations - firstOperations : operations;
  const double windowCpuNs = windowed ? lastCpuNs - firstCpuNs : endCpuNs - goCpuNs;
  printf("{\"operations\":%.0f,\"notFound\":%.0f,\"cacheHits\":%.0f,\"cacheMisses\":%.0f,\"hitRatio\":%.6f,\"readFallbacks\":%.0f,"
    "\"rdmaReads\":%.0f,\"rdmaWrites\":%.0f,\"rdmaCompareSwaps\":%.0f,\"nvmeReads\":%.0f,\"epochReads\":%.0f,\"pendingWaits\":%.0f,\"tornReads\":%.0f,"
    "\"fillsAbandoned\":%.0f,\"reservationsLost\":%.0f,\"slotsReclaimed\":%.0f,\"slotsScrubbed\":%.0f,\"reservationConflicts\":%.0f,\"slotsSwept\":%.0f,\"wallNs\":%.0f,\"cpuNs\":%.0f,\"windowOperations\":%.0f,\"windowCpuNs\":%.0f,\"windowed\":%s,"
    "\"operationsPerCpuSecond\":%.1f,\"meanLatencyNs\":%.1f,\"cacheDigest\":\"%016llx\"}\n",
    operations, notFound, hits, misses, hits + misses > 0 ? hits / (hits + misses) : 0, total.values[COUNTER_readFallbacks],
    total.values[COUNTER_rdmaReads], total.values[COUNTER_rdmaWrites], total.values[COUNTER_rdmaCompareSwaps], total.values[COUNTER_nvmeReadsOffloaded],
    total.values[COUNTER_epochReads], total.values[COUNTER_pendingWaits], total.values[COUNTER_tornReads],
    total.values[COUNTER_fillsAbandoned], total.values[COUNTER_reservationsLost], total.values[COUNTER_slotsReclaimed],
    total.values[COUNTER_slotsScrubbed], total.values[COUNTER_reservationConflicts], slotsSwept, endWallNs - goWallNs, endCpuNs - goCpuNs, windowOperations, windowCpuNs, windowed ? "true" : "false",
    windowOperations / (windowCpuNs / 1e9), operations > 0 ? latencyTotalNs / operations : 0, (unsigned long long)cacheDigest());
  for (int i = 3; i < argc; i++) {
    if (strncmp(argv[i], "dumpAfter=", 10) == 0) {
      FILE *file = fopen(argv[i] + 10, "wb");
      if (file == NULL || fwrite(image, 1, memoryBytes, file) != memoryBytes) { fprintf(stderr, "live: cannot write %s\n", argv[i] + 10); return 2; }
      fclose(file);
    }
  }
  return 0;
}
