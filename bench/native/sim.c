/*
 * A native replica of the simulator running YCSB-C on Scalio (issue 9): the reference that
 * `npm run bench` measures the simulator against, in simulated operations per CPU-second.
 *
 * What it replicates, event for event (bench/native-sim.ts checks it):
 * - src/engine/sim/event-queue.ts: the 4-ary min-heap of (time, insertion sequence) over a
 *   pool of events by handle, with the same push and pop discipline, so ties break alike.
 * - src/engine/sim/engine.ts, for the events YCSB-C on Scalio takes: a client's verb
 *   reaching the NIC (applied there, the client stepped at once on its own clock), a posted
 *   WRITE reaching the NIC, an offloaded NVMe command reaching its SSD and completing, and
 *   DPU core 0's housekeeping. The same resources: the NIC's message rate, the NIC → Arm
 *   memory path, each address's atomics (a hash table of "free at" times swept as the JS
 *   Map is), each SSD's parallel units (src/hw/ssd-timing.ts), the client CPU charges, the
 *   housekeeping's DPU thread. The posted WRITEs' staging slots, and the engine's checks
 *   (a region's bounds, a local buffer's, a staging slot in use) are made as the JS makes them.
 * - src/engine/driver.ts: per-client operation counts, think time, the latency histogram
 *   (src/engine/histogram.ts), first start and last end.
 * - src/systems/scalio/client.ts (scalioGet), lease.ts (epoch copies, refresh, the
 *   housekeeping's epoch tick and sweep) and src/store/read.ts (readValue), as explicit
 *   state machines in place of generators: every step, retry bound and counter of the GET.
 * - src/hw/hardware.ts and src/hw/ssd.ts: each verb's effect on the same bytes — a bucket
 *   READ's strided copy, word-atomic READs and WRITEs, the CAS, SSD reads that copy a
 *   block's stored slot and zero the rest, under the same per-block stripe checks.
 * - The kernels are bench/native/kernels.c's C ports (included below) plus the ones only
 *   the simulator needs, ported here from assembly/.
 * - It starts from the same bytes: the DPU memory image and the SSDs' written blocks that
 *   bench/native-sim.ts dumps after the load, before any simulated operation; every number
 *   of the profile, the configuration and the layouts comes from TypeScript on the command
 *   line or with -D, where each is defined once.
 *
 * What differs, and why it does not change the events:
 * - Only what YCSB-C at the default scale takes is ported: the simulator's RPC paths (the
 *   GET's fallback after GET_ATTEMPTS_MAX attempts, SETs, DPU-core handlers), faults, crash
 *   plans, the standard NVMe-oF target and shared client cores are not. A run that would
 *   take one of them stops with exit status 3 and a line saying which, instead of diverging.
 * - No history recording, no progress callbacks (the bench's JS runs have neither).
 * - The SSDs' storage: the JS keeps blocks in slots of per-class chunks found through a
 *   table and a chunk-class array; here a block's table entry holds its slot's offset and
 *   class directly (one load less per block read), in one pool per device. The slots are
 *   ssd.ts's sizes (64, 80, 96, … 512 bytes, its constants passed with -D), so a read copies
 *   the same bytes and zero-fills the same rest.
 * - Counters are the few the GET and the engine add on this path, in a plain array.
 * Nothing else differs: a replica of the same seed must give the same event count, the same
 * virtual end time, the same latency sum and the same hits as the JS engine, and the bench
 * refuses to report a ratio if it does not.
 *
 * Usage: sim DPU_IMAGE SSD_IMAGE key=value...  Prints one JSON line per phase (warm-up, run)
 * with its events, operations, virtual times, latency sum, counters and CPU seconds
 * (CLOCK_PROCESS_CPUTIME_ID around the phase: loading the images is not counted, as the JS
 * side does not count the load), then the cache region's digest. NATIVE_SIM_TRACE=N prints
 * the first N events of each phase on stderr (time, kind, target), to find where a replica
 * that is no longer exact first departs from the JS engine's events.
 */
#define main kernelsBenchMain /* kernels.c's own benchmark entry point, unused here */
#define KERNELS_WITHOUT_SSD   /* its SSD rows: this file's SSDs have a layout of their own (below) */
#include "kernels.c"
#undef main

#include <stdbool.h>

#define FAIL(status, ...) do { fprintf(stderr, "sim: " __VA_ARGS__); fputc('\n', stderr); exit(status); } while (0)
/* A path of the simulator the replica does not port: stop rather than diverge. */
#define UNSUPPORTED(...) FAIL(3, "not replicated: " __VA_ARGS__)

/* ---------------------------------------------------------------- kernels only the simulator needs */
static i32 bucketIdBits;
#define STORE_ACCESSOR static inline /* see store.h */
#include "store.h"
static void randomSeed(u8 *state, double seed, i32 stream) { store64(state, mix((u64)seed ^ mix((u64)(i64)stream + GOLDEN_GAMMA))); }
/* ---------------------------------------------------------------- the run's parameters (from bench/native-sim.ts) */
/* The hardware profile (src/hw/profile.ts, profiles/paper.json). */
static double networkOneWayNs, linkBytesPerNs, nicMessageNs, atomicSerialNs, dpuMemoryPathNs, dpuMemoryPathMessageNs,
  nvmeOverFabricNs, ssdReadNs, ssdWriteNs, ssdWriteOccupancyNs, ssdBlockTransferNs, clientOperationNs, clientVerbNs,
  clientNvmeInitiatorNs;
static i32 ssdParallelUnits;
/* The cluster. */
static i32 clients, devices, bucketIdsPerDevice, dpuThreads, housekeepingThread;
static double seed;
/* Regions: base, bytes, remote key; the cache's whole-word stride. */
typedef struct { u64 base, bytes; i32 remoteKey; i32 wholeWordStride; } Region;
static Region cacheRegion, indexRegion, epochRegion;
static u64 clientArenasBase, stagingBase;
/* A client's arena: its size and the offsets of its fields (src/hw/arena.ts). */
static u64 arenaBytes, arenaRandom, arenaOperands, arenaWord, arenaIndexEntry, arenaKey, arenaValue, arenaChain, arenaValueBlocks, arenaSystem;
static u64 slotImageOffset; /* scalioClientScratch: the slot image after the bucket copy, in the arena's system area */
/* Protocol constants (src/systems/scalio/client.ts, lease.ts; src/store/read.ts; src/engine/cluster.ts). */
static i32 getAttemptsMax, readRestartsMax, postedWritesPerClient, postedWriteBytesMax, sweepSlotsPerEpoch;
static double backoffFirstNs, backoffMaxNs, cacheEpochNs, epochRefreshNs, epochTickCpuNs, sweepSlotCpuNs;

/* ---------------------------------------------------------------- src/engine/sim/event-queue.ts */
typedef struct {
  double *sequences, *values, *heapTimes;
  i32 *kinds, *targets, *freeHandles, *heapHandles;
  i32 capacity, heapCapacity, freeCount, handleCount, size;
  double nextSequence;
  double time, value; i32 kind, target; /* the event `pop` removed */
} EventQueue;

