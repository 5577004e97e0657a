/*
 * src/hw/ssd.ts in C, shared by the native references (kernels.c includes it; live.c includes
 * kernels.c): the SSDs rebuilt from a dump as ssd.ts stores them, and an NVMe read of them.
 * SSD_STRIPES, SSD_SPINS_BEFORE_YIELD, SSD_SLOT_* come from src/hw/ssd.ts with -D
 * (bench/native.ts ssdDefines); BLOCK_BYTES from src/layout/store.ts (layoutDefines).
 */
#include <sched.h>

static inline u64 ssdSlotBytesOfClass(i32 slotClass) { return SSD_SLOT_BYTES_MIN + (u64)(slotClass - 1) * SSD_SLOT_STEP_BYTES; }
static i32 blocksPerDevice, poolChunkCount, unitBits;
static u64 chunkBytes, unitMask;
static u32 **ssdTables;          /* per device: one u32 per block */
static i32 **ssdChunkClasses;    /* per device: the class of each chunk of its pool */
static u8 **ssdChunks;           /* device × poolChunkCount + chunk */
static i32 *ssdStripes;          /* devices × SSD_STRIPES sequence locks */

/* Sets the pool's geometry (SsdArray's constructor): chunks of `chunkBytes_`, `poolChunks` per device. */
static void ssdConfigure(i32 blocksPerDevice_, u64 chunkBytes_, i32 poolChunks) {
  blocksPerDevice = blocksPerDevice_; chunkBytes = chunkBytes_; poolChunkCount = poolChunks;
  unitBits = (i32)(log2((double)chunkBytes) - SSD_SLOT_INDEX_SHIFT); unitMask = (1ULL << unitBits) - 1;
}

/* SsdArray.read: stripes loaded, each block's slot copied and the rest zero-filled, stripes checked again. */
static void ssdRead(i32 *seen, i32 device, i64 block, i32 blockCount, u8 *target) {
  const i32 base = device * SSD_STRIPES;
  const i32 stripesCrossed = blockCount < SSD_STRIPES ? blockCount : SSD_STRIPES;
  const u32 *table = ssdTables[device];
  for (int attempt = 0; ; attempt++) {
    int writing = -1;
    for (i32 index = 0; index < stripesCrossed; index++) {
      const i32 sequence = __atomic_load_n(&ssdStripes[base + (i32)((block + index) % SSD_STRIPES)], __ATOMIC_SEQ_CST);
      seen[index] = sequence;
      if ((sequence & 1) != 0) writing = index;
    }
    if (writing < 0) {
      for (i32 index = 0; index < blockCount; index++) {
        u8 *at = target + (size_t)index * BLOCK_BYTES;
        const u32 entry = table[block + index];
        u64 slotBytes = 0;
        if (entry != 0) {
          const u32 place = entry - 1;
          const u32 chunk = place >> unitBits;
          slotBytes = ssdSlotBytesOfClass(ssdChunkClasses[device][chunk]);
          const u64 offset = (u64)(place & unitMask) * slotBytes;
          memcpy(at, ssdChunks[(size_t)device * poolChunkCount + chunk] + offset, slotBytes);
        }
        if (slotBytes < BLOCK_BYTES) memset(at + slotBytes, 0, BLOCK_BYTES - slotBytes);
      }
      int moved = 0;
      for (i32 index = 0; index < stripesCrossed; index++) {
        if (__atomic_load_n(&ssdStripes[base + (i32)((block + index) % SSD_STRIPES)], __ATOMIC_SEQ_CST) != seen[index]) { moved = 1; break; }
      }
      if (!moved) return;
    } else if (attempt >= SSD_SPINS_BEFORE_YIELD) {
      sched_yield();
    }
  }
}

/* The SSD dump (bench/native.ts writeSsdDump): per device, the count of its written blocks,
 * then each as (u32 block, u16 slot class, its slot's bytes: ssdSlotBytesOfClass). The
 * devices are rebuilt as src/hw/ssd.ts builds them: a block table of u32 entries, pools of
 * chunks of `chunkBytes`, each chunk holding slots of one class, filled in order. */
static u32 ssdAllocate(i32 device, i32 slotClass, i32 *fillChunk, u64 *fillOffset, i32 *nextChunk, const char *program) {
  const u64 slotBytes_ = ssdSlotBytesOfClass(slotClass);
  i32 chunk = fillChunk[slotClass] - 1;
  u64 offset = fillOffset[slotClass];
  if (chunk < 0 || offset + slotBytes_ > chunkBytes) {
    chunk = (*nextChunk)++;
    if (chunk >= poolChunkCount) { fprintf(stderr, "%s: SSD %d's pool of %d chunks is exhausted\n", program, device, poolChunkCount); exit(2); }
    ssdChunkClasses[device][chunk] = slotClass;
    ssdChunks[(size_t)device * poolChunkCount + chunk] = aligned_alloc(64, chunkBytes);
    fillChunk[slotClass] = chunk + 1;
    offset = 0;
  }
  fillOffset[slotClass] = offset + slotBytes_;
  return (((u32)chunk << unitBits) | (u32)(offset / slotBytes_)) + 1;
}
/* Loads the dump at `path` of `devices` devices (after ssdConfigure); `program` names the caller in errors. */
static void loadSsds(const char *path, i32 devices, const char *program) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) { fprintf(stderr, "%s: cannot open %s\n", program, path); exit(2); }
  ssdTables = calloc((size_t)devices, sizeof(u32 *));
  ssdChunkClasses = calloc((size_t)devices, sizeof(i32 *));
  ssdChunks = calloc((size_t)devices * (size_t)poolChunkCount, sizeof(u8 *));
  ssdStripes = aligned_alloc(64, (size_t)devices * SSD_STRIPES * sizeof(i32));
  memset(ssdStripes, 0, (size_t)devices * SSD_STRIPES * sizeof(i32));
  const i32 classes = SSD_SLOT_CLASSES;
  int ok = 1;
  for (i32 device = 0; device < devices && ok; device++) {
    ssdTables[device] = calloc((size_t)blocksPerDevice, 4);
    ssdChunkClasses[device] = calloc((size_t)poolChunkCount, sizeof(i32));
    i32 fillChunk[SSD_SLOT_CLASSES + 1] = { 0 }, nextChunk = 0;
    u64 fillOffset[SSD_SLOT_CLASSES + 1] = { 0 };
    u32 written = 0;
    ok = ok && fread(&written, 4, 1, file) == 1;
    for (u32 index = 0; index < written && ok; index++) {
      u32 block = 0;
      u16 slotClass = 0;
      ok = ok && fread(&block, 4, 1, file) == 1 && fread(&slotClass, 2, 1, file) == 1;
      ok = ok && block < (u32)blocksPerDevice && slotClass >= 1 && slotClass <= classes;
      if (!ok) break;
      const u32 entry = ssdAllocate(device, slotClass, fillChunk, fillOffset, &nextChunk, program);
      const u32 place = entry - 1;
      const u64 slotBytes_ = ssdSlotBytesOfClass(slotClass);
      u8 *slot = ssdChunks[(size_t)device * poolChunkCount + (place >> unitBits)] + (u64)(place & unitMask) * slotBytes_;
      ok = ok && fread(slot, 1, slotBytes_, file) == slotBytes_;
      ssdTables[device][block] = entry;
    }
  }
  fclose(file);
  if (!ok) { fprintf(stderr, "%s: %s is not an SSD dump of %d devices of %d blocks\n", program, path, devices, blocksPerDevice); exit(2); }
}