static void queueInit(EventQueue *q) {
  memset(q, 0, sizeof *q);
  q->capacity = q->heapCapacity = 256;
  q->sequences = calloc(256, sizeof(double)); q->values = calloc(256, sizeof(double));
  q->kinds = calloc(256, sizeof(i32)); q->targets = calloc(256, sizeof(i32)); q->freeHandles = calloc(256, sizeof(i32));
  q->heapTimes = calloc(256, sizeof(double)); q->heapHandles = calloc(256, sizeof(i32));
}
static void queueFree(EventQueue *q) {
  free(q->sequences); free(q->values); free(q->kinds); free(q->targets); free(q->freeHandles); free(q->heapTimes); free(q->heapHandles);
}
static void *grown(void *array, size_t oldCount, size_t newCount, size_t size) {
  void *next = calloc(newCount, size);
  if (next == NULL) FAIL(1, "out of memory");
  memcpy(next, array, oldCount * size);
  free(array);
  return next;
}
static i32 newHandle(EventQueue *q) {
  if (q->handleCount == q->capacity) {
    const i32 capacity = q->capacity * 2;
    q->sequences = grown(q->sequences, (size_t)q->capacity, (size_t)capacity, sizeof(double));
    q->values = grown(q->values, (size_t)q->capacity, (size_t)capacity, sizeof(double));
    q->kinds = grown(q->kinds, (size_t)q->capacity, (size_t)capacity, sizeof(i32));
    q->targets = grown(q->targets, (size_t)q->capacity, (size_t)capacity, sizeof(i32));
    q->freeHandles = grown(q->freeHandles, (size_t)q->capacity, (size_t)capacity, sizeof(i32));
    q->capacity = capacity;
  }
  return q->handleCount++;
}
static void push(EventQueue *q, double time, i32 kind, i32 target, double value) {
  const i32 handle = q->freeCount > 0 ? q->freeHandles[--q->freeCount] : newHandle(q);
  q->sequences[handle] = q->nextSequence++;
  q->kinds[handle] = kind;
  q->targets[handle] = target;
  q->values[handle] = value;
  if (q->size == q->heapCapacity) {
    q->heapTimes = grown(q->heapTimes, (size_t)q->heapCapacity, (size_t)q->heapCapacity * 2, sizeof(double));
    q->heapHandles = grown(q->heapHandles, (size_t)q->heapCapacity, (size_t)q->heapCapacity * 2, sizeof(i32));
    q->heapCapacity *= 2;
  }
  double *times = q->heapTimes;
  i32 *handles = q->heapHandles;
  const double sequence = q->sequences[handle];
  i32 index = q->size++;
  while (index > 0) {
    const i32 parent = (index - 1) >> 2;
    const double parentTime = times[parent];
    if (parentTime < time || (parentTime == time && q->sequences[handles[parent]] < sequence)) break;
    times[index] = parentTime;
    handles[index] = handles[parent];
    index = parent;
  }
  times[index] = time;
  handles[index] = handle;
}
static void pop(EventQueue *q) {
  if (q->size == 0) FAIL(1, "pop from an empty event queue");
  double *times = q->heapTimes;
  i32 *handles = q->heapHandles;
  const i32 top = handles[0];
  q->time = times[0];
  q->kind = q->kinds[top];
  q->target = q->targets[top];
  q->value = q->values[top];
  q->freeHandles[q->freeCount++] = top;
  const i32 last = --q->size;
  if (last == 0) return;
  const double time = times[last];
  const i32 handle = handles[last];
  const double sequence = q->sequences[handle];
  i32 index = 0;
  for (;;) {
    const i32 first = 4 * index + 1;
    if (first >= last) break;
    i32 child = first;
    double childTime = times[first];
    const i32 end = first + 4 < last ? first + 4 : last;
    for (i32 candidate = first + 1; candidate < end; candidate++) {
      const double candidateTime = times[candidate];
      if (candidateTime < childTime || (candidateTime == childTime && q->sequences[handles[candidate]] < q->sequences[handles[child]])) {
        child = candidate;
        childTime = candidateTime;
      }
    }
    if (time < childTime || (time == childTime && sequence < q->sequences[handles[child]])) break;
    times[index] = childTime;
    handles[index] = handles[child];
    index = child;
  }
  times[index] = time;
  handles[index] = handle;
}

/* ---------------------------------------------------------------- the atomics' "free at" times by address (the JS Map) */
typedef struct { u64 *keys; double *freeAt; u8 *used; size_t capacity, size; } AddressTimes;
static void addressTimesInit(AddressTimes *table, size_t capacity) {
  table->capacity = capacity; table->size = 0;
  table->keys = calloc(capacity, sizeof(u64)); table->freeAt = calloc(capacity, sizeof(double)); table->used = calloc(capacity, 1);
}
static void addressTimesFree(AddressTimes *table) { free(table->keys); free(table->freeAt); free(table->used); }
static inline size_t addressSlot(const AddressTimes *table, u64 key) {
  size_t slot = (size_t)(finalMix64(key) & (table->capacity - 1));
  while (table->used[slot] && table->keys[slot] != key) slot = (slot + 1) & (table->capacity - 1);
  return slot;
}
static void addressTimesSet(AddressTimes *table, u64 key, double value);
static void addressTimesRehash(AddressTimes *table, size_t capacity, double dropAtOrBefore) {
  AddressTimes old = *table;
  addressTimesInit(table, capacity);
  for (size_t i = 0; i < old.capacity; i++) if (old.used[i] && !(old.freeAt[i] <= dropAtOrBefore)) addressTimesSet(table, old.keys[i], old.freeAt[i]);
  addressTimesFree(&old);
}
static void addressTimesSet(AddressTimes *table, u64 key, double value) {
  size_t slot = addressSlot(table, key);
  if (!table->used[slot]) {
    if (2 * (table->size + 1) > table->capacity) { addressTimesRehash(table, table->capacity * 2, -INFINITY); slot = addressSlot(table, key); }
    table->used[slot] = 1; table->keys[slot] = key; table->size++;
  }
  table->freeAt[slot] = value;
}

/* ---------------------------------------------------------------- the SSDs (src/hw/ssd.ts), as dumped */
/* SSD_STRIPES and SSD_SLOT_* come from src/hw/ssd.ts, SSD_ENTRY_CLASS_SHIFT from bench/native-sim.ts
 * (the image's format), all with -D. A table entry: 0, or (the slot's offset in the pool in
 * SSD_SLOT_STEP_BYTES + 1) | its class above SSD_ENTRY_CLASS_SHIFT; the class's size as ssd.ts's. */
static inline size_t ssdSlotBytesOfClass(u32 slotClass) { return SSD_SLOT_BYTES_MIN + (size_t)(slotClass - 1) * SSD_SLOT_STEP_BYTES; }
typedef struct { u32 *table; u8 *pool; u64 poolBytes; } Device;
static Device *ssds;
static i32 blocksPerDevice;
static i32 *stripes; /* the per-block sequence locks: nobody writes during YCSB-C, but reads check them as the JS does */

/* Copies blocks from a device into `target`; no block is seen half written (src/hw/ssd.ts, read). */
static NOINLINE void ssdRead(i32 device, i32 block, i32 blockCount, u8 *target) {
  const i32 base = device * SSD_STRIPES;
  const i32 stripesCrossed = blockCount < SSD_STRIPES ? blockCount : SSD_STRIPES;
  static i32 seen[SSD_STRIPES];
  /* One pass, no retry: this program has one thread and never writes the SSDs, so a stripe
   * is never odd (mid-write) and never moves; the loads are the JS read's work, and a stripe
   * that did either would be a bug here, not a write to wait for. */
  {
    for (i32 index = 0; index < stripesCrossed; index++) {
      seen[index] = __atomic_load_n(&stripes[base + (block + index) % SSD_STRIPES], __ATOMIC_SEQ_CST);
      if ((seen[index] & 1) != 0) FAIL(1, "SSD %d block %d: a stripe is mid-write in a program that never writes", device, block);
    }
    for (i32 index = 0; index < blockCount; index++) {
      u8 *at_ = target + (size_t)index * BLOCK_BYTES;
      const u32 entry = ssds[device].table[block + index];
      size_t slotBytes_ = 0;
      if (entry != 0) {
        const u32 place = (entry & ((1u << SSD_ENTRY_CLASS_SHIFT) - 1)) - 1;
        slotBytes_ = ssdSlotBytesOfClass(entry >> SSD_ENTRY_CLASS_SHIFT);
        memcpy(at_, ssds[device].pool + (size_t)place * SSD_SLOT_STEP_BYTES, slotBytes_);
      }
      if (slotBytes_ < BLOCK_BYTES) memset(at_ + slotBytes_, 0, BLOCK_BYTES - slotBytes_);
    }
    for (i32 index = 0; index < stripesCrossed; index++) {
      if (__atomic_load_n(&stripes[base + (block + index) % SSD_STRIPES], __ATOMIC_SEQ_CST) != seen[index]) FAIL(1, "SSD %d block %d: a stripe moved in a program that never writes", device, block);
    }
  }
}

/* ---------------------------------------------------------------- counters (src/hw/counters.ts, the ones this path adds) */
enum {
  C_CACHE_HITS, C_CACHE_MISSES, C_TORN_READS, C_SLOTS_SCRUBBED, C_PENDING_WAITS, C_SLOTS_RECLAIMED, C_RESERVATION_CONFLICTS,
  C_FILLS_PUBLISHED, C_FILLS_ABANDONED, C_RESERVATIONS_LOST, C_EPOCH_READS, C_OFFLOADED_READ_RETRIES, C_STALE_CHAIN_READS,
  C_STALE_VALUE_READS, C_SLOTS_SWEPT, C_RDMA_READS, C_RDMA_READ_BYTES, C_RDMA_WRITES, C_RDMA_WRITE_BYTES, C_RDMA_CAS,
  C_RDMA_CAS_FAILURES, C_NVME_READS_OFFLOADED, C_CLIENT_BUSY_NS, C_COUNT
};
static const char *COUNTER_NAMES[C_COUNT] = {
  "cacheHits", "cacheMisses", "tornReads", "slotsScrubbed", "pendingWaits", "slotsReclaimed", "reservationConflicts",
  "fillsPublished", "fillsAbandoned", "reservationsLost", "epochReads", "offloadedReadRetries", "staleChainReads",
  "staleValueReads", "slotsSwept", "rdmaReads", "rdmaReadBytes", "rdmaWrites", "rdmaWriteBytes", "rdmaCompareSwaps",
  "rdmaCompareSwapFailures", "nvmeReadsOffloaded", "clientBusyNs",
};
static double counters[C_COUNT];
static double *deviceBlocksRead, *deviceReadsOffloaded, *threadBusyNs;

/* ---------------------------------------------------------------- verbs (src/hw/verbs.ts) and their effects (src/hw/hardware.ts) */
enum { VERB_RDMA_READ = 1, VERB_RDMA_WRITE = 2, VERB_RDMA_CAS = 3, VERB_NVME_READ = 5, VERB_SLEEP = 8 };
typedef struct {
  i32 kind; const Region *region; u64 remoteAddress, localAddress; i32 length; bool signaled;
  i32 device; i32 block; i32 blockCount; double durationNs;
} Verb;

static void checkRemote(const Verb *verb) {
  const Region *region = verb->region;
  if (!(verb->remoteAddress >= region->base && verb->remoteAddress + (u64)verb->length <= region->base + region->bytes && verb->length > 0)) {
    FAIL(1, "verb %d of %d bytes at %llu is outside its region (remote access error)", verb->kind, verb->length, (unsigned long long)verb->remoteAddress);
  }
  if (verb->kind == VERB_RDMA_CAS && verb->remoteAddress % 8 != 0) FAIL(1, "atomics need an 8-byte aligned address");
}
static inline void checkLocal(u64 bufferBase, u64 bufferBytes, u64 address, u64 length) {
  if (!(address >= bufferBase && address + length <= bufferBase + bufferBytes)) FAIL(1, "local buffer outside the registered buffer (local protection error)");
}

/* Applies a verb now (Hardware.execute); returns its result. `bufferBase`: the issuer's registered buffer. */
static i32 execute(const Verb *verb, u64 bufferBase, u64 bufferBytes) {
  switch (verb->kind) {
    case VERB_RDMA_READ:
      checkRemote(verb);
      checkLocal(bufferBase, bufferBytes, verb->localAddress, (u64)verb->length);
      if (verb->region->wholeWordStride > 0) {
        rdmaReadCopyStrided(at(verb->localAddress), at(verb->remoteAddress), verb->length, at(verb->region->base), verb->region->wholeWordStride);
      } else {
        rdmaReadCopy(at(verb->localAddress), at(verb->remoteAddress), verb->length);
      }
      counters[C_RDMA_READS]++;
      counters[C_RDMA_READ_BYTES] += verb->length;
      return 0;
    case VERB_RDMA_WRITE:
      checkRemote(verb);
      checkLocal(bufferBase, bufferBytes, verb->localAddress, (u64)verb->length);
      rdmaWriteCopy(at(verb->remoteAddress), at(verb->localAddress), verb->length);
      counters[C_RDMA_WRITES]++;
      counters[C_RDMA_WRITE_BYTES] += verb->length;
      return 0;
    case VERB_RDMA_CAS: {
      checkRemote(verb);
      checkLocal(bufferBase, bufferBytes, verb->localAddress, 24);
      const i32 swapped = compareAndSwap64(at(verb->remoteAddress), at(verb->localAddress));
      counters[C_RDMA_CAS]++;
      if (swapped == 0) counters[C_RDMA_CAS_FAILURES]++;
      return swapped;
    }
    case VERB_NVME_READ:
      if (verb->device < 0 || verb->device >= devices || verb->blockCount < 1 || verb->block < 0 || verb->block + verb->blockCount > blocksPerDevice) {
        FAIL(1, "NVMe read of %d blocks at block %d on SSD %d: LBA out of range", verb->blockCount, verb->block, verb->device);
      }
      checkLocal(bufferBase, bufferBytes, verb->localAddress, (u64)verb->blockCount * BLOCK_BYTES);
      ssdRead(verb->device, verb->block, verb->blockCount, at(verb->localAddress));
      counters[C_NVME_READS_OFFLOADED]++;
      deviceReadsOffloaded[verb->device]++;
      deviceBlocksRead[verb->device] += verb->blockCount;
      return 0;
    default:
      FAIL(1, "verb %d is not a hardware effect", verb->kind);
  }
}

/* ---------------------------------------------------------------- a client: its GET as a state machine (scalioGet, readValue) */
/* Where a client's machine resumes with the result of the verb it yielded. */
enum {
  GET_START, AFTER_BUCKET_READ, AFTER_EPOCH_READ, AFTER_SCRUB_CAS, AFTER_BACKOFF, AFTER_RESERVE_CAS, AFTER_BUCKET_REREAD,
  AFTER_RELEASE_CAS, AFTER_RELEASE_INVALIDATED_CAS, AFTER_CONFLICT_BACKOFF, AFTER_INDEX_READ, AFTER_CHAIN_READ,
  AFTER_VALUE_READ, AFTER_FILL_WRITE, AFTER_PUBLISH_CAS, AFTER_HIT_WRITE,
};
/* What a client does once it has given its reserved slot back. */
enum { RELEASED_BACK_OFF, RELEASED_NOT_FOUND, RELEASED_ABANDONED_FILL };
/* NOT_FOUND_RESULT: src/store/context.ts NOT_FOUND, with -D (bench/native-sim.ts). */
enum { STEP_VERB, STEP_DONE };

typedef struct {
  /* ClientRunner */
  i64 remaining; bool busy; double startNs;
  /* its arena's addresses */
  u64 arena, random, operands, word, indexEntry, key, value, chain, valueBlocks, bucket, slotImage;
  /* the GET under way */
  i32 resume, attempt, epoch, tornSlot, outcome, slot, afterRelease, readAttempt, device, chainLength, offsetInBlock, valueLength;
  u32 tornLow, tornHigh;
  double backoffNs, sentAtNs, bucketId, block;
  u64 bucketRemote, slotRemote, entryRemote;
  Verb verb;
  /* EpochCopies: the client's copy of the cache epoch and when it read it */
  i32 epochCopy; double epochReadAtNs;
  /* the posted WRITEs' staging slots */
  i32 postedNext;
} Client;

static Client *clientState;
static double *clientTimeNs;
static i32 *postedRemoteKey; static u64 *postedRemoteAddress; static i32 *postedLength;

static inline void yieldRead(Client *c, const Region *region, u64 remote, u64 local, i32 length, i32 resume) {
  c->verb = (Verb){ .kind = VERB_RDMA_READ, .region = region, .remoteAddress = remote, .localAddress = local, .length = length, .signaled = true };
  c->resume = resume;
}
static inline void yieldWrite(Client *c, const Region *region, u64 remote, u64 local, i32 length, bool signaled, i32 resume) {
  c->verb = (Verb){ .kind = VERB_RDMA_WRITE, .region = region, .remoteAddress = remote, .localAddress = local, .length = length, .signaled = signaled };
  c->resume = resume;
}
static inline void yieldCas(Client *c, u64 remote, i32 resume) {
  c->verb = (Verb){ .kind = VERB_RDMA_CAS, .region = &cacheRegion, .remoteAddress = remote, .localAddress = c->operands, .length = 8, .signaled = true };
  c->resume = resume;
}
static inline void yieldNvmeRead(Client *c, i32 device, i32 block, i32 blockCount, u64 local, i32 resume) {
  c->verb = (Verb){ .kind = VERB_NVME_READ, .device = device, .block = block, .blockCount = blockCount, .localAddress = local };
  c->resume = resume;
}
static inline void yieldSleep(Client *c, double durationNs, i32 resume) {
  c->verb = (Verb){ .kind = VERB_SLEEP, .durationNs = durationNs };
  c->resume = resume;
}

static i32 clientIndex(const Client *c) { return (i32)(c - clientState); }
static double nowOf(const Client *c) { return clientTimeNs[clientIndex(c)]; }

/* Step 1: fetch the key's cache bucket (or, past the bound, the RPC fallback, not ported). */
static int attemptGet(Client *c) {
  if (c->attempt >= getAttemptsMax) UNSUPPORTED("a GET fell back to an RPC read after %d attempts (client %d)", getAttemptsMax, clientIndex(c));
  yieldRead(c, &cacheRegion, c->bucketRemote, c->bucket, (i32)(slotsPerBucket * slotBytes), AFTER_BUCKET_READ);
  return STEP_VERB;
}
static int nextAttempt(Client *c) { c->attempt++; return attemptGet(c); }
static int backOff(Client *c, i32 resume) {
  yieldSleep(c, c->backoffNs, resume);
  c->backoffNs = 2 * c->backoffNs < backoffMaxNs ? 2 * c->backoffNs : backoffMaxNs;
  return STEP_VERB;
}
/* releaseSlot: FILLING → EMPTY, or FILLING_INVALIDATED → EMPTY; then what `afterRelease` says. */
static int releaseSlot(Client *c, i32 then) {
  c->afterRelease = then;
  stageRelease(at(c->operands), at(c->key), clientIndex(c), c->epoch, 0);
  yieldCas(c, c->slotRemote, AFTER_RELEASE_CAS);
  return STEP_VERB;
}
static int afterReleased(Client *c, double *result) {
  switch (c->afterRelease) {
    case RELEASED_BACK_OFF: return backOff(c, AFTER_CONFLICT_BACKOFF);
    case RELEASED_NOT_FOUND: *result = NOT_FOUND_RESULT; return STEP_DONE;
    default: *result = c->valueLength; return STEP_DONE;
  }
}
/* readValue (src/store/read.ts): index entry by RDMA, chain and value record by NVMe-oF. */
static int readAttemptStart(Client *c) {
  if (c->readAttempt >= readRestartsMax) FAIL(1, "client %d: reading bucket %.0f failed its checks %d times in a row", clientIndex(c), c->bucketId, readRestartsMax);
  if (c->readAttempt > 0) counters[C_OFFLOADED_READ_RETRIES]++;
  yieldRead(c, &indexRegion, c->entryRemote, c->indexEntry, 8, AFTER_INDEX_READ);
  return STEP_VERB;
}
static int readRetry(Client *c) { c->readAttempt++; return readAttemptStart(c); }
/* Step 5: fill the slot, then publish it. */
static int fill(Client *c) {
  stageFill(at(c->slotImage), at(c->key), at(c->value), c->valueLength, nowOf(c), at(c->operands), clientIndex(c), c->epoch);
  const i32 fillBytes = slotValueOffset + c->valueLength - SLOT_FILL_OFFSET;
  yieldWrite(c, &cacheRegion, c->slotRemote + SLOT_FILL_OFFSET, c->slotImage + SLOT_FILL_OFFSET, fillBytes, true, AFTER_FILL_WRITE);
  return STEP_VERB;
}
/* The scan's outcome (after the epoch was refreshed if it had to be). */
static int afterScan(Client *c, i32 scan, double *result) {
  c->outcome = scan >> SCAN_CODE_SHIFT;
  c->slot = scan & SCAN_SLOT_MASK;
  c->slotRemote = c->bucketRemote + (u64)(c->slot * slotBytes);
  if (c->outcome == SCAN_HIT) {
    counters[C_CACHE_HITS]++;
    const i32 valueLength = slotValueLength(at(c->bucket), c->slot);
    memmove(at(c->value), at(c->bucket + (u64)(c->slot * slotBytes) + (u64)slotValueOffset), (size_t)valueLength);
    store64(at(c->word), (u64)nowOf(c));
    c->valueLength = valueLength;
    yieldWrite(c, &cacheRegion, c->slotRemote + SLOT_ACCESS_TIME_OFFSET, c->word, SLOT_ACCESS_TIME_BYTES, false, AFTER_HIT_WRITE);
    return STEP_VERB;
  }
  if (c->outcome == SCAN_TORN) {
    counters[C_TORN_READS]++;
    const u32 low = stagedCompareHalf(at(c->operands), 0), high = stagedCompareHalf(at(c->operands), 1);
    const bool scrub = c->slot == c->tornSlot && low == c->tornLow && high == c->tornHigh;
    c->tornSlot = c->slot; c->tornLow = low; c->tornHigh = high;
    if (scrub) {
      stageScrub(at(c->operands));
      yieldCas(c, c->slotRemote, AFTER_SCRUB_CAS);
      return STEP_VERB;
    }
    return nextAttempt(c);
  }
  c->tornSlot = -1;
  if (c->outcome != SCAN_MISS && c->outcome != SCAN_RECLAIM) {
    counters[C_PENDING_WAITS]++;
    return backOff(c, AFTER_BACKOFF);
  }
  stageReserve(at(c->operands), at(c->key), clientIndex(c), c->epoch);
  yieldCas(c, c->slotRemote, AFTER_RESERVE_CAS);
  (void)result;
  return STEP_VERB;
}

/* Starts a GET of the key in the arena (scalioGet's entry). */
static int beginGet(Client *c) {
  c->bucketRemote = cacheRegion.base + (u64)cacheBucketOf(at(c->key), bucketCount) * (u64)(slotsPerBucket * slotBytes);
  c->backoffNs = backoffFirstNs;
  c->epoch = c->epochCopy;
  c->tornSlot = -1; c->tornLow = 0; c->tornHigh = 0;
  c->attempt = 0;
  return attemptGet(c);
}

/* Resumes a client's GET with the result of its last verb: STEP_VERB (c->verb) or STEP_DONE (*result). */
static int advance(Client *c, i32 input, double *result) {
  switch (c->resume) {
    case GET_START:
      return beginGet(c);
    case AFTER_BUCKET_READ: {
      i32 scan = cacheScan(at(c->bucket), at(c->key), at(c->operands), c->epoch);
      if ((scan >> SCAN_CODE_SHIFT) != SCAN_HIT && nowOf(c) - c->epochReadAtNs > epochRefreshNs) {
        /* E2: not a hit, and the epoch copy is old: read the epoch word. */
        c->sentAtNs = nowOf(c);
        yieldRead(c, &epochRegion, epochRegion.base + CACHE_EPOCH_WORD_OFFSET, c->word, 8, AFTER_EPOCH_READ);
        return STEP_VERB;
      }
      return afterScan(c, scan, result);
    }
    case AFTER_EPOCH_READ: {
      counters[C_EPOCH_READS]++;
      c->epochCopy = (i32)load32(at(c->word));
      c->epochReadAtNs = c->sentAtNs;
      c->epoch = c->epochCopy;
      return afterScan(c, cacheScan(at(c->bucket), at(c->key), at(c->operands), c->epoch), result);
    }
    case AFTER_SCRUB_CAS:
      if (input == 1) counters[C_SLOTS_SCRUBBED]++;
      return nextAttempt(c);
    case AFTER_BACKOFF:
      return nextAttempt(c);
    case AFTER_RESERVE_CAS:
      if (input == 0) return nextAttempt(c);
      if (c->outcome == SCAN_RECLAIM) counters[C_SLOTS_RECLAIMED]++;
      yieldRead(c, &cacheRegion, c->bucketRemote, c->bucket, (i32)(slotsPerBucket * slotBytes), AFTER_BUCKET_REREAD);
      return STEP_VERB;
    case AFTER_BUCKET_REREAD:
      if (cacheOtherClaim(at(c->bucket), at(c->key), c->slot, c->epoch) != 0) {
        counters[C_RESERVATION_CONFLICTS]++;
        return releaseSlot(c, RELEASED_BACK_OFF);
      }
      counters[C_CACHE_MISSES]++;
      /* Step 4: readValue. */
      c->bucketId = storeBucketIdOf(at(c->key), bucketIdBits);
      c->device = (i32)fmod(c->bucketId, devices);
      c->entryRemote = indexRegion.base + (u64)(c->device * (double)bucketIdsPerDevice + floor(c->bucketId / devices)) * INDEX_ENTRY_BYTES;
      c->readAttempt = 0;
      return readAttemptStart(c);
    case AFTER_RELEASE_CAS:
      if (input == 1) return afterReleased(c, result);
      if (atomicResultState(at(c->operands)) == SLOT_STATE_FILLING_INVALIDATED) {
        stageRelease(at(c->operands), at(c->key), clientIndex(c), c->epoch, 1);
        yieldCas(c, c->slotRemote, AFTER_RELEASE_INVALIDATED_CAS);
        return STEP_VERB;
      }
      counters[C_RESERVATIONS_LOST]++;
      return afterReleased(c, result);
    case AFTER_RELEASE_INVALIDATED_CAS:
      if (input != 1) counters[C_RESERVATIONS_LOST]++;
      return afterReleased(c, result);
    case AFTER_CONFLICT_BACKOFF:
      return nextAttempt(c);
    case AFTER_INDEX_READ:
      c->chainLength = indexEntryChainLength(at(c->indexEntry));
      c->block = indexEntryBlock(at(c->indexEntry));
      if (c->chainLength == 0) return releaseSlot(c, RELEASED_NOT_FOUND);
      yieldNvmeRead(c, c->device, (i32)c->block, c->chainLength, c->chain, AFTER_CHAIN_READ);
      return STEP_VERB;
    case AFTER_CHAIN_READ: {
      u8 *chain = at(c->chain);
      if (chainCheck(chain, c->chainLength, c->bucketId) == 0) {
        counters[C_STALE_CHAIN_READS]++;
        return readRetry(c);
      }
      const i32 item = chainFind(chain, c->chainLength, at(c->key));
      if (item < 0) return releaseSlot(c, RELEASED_NOT_FOUND);
      const double valueOffset = itemValueOffset(chain, item);
      const i32 valueLength = itemValueLength(chain, item);
      const i32 keyLength = keyLengthOf(at(c->key));
      const double firstBlock = floor(valueOffset / BLOCK_BYTES);
      const i32 offsetInBlock = (i32)(valueOffset - firstBlock * BLOCK_BYTES);
      const i32 blocks = recordBlocks(keyLength, valueLength);
      if (blocks == 1 ? offsetInBlock + VALUE_RECORD_HEADER_BYTES + keyLength + valueLength > BLOCK_BYTES : offsetInBlock != 0) return readRetry(c);
      c->offsetInBlock = offsetInBlock;
      c->valueLength = valueLength;
      yieldNvmeRead(c, c->device, (i32)firstBlock, blocks, c->valueBlocks, AFTER_VALUE_READ);
      return STEP_VERB;
    }
    case AFTER_VALUE_READ: {
      const u8 *record = at(c->valueBlocks + (u64)c->offsetInBlock);
      if (valueRecordMatches(record, at(c->key), c->valueLength) == 0 || valueRecordComplete(record) == 0
        || valueRecordSequence(record) >= blockSequence(at(c->chain))) {
        counters[C_STALE_VALUE_READS]++;
        return readRetry(c);
      }
      valueRecordCopyValue(record, at(c->value));
      return fill(c);
    }
    case AFTER_FILL_WRITE:
      yieldCas(c, c->slotRemote, AFTER_PUBLISH_CAS);
      return STEP_VERB;
    case AFTER_PUBLISH_CAS:
      if (input == 1) {
        counters[C_FILLS_PUBLISHED]++;
        *result = c->valueLength;
        return STEP_DONE;
      }
      counters[C_FILLS_ABANDONED]++;
      return releaseSlot(c, RELEASED_ABANDONED_FILL);
    case AFTER_HIT_WRITE:
      *result = c->valueLength;
      return STEP_DONE;
    default:
      FAIL(1, "client %d resumed at an unknown step %d", clientIndex(c), c->resume);
  }
}

/* ---------------------------------------------------------------- the simulator (src/engine/sim/engine.ts) */
enum { EVENT_CLIENT_VERB_ARRIVES = 0, EVENT_POSTED_WRITE_ARRIVES = 1, EVENT_CLIENT_NVME_ARRIVES = 2, EVENT_CLIENT_NVME_COMPLETES = 3, EVENT_HOUSEKEEPING = 12 };

static EventQueue queue;
static double now;
static double nicFreeAt, dpuMemoryPathFreeAt;
static AddressTimes atomicFreeAt;
static size_t atomicSweepAt;
static double *ssdUnitsFreeAt; /* devices × ssdParallelUnits */
static double *dpuThreadFreeAt;
static double firstStartNs, lastEndNs;
static i32 sweepCursor;

static double clientCpu(i32 client, double costNs) {
  const double time = clientTimeNs[client];
  counters[C_CLIENT_BUSY_NS] += costNs;
  clientTimeNs[client] = time + costNs;
  return time + costNs;
}
static double nicServed(double arrival) {
  const double start = arrival > nicFreeAt ? arrival : nicFreeAt;
  nicFreeAt = start + nicMessageNs;
  return nicFreeAt;
}
static double dpuMemoryServed(double time) {
  const double start = time > dpuMemoryPathFreeAt ? time : dpuMemoryPathFreeAt;
  dpuMemoryPathFreeAt = start + dpuMemoryPathMessageNs;
  return dpuMemoryPathFreeAt + dpuMemoryPathNs;
}
static double atomicServed(u64 address, double time) {
  const size_t slot = addressSlot(&atomicFreeAt, address);
  const double freeAt = atomicFreeAt.used[slot] ? atomicFreeAt.freeAt[slot] : 0;
  const double start = time > freeAt ? time : freeAt;
  const double done = start + atomicSerialNs;
  addressTimesSet(&atomicFreeAt, address, done);
  /* Forget addresses whose atomics are all done, as the JS sweeps its Map. */
  if (atomicFreeAt.size > atomicSweepAt) {
    size_t capacity = atomicFreeAt.capacity;
    addressTimesRehash(&atomicFreeAt, capacity, now);
    atomicSweepAt = 2 * atomicFreeAt.size + 4096;
  }
  return done;
}
static double ssdCompletion(i32 device, i32 blockCount, double arrival) {
  double *units = ssdUnitsFreeAt + (size_t)device * (size_t)ssdParallelUnits;
  i32 unit = 0;
  for (i32 candidate = 1; candidate < ssdParallelUnits; candidate++) if (units[candidate] < units[unit]) unit = candidate;
  const double start = arrival > units[unit] ? arrival : units[unit];
  const double transfer = (double)((blockCount > 1 ? blockCount : 1) - 1) * ssdBlockTransferNs;
  units[unit] = start + ssdReadNs + transfer;
  return units[unit];
}
static double returnTimeNs(const Verb *verb) {
  switch (verb->kind) {
    case VERB_RDMA_READ: return verb->length / linkBytesPerNs + networkOneWayNs;
    case VERB_NVME_READ: return ((double)verb->blockCount * BLOCK_BYTES) / linkBytesPerNs + networkOneWayNs;
    default: return networkOneWayNs;
  }
}

static void beginOperation(Client *c, double startNs) {
  c->remaining--;
  const i32 kind = ycsbNextOperation(at(c->random), at(c->key), at(c->value));
  if (kind < 0) FAIL(1, "the YCSB key chooser drew no existing key in 1000 tries");
  if (kind != OPERATION_READ) UNSUPPORTED("a YCSB operation of kind %d (only YCSB-C's reads are ported)", kind);
  c->startNs = startNs;
  c->busy = true;
  c->resume = GET_START; /* the machine runs to its first verb when it is first advanced */
}

/* Copies a posted write's payload to the client's staging slot; returns the slot. */
static i32 stagePostedWrite(Client *c) {
  const i32 client = clientIndex(c);
  if (c->verb.length > postedWriteBytesMax) FAIL(1, "client %d posted a %d-byte WRITE", client, c->verb.length);
  const i32 slot = client * postedWritesPerClient + c->postedNext;
  if (postedRemoteKey[slot] >= 0) FAIL(1, "client %d has more than %d posted writes in flight", client, postedWritesPerClient);
  c->postedNext = (c->postedNext + 1) % postedWritesPerClient;
  memmove(at(stagingBase + (u64)slot * (u64)postedWriteBytesMax), at(c->verb.localAddress), (size_t)c->verb.length);
  postedRemoteKey[slot] = c->verb.region->remoteKey;
  postedRemoteAddress[slot] = c->verb.remoteAddress;
  postedLength[slot] = c->verb.length;
  return slot;
}
static void applyPostedWrite(i32 slot) {
  const i32 client = slot / postedWritesPerClient;
  const u64 bytes = (u64)postedWritesPerClient * (u64)postedWriteBytesMax;
  const Verb verb = {
    .kind = VERB_RDMA_WRITE, .region = &cacheRegion, .remoteAddress = postedRemoteAddress[slot],
    .localAddress = stagingBase + (u64)slot * (u64)postedWriteBytesMax, .length = postedLength[slot],
  };
  if (postedRemoteKey[slot] != cacheRegion.remoteKey) UNSUPPORTED("a posted WRITE outside the cache");
  postedRemoteKey[slot] = -1;
  execute(&verb, stagingBase + (u64)client * bytes, bytes);
}

/* Schedules a client's verb; true if the client goes on at once (a posted write, a backoff). */
static bool issueClientVerb(Client *c) {
  const i32 client = clientIndex(c);
  const Verb *verb = &c->verb;
  if (verb->kind != VERB_SLEEP) clientCpu(client, verb->kind == VERB_NVME_READ ? clientVerbNs + clientNvmeInitiatorNs : clientVerbNs);
  const double time = clientTimeNs[client];
  switch (verb->kind) {
    case VERB_RDMA_READ:
    case VERB_RDMA_CAS:
      push(&queue, time + networkOneWayNs, EVENT_CLIENT_VERB_ARRIVES, client, 0);
      return false;
    case VERB_RDMA_WRITE: {
      const double arrival = time + networkOneWayNs + verb->length / linkBytesPerNs;
      if (verb->signaled) {
        push(&queue, arrival, EVENT_CLIENT_VERB_ARRIVES, client, 0);
        return false;
      }
      push(&queue, arrival, EVENT_POSTED_WRITE_ARRIVES, stagePostedWrite(c), 0);
      return true;
    }
    case VERB_NVME_READ:
      push(&queue, time + networkOneWayNs + nvmeOverFabricNs, EVENT_CLIENT_NVME_ARRIVES, client, 0);
      return false;
    case VERB_SLEEP:
      clientTimeNs[client] = time + verb->durationNs;
      return true;
    default:
      FAIL(1, "client %d issued verb %d", client, verb->kind);
  }
}

/* Runs a client's machine on its own clock until it waits for a verb or runs out of operations. */
static void stepClient(Client *c, i32 input) {
  const i32 client = clientIndex(c);
  i32 value = input;
  for (;;) {
    if (!c->busy) FAIL(1, "client %d stepped with no operation", client);
    double result = 0;
    if (advance(c, value, &result) == STEP_DONE) {
      const double end = clientTimeNs[client];
      c->busy = false;
      histogramRecord(end - c->startNs);
      if (end > lastEndNs) lastEndNs = end;
      if (c->remaining == 0) return;
      const double start = clientCpu(client, clientOperationNs);
      beginOperation(c, start);
      value = 0;
      continue;
    }
    if (!issueClientVerb(c)) return;
    value = 0;
  }
}

static bool clientsBusy(void) {
  for (i32 client = 0; client < clients; client++) if (clientState[client].busy || clientState[client].remaining > 0) return true;
  return false;
}

/* E1 and E4 (lease.ts, leaseHousekeeping) on DPU core 0's thread, every epoch. */
static void runHousekeeping(void) {
  if (!clientsBusy()) return;
  i32 *word = (i32 *)at(epochRegion.base + CACHE_EPOCH_WORD_OFFSET);
  const i32 epoch = (i32)((u32)__atomic_load_n(word, __ATOMIC_SEQ_CST) + 1u);
  __atomic_store_n(word, epoch, __ATOMIC_SEQ_CST);
  const i32 slots = bucketCount * slotsPerBucket;
  if (sweepCursor >= slots) sweepCursor = 0;
  const i32 count = slots - sweepCursor < sweepSlotsPerEpoch ? slots - sweepCursor : sweepSlotsPerEpoch;
  counters[C_SLOTS_SWEPT] += cacheSweep(at(cacheRegion.base), sweepCursor, count, epoch);
  sweepCursor += count;
  const double costNs = epochTickCpuNs + count * sweepSlotCpuNs;
  const double start = now > dpuThreadFreeAt[housekeepingThread] ? now : dpuThreadFreeAt[housekeepingThread];
  dpuThreadFreeAt[housekeepingThread] = start + costNs;
  threadBusyNs[housekeepingThread] += costNs;
  push(&queue, now + cacheEpochNs, EVENT_HOUSEKEEPING, 0, 0);
}

static void dispatch(i32 kind, i32 target) {
  switch (kind) {
    case EVENT_CLIENT_VERB_ARRIVES: {
      Client *c = &clientState[target];
      const i32 result = execute(&c->verb, c->arena, arenaBytes);
      double done = dpuMemoryServed(nicServed(now));
      if (c->verb.kind == VERB_RDMA_CAS) done = atomicServed(c->verb.remoteAddress, done);
      clientTimeNs[target] = done + returnTimeNs(&c->verb);
      stepClient(c, result);
      return;
    }
    case EVENT_POSTED_WRITE_ARRIVES:
      dpuMemoryServed(nicServed(now));
      applyPostedWrite(target);
      return;
    case EVENT_CLIENT_NVME_ARRIVES: {
      const double served = nicServed(now);
      const Client *c = &clientState[target];
      push(&queue, ssdCompletion(c->verb.device, c->verb.blockCount, served), EVENT_CLIENT_NVME_COMPLETES, target, 0);
      return;
    }
    case EVENT_CLIENT_NVME_COMPLETES: {
      Client *c = &clientState[target];
      const i32 result = execute(&c->verb, c->arena, arenaBytes);
      clientTimeNs[target] = now + returnTimeNs(&c->verb);
      stepClient(c, result);
      return;
    }
    case EVENT_HOUSEKEEPING:
      runHousekeeping();
      return;
    default:
      FAIL(1, "unknown simulator event %d", kind);
  }
}

typedef struct { double events, operations, durationNs, endTimeNs, cpuSeconds, latencyTotalNs, latencyMaxNs; } PhaseResult;

static double cpuSeconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One phase: a new SimEngine over the same memory (warm-up, then the measured run). */
static PhaseResult simulate(double operations, double startTimeNs, bool continueRandomStreams) {
  const double cpuStart = cpuSeconds();
  /* The engine's state is the phase's own; memory, and the random streams if continued, carry over. */
  queueInit(&queue);
  now = startTimeNs;
  nicFreeAt = 0; dpuMemoryPathFreeAt = 0;
  addressTimesInit(&atomicFreeAt, 8192);
  atomicSweepAt = 4096;
  for (i32 i = 0; i < devices * ssdParallelUnits; i++) ssdUnitsFreeAt[i] = 0;
  for (i32 i = 0; i < dpuThreads; i++) dpuThreadFreeAt[i] = 0;
  for (i32 i = 0; i < clients * postedWritesPerClient; i++) postedRemoteKey[i] = -1;
  memset(counters, 0, sizeof counters);
  memset(histogramCounts, 0, sizeof histogramCounts);
  histogramCount = histogramTotalNs = histogramMaxNs = 0;
  firstStartNs = INFINITY; lastEndNs = now;
  sweepCursor = 0;
  const i64 total = (i64)operations;
  for (i32 client = 0; client < clients; client++) {
    Client *c = &clientState[client];
    clientTimeNs[client] = now;
    c->remaining = total / clients + (client < total % clients ? 1 : 0);
    c->busy = false;
    c->postedNext = 0;
    c->epochCopy = 0; c->epochReadAtNs = -INFINITY; /* a new EpochCopies */
    if (!continueRandomStreams) randomSeed(at(c->random), seed, client);
  }
  for (i32 client = 0; client < clients; client++) {
    Client *c = &clientState[client];
    const double start = clientCpu(client, clientOperationNs);
    if (c->remaining == 0) continue;
    beginOperation(c, start);
    if (start < firstStartNs) firstStartNs = start;
    stepClient(c, 0);
  }
  push(&queue, now + cacheEpochNs, EVENT_HOUSEKEEPING, 0, 0);
  double events = 0;
  const char *trace = getenv("NATIVE_SIM_TRACE"); /* debugging: the first N events of each phase on stderr */
  const double traceEvents = trace == NULL ? 0 : strtod(trace, NULL);
  while (queue.size > 0) {
    pop(&queue);
    now = queue.time;
    events++;
    if (events <= traceEvents) fprintf(stderr, "event %.0f %.17g %d %d\n", events, now, queue.kind, queue.target);
    dispatch(queue.kind, queue.target);
  }
  for (i32 client = 0; client < clients; client++) {
    if (clientState[client].busy || clientState[client].remaining > 0) FAIL(1, "client %d did not finish: the event queue ran dry", client);
  }
  queueFree(&queue);
  addressTimesFree(&atomicFreeAt);
  PhaseResult result = {
    .events = events, .operations = histogramCount, .durationNs = lastEndNs > firstStartNs ? lastEndNs - firstStartNs : 0,
    .endTimeNs = lastEndNs, .latencyTotalNs = histogramTotalNs, .latencyMaxNs = histogramMaxNs,
  };
  result.cpuSeconds = cpuSeconds() - cpuStart;
  return result;
}

static void printPhase(const char *name, const PhaseResult *phase) {
  printf("{\"phase\":\"%s\",\"events\":%.0f,\"operations\":%.0f,\"durationNs\":%.17g,\"endTimeNs\":%.17g,\"cpuSeconds\":%.9f,"
    "\"latencyTotalNs\":%.17g,\"latencyMaxNs\":%.17g,\"counters\":{", name, phase->events, phase->operations, phase->durationNs,
    phase->endTimeNs, phase->cpuSeconds, phase->latencyTotalNs, phase->latencyMaxNs);
  for (int i = 0; i < C_COUNT; i++) printf("%s\"%s\":%.17g", i > 0 ? "," : "", COUNTER_NAMES[i], counters[i]);
  printf("}}\n");
}

/* ---------------------------------------------------------------- loading the images */
static void *readFile(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) FAIL(2, "cannot open %s", path);
  fseek(file, 0, SEEK_END);
  const long length = ftell(file);
  fseek(file, 0, SEEK_SET);
  void *bytes = aligned_alloc(64, ((size_t)length + 63) / 64 * 64);
  if (bytes == NULL || fread(bytes, 1, (size_t)length, file) != (size_t)length) FAIL(2, "cannot read %s", path);
  fclose(file);
  *size = (size_t)length;
  return bytes;
}

/* The SSD image (bench/native-sim.ts): i32 devices, i32 blocksPerDevice; per device u32 table[blocks], u64 pool bytes, the pool. */
static void loadSsds(const char *path) {
  size_t size = 0;
  u8 *bytes = readFile(path, &size);
  size_t offset = 0;
  devices = (i32)load32(bytes); blocksPerDevice = (i32)load32(bytes + 4); offset = 8;
  ssds = calloc((size_t)devices, sizeof(Device));
  for (i32 device = 0; device < devices; device++) {
    ssds[device].table = (u32 *)(bytes + offset);
    offset += (size_t)blocksPerDevice * 4;
    ssds[device].poolBytes = load64(bytes + offset);
    offset += 8;
    ssds[device].pool = bytes + offset;
    offset += ssds[device].poolBytes;
    if (offset > size) FAIL(2, "%s is truncated", path);
  }
  stripes = calloc((size_t)devices * SSD_STRIPES, sizeof(i32));
}

int main(int argc, char **argv) {
  programName = "sim";
  if (argc < 3) { fprintf(stderr, "usage: sim DPU_IMAGE SSD_IMAGE key=value...\n"); return 2; }
  size_t imageSize = 0;
  image = readFile(argv[1], &imageSize);
  imageBase = 0;
  loadSsds(argv[2]);
#define ARG(name) numberArg(argc, argv, name)
  /* Kernels (as bench/native/kernels.c takes them). */
  slotsPerBucket = (i32)ARG("slotsPerBucket"); slotBytes = (i32)ARG("slotBytes"); slotKeyBytes = (i32)ARG("keyBytesMax");
  slotValueBytes = (i32)ARG("valueBytesMax"); slotValueOffset = (i32)ARG("valueOffset"); leaseEpochs = (i32)ARG("leaseEpochs");
  readUpTo = ARG("readShare"); updateUpTo = readUpTo + ARG("updateShare"); insertUpTo = updateUpTo + ARG("insertShare");
  chooserMin = ARG("chooserMin"); chooserItemCount = ARG("chooserItemCount"); shared = (u64)ARG("shared");
  orderedKeyNames = (int)ARG("orderedKeys"); keyZeroPadding = (int)ARG("keyZeroPadding"); fieldCount = (int)ARG("fields");
  fieldLengthMin = (int)ARG("fieldLengthMin"); fieldLengthMax = (int)ARG("fieldLengthMax"); fieldLengthDistribution = (int)ARG("fieldLengthDistribution");
  bucketCount = (i32)ARG("bucketCount"); bucketIdBits = (i32)ARG("bucketIdBits");
  /* The profile. */
  networkOneWayNs = ARG("networkOneWayNs"); linkBytesPerNs = ARG("linkBytesPerNs"); nicMessageNs = ARG("nicMessageNs");
  atomicSerialNs = ARG("atomicSerialNs"); dpuMemoryPathNs = ARG("dpuMemoryPathNs"); dpuMemoryPathMessageNs = ARG("dpuMemoryPathMessageNs");
  nvmeOverFabricNs = ARG("nvmeOverFabricNs"); ssdReadNs = ARG("ssdReadNs"); ssdWriteNs = ARG("ssdWriteNs");
  ssdWriteOccupancyNs = ARG("ssdWriteOccupancyNs"); ssdParallelUnits = (i32)ARG("ssdParallelUnits"); ssdBlockTransferNs = ARG("ssdBlockTransferNs");
  clientOperationNs = ARG("clientOperationNs"); clientVerbNs = ARG("clientVerbNs"); clientNvmeInitiatorNs = ARG("clientNvmeInitiatorNs");
  /* The cluster and its layout. */
  clients = (i32)ARG("clients"); seed = ARG("seed"); bucketIdsPerDevice = (i32)ARG("bucketIdsPerDevice");
  dpuThreads = (i32)ARG("dpuThreads"); housekeepingThread = 0;
  if (clients < 1 || dpuThreads < 1 || ssdParallelUnits < 1) FAIL(2, "clients, dpuThreads and ssdParallelUnits must be at least 1");
  if ((i32)ARG("devices") != devices) FAIL(2, "the SSD image has %d devices, the configuration %d", devices, (i32)ARG("devices"));
  cacheRegion = (Region){ (u64)ARG("cacheBase"), (u64)ARG("cacheBytes"), (i32)ARG("cacheRemoteKey"), (i32)ARG("cacheStride") };
  indexRegion = (Region){ (u64)ARG("indexBase"), (u64)ARG("indexBytes"), (i32)ARG("indexRemoteKey"), (i32)ARG("indexStride") };
  epochRegion = (Region){ (u64)ARG("epochBase"), (u64)ARG("epochBytes"), (i32)ARG("epochRemoteKey"), (i32)ARG("epochStride") };
  clientArenasBase = (u64)ARG("clientArenasBase"); stagingBase = (u64)ARG("stagingBase");
  arenaBytes = (u64)ARG("arenaBytes"); arenaRandom = (u64)ARG("arenaRandom"); arenaOperands = (u64)ARG("arenaOperands");
  arenaWord = (u64)ARG("arenaWord"); arenaIndexEntry = (u64)ARG("arenaIndexEntry"); arenaKey = (u64)ARG("arenaKey");
  arenaValue = (u64)ARG("arenaValue"); arenaChain = (u64)ARG("arenaChain"); arenaValueBlocks = (u64)ARG("arenaValueBlocks");
  arenaSystem = (u64)ARG("arenaSystem"); slotImageOffset = (u64)ARG("slotImageOffset");
  getAttemptsMax = (i32)ARG("getAttemptsMax"); readRestartsMax = (i32)ARG("readRestartsMax");
  backoffFirstNs = ARG("backoffFirstNs"); backoffMaxNs = ARG("backoffMaxNs");
  postedWritesPerClient = (i32)ARG("postedWritesPerClient"); postedWriteBytesMax = (i32)ARG("postedWriteBytesMax");
  cacheEpochNs = ARG("cacheEpochNs"); epochRefreshNs = ARG("epochRefreshNs"); epochTickCpuNs = ARG("epochTickCpuNs");
  sweepSlotCpuNs = ARG("sweepSlotCpuNs"); sweepSlotsPerEpoch = (i32)ARG("sweepSlotsPerEpoch");
  const double warmupOperations = ARG("warmupOperations"), operations = ARG("operations");
  if (cacheRegion.base + cacheRegion.bytes > imageSize || stagingBase > imageSize) FAIL(2, "the DPU image is smaller than the layout");
  /* The zipfian constants are configured per phase, as each SimEngine's kernels are. */
  const double zipfianItems_ = ARG("zipfianItems"), zipfianTheta_ = ARG("zipfianTheta"), zipfianZetan_ = ARG("zipfianZetan");

  clientState = calloc((size_t)clients, sizeof(Client));
  clientTimeNs = calloc((size_t)clients, sizeof(double));
  postedRemoteKey = calloc((size_t)clients * (size_t)postedWritesPerClient, sizeof(i32));
  postedRemoteAddress = calloc((size_t)clients * (size_t)postedWritesPerClient, sizeof(u64));
  postedLength = calloc((size_t)clients * (size_t)postedWritesPerClient, sizeof(i32));
  ssdUnitsFreeAt = calloc((size_t)devices * (size_t)ssdParallelUnits, sizeof(double));
  dpuThreadFreeAt = calloc((size_t)dpuThreads, sizeof(double));
  threadBusyNs = calloc((size_t)dpuThreads, sizeof(double));
  deviceBlocksRead = calloc((size_t)devices, sizeof(double));
  deviceReadsOffloaded = calloc((size_t)devices, sizeof(double));
  for (i32 client = 0; client < clients; client++) {
    Client *c = &clientState[client];
    c->arena = clientArenasBase + (u64)client * arenaBytes;
    c->random = c->arena + arenaRandom; c->operands = c->arena + arenaOperands; c->word = c->arena + arenaWord;
    c->indexEntry = c->arena + arenaIndexEntry; c->key = c->arena + arenaKey; c->value = c->arena + arenaValue;
    c->chain = c->arena + arenaChain; c->valueBlocks = c->arena + arenaValueBlocks;
    c->bucket = c->arena + arenaSystem; c->slotImage = c->arena + arenaSystem + slotImageOffset;
  }
  configureZipfian(zipfianItems_, 0, zipfianTheta_, zipfianZetan_);
  PhaseResult warmup = { 0 };
  if (warmupOperations > 0) {
    warmup = simulate(warmupOperations, 0, false);
    printPhase("warm-up", &warmup);
  }
  configureZipfian(zipfianItems_, 0, zipfianTheta_, zipfianZetan_);
  const PhaseResult run = simulate(operations, warmup.endTimeNs, warmupOperations > 0);
  printPhase("run", &run);
  printf("{\"cacheDigest\":\"%016llx\"}\n", (unsigned long long)murmur3x64(at(cacheRegion.base), (i32)cacheRegion.bytes, 1));
  return 0;
}
