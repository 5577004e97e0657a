/**
 * Emulated NVMe SSDs: arrays of 512-byte blocks shared by every thread, reached only through
 * NVMe read and write commands that copy whole blocks between a device and an issuer's buffer
 * in the shared memory. (Devices live outside the WebAssembly memory so that the paper's
 * dataset sizes are not bounded by its 4 GiB.)
 *
 * Storage. A device stores what its blocks hold, not its capacity: a block that is all zeros
 * (never written) has no storage at all, and a written block keeps only its bytes up to its
 * last non-zero one, rounded up to a *slot* of 64, 80, 96, … 512 bytes (16-byte steps above
 * the smallest). That matters because LEED's layout is sparse by design: a bucket block is 512
 * bytes for ~2.4 items of 31 bytes (~90 bytes used), the logs are over-provisioned 4×, and a
 * value block of five 90-byte records holds 450 bytes. (Slots of 64-byte steps, as before,
 * took 13 % more than 16-byte steps at 1 M records: 148 MiB against 128 for 115 MiB of data.)
 * Reading a block copies its slot and zero-fills the rest, so readers see exactly the 512 bytes
 * that were written.
 *
 * ```
 *  table     per device, one u32 per block: 0 = all zeros, else 1 + the slot's place
 *            ((chunk << slotIndexBits) | offsetInChunk / slotBytes; a chunk holds at most
 *            chunkBytes / 64 slots)
 *  chunks    per device, a pool of SharedArrayBuffers of `chunkBytes` (a power of two); each
 *            chunk holds slots of one size (its class), and a slot never spans chunks
 *  allocator per device (i32 words): the next unused chunk of the pool, and per class the
 *            head of its free list (freed slots linked through their first word), the chunk
 *            being filled and the offset in it; then the class of every chunk
 * ```
 * The whole pool is created up front (twice the device's capacity, so that any mix of slot
 * sizes fits) and posted to every thread with the rest, so that threads never have to learn of
 * a new buffer mid-run; its pages cost nothing until a slot in them is written (the buffers
 * are zero-filled lazily by the operating system). A device larger than one buffer (Node 20
 * allocates at most 4 GiB) is simply a pool of several chunks.
 *
 * Like a real NVMe device (atomic write unit of one block), a block is never seen half
 * written: each block maps to one of STRIPES sequence locks per device. A write makes the
 * stripes of its blocks odd while it copies (and while it moves a block to a slot of another
 * size and frees the old one); a read loads the stripes, then the table, copies, then retries
 * if any stripe it crossed was odd or moved. A slot is reused only after its block moved
 * away, which moved that block's stripe, so a reader that copied a reused slot retries. A
 * device has one writer at a time (its DPU core; the loader or a restart before the run), so
 * writers never wait and the allocator needs no lock. A command of several blocks is not
 * atomic as a whole, as on a real SSD.
 */
import { NvmeError } from '../errors.js';
import { BLOCK_BYTES } from '../layout/store.js';

/** Sequence locks per device; block b is guarded by stripe b mod STRIPES. */
export const STRIPES = 1024;
/** Retries of a read that overlaps a write before it yields the CPU (the writer's thread may be preempted). */
export const SPINS_BEFORE_YIELD = 64;
/** How long a read may keep overlapping writes before it is reported as stuck. */
const READ_STUCK_MS = 10_000;

/**
 * Slot sizes: class c (1..SLOT_CLASSES) holds SLOT_BYTES_MIN + (c − 1) × SLOT_STEP_BYTES bytes,
 * 64, 80, … 512, that is (c + SLOT_CLASS_BIAS) << SLOT_STEP_SHIFT.
 */
export const SLOT_BYTES_MIN = 64;
export const SLOT_STEP_BYTES = 16;
const SLOT_STEP_SHIFT = 4;
const SLOT_CLASS_BIAS = SLOT_BYTES_MIN / SLOT_STEP_BYTES - 1;
export const SLOT_CLASSES = (BLOCK_BYTES - SLOT_BYTES_MIN) / SLOT_STEP_BYTES + 1;
/** A chunk holds at most chunkBytes >> SLOT_INDEX_SHIFT slots (the smallest slot's size). */
export const SLOT_INDEX_SHIFT = 6;
/** 64-byte units a block is scanned by (from its end) to find its last non-zero byte. */
const SCAN_UNIT_BYTES = 64;

/** Bytes of a slot of class `slotClass` (1..SLOT_CLASSES). */
export function slotBytesOfClass(slotClass: number): number {
  return (slotClass + SLOT_CLASS_BIAS) << SLOT_STEP_SHIFT;
}

/** The class of the smallest slot that holds `usedBytes` (1..BLOCK_BYTES; 0 for none). */
export function slotClassFor(usedBytes: number): number {
  if (usedBytes <= 0) return 0;
  // Whole bytes: the memory estimate asks about average record sizes, which can be fractional.
  const bytes = Math.ceil(usedBytes);
  return bytes <= SLOT_BYTES_MIN ? 1 : ((bytes - SLOT_BYTES_MIN + SLOT_STEP_BYTES - 1) >>> SLOT_STEP_SHIFT) + 1;
}

/** Bytes an SSD stores for a block whose bytes end `usedBytes` in (its last non-zero one). */
export function slotBytesFor(usedBytes: number): number {
  return usedBytes <= 0 ? 0 : slotBytesOfClass(slotClassFor(usedBytes));
}
/**
 * Chunk sizes: about a sixteenth of a device, as a power of two within these bounds. The lower
 * bound is above glibc's largest dynamic mmap threshold (32 MiB on 64-bit): a smaller
 * SharedArrayBuffer can come from the malloc heap once an earlier run's chunks were freed,
 * and calloc then zeroes (touches) all of it, so a process that builds cluster after cluster
 * (a figures sweep's worker) grew to gigabytes of resident memory. Chunks this large are
 * always fresh mappings: pages a run never writes stay untouched and cost nothing.
 */
export const CHUNK_BYTES_MIN = 64 * 2 ** 20;
export const CHUNK_BYTES_MAX = 2 ** 30;
/**
 * The largest device: the table's u32 entries address 2^32 slots of at least 64 bytes (256 GiB
 * of pool), and the pool is twice the device plus a chunk per class.
 */
export const DEVICE_BYTES_MAX = 96 * 2 ** 30;

/** Allocator words of a device: the pool's next chunk, three words per class, then each chunk's class. */
const ALLOCATOR_NEXT_CHUNK = 0;
const ALLOCATOR_CLASS_WORDS = 3;
const CLASS_FREE_HEAD = 0;
const CLASS_FILL_CHUNK = 1; // chunk + 1; 0 = none yet
const CLASS_FILL_OFFSET = 2;
const ALLOCATOR_CHUNK_CLASSES = 1 + (SLOT_CLASSES + 1) * ALLOCATOR_CLASS_WORDS;

/** Everything the SSDs are made of, as plain data and shared buffers that can be posted to workers. */
export interface SsdMemory {
  readonly devices: number;
  readonly blocksPerDevice: number;
  readonly chunkBytes: number;
  /** Per device: one u32 per block. */
  readonly tables: readonly SharedArrayBuffer[];
  /** Per device: its pool of chunks. */
  readonly chunks: readonly (readonly SharedArrayBuffer[])[];
  /** Per device: the allocator's words (see the file's header), `allocatorWords` i32 each. */
  readonly allocator: SharedArrayBuffer;
  /** The per-block sequence locks, STRIPES i32 per device. */
  readonly stripes: SharedArrayBuffer;
}

/** The chunk size for a device of `deviceBytes`: ~1/16 of it, so that every device spans many chunks. */
export function chunkBytesFor(deviceBytes: number): number {
  const wanted = 2 ** Math.ceil(Math.log2(Math.max(1, deviceBytes / 16)));
  return Math.min(CHUNK_BYTES_MAX, Math.max(CHUNK_BYTES_MIN, wanted));
}

/** Chunks in a device's pool: twice its capacity, plus one being filled per class. */
export function poolChunks(blocksPerDevice: number, chunkBytes: number): number {
  return Math.ceil((2 * blocksPerDevice * BLOCK_BYTES) / chunkBytes) + SLOT_CLASSES;
}

function allocatorWords(blocksPerDevice: number, chunkBytes: number): number {
  return ALLOCATOR_CHUNK_CLASSES + poolChunks(blocksPerDevice, chunkBytes);
}

export class SsdArray {
  private readonly tables: Uint32Array[];
  /** Every device's chunks, device after device (chunk c of device d at d × poolChunkCount + c): bytes and 32-bit words. */
  private readonly chunkBytesViews: Uint8Array[];
  private readonly chunkWordViews: Int32Array[];
  private readonly allocator: Int32Array;
  private readonly allocatorStride: number;
  private readonly slotIndexBits: number;
  private readonly slotIndexMask: number;
  private readonly chunkBytes: number;
  private readonly poolChunkCount: number;
  private readonly stripes: Int32Array;
  private readonly seen = new Int32Array(STRIPES);
  /** A 32-bit view of the last buffer written from, to find a block's last non-zero byte four at a time. */
  private sourceWordsBuffer: ArrayBufferLike | null = null;
  private sourceWords: Int32Array | null = null;

  constructor(readonly memory: SsdMemory) {
    const { devices, blocksPerDevice, chunkBytes } = memory;
    if (memory.tables.length !== devices || memory.chunks.length !== devices) throw new NvmeError('the SSDs\' tables or chunks do not match the device count');
    this.chunkBytes = chunkBytes;
    this.poolChunkCount = poolChunks(blocksPerDevice, chunkBytes);
    this.tables = memory.tables.map((table, index) => {
      if (table.byteLength !== blocksPerDevice * 4) throw new NvmeError(`SSD ${index}'s block table has ${table.byteLength / 4} entries, expected ${blocksPerDevice}`);
      return new Uint32Array(table);
    });
    memory.chunks.forEach((chunks, index) => {
      if (chunks.length !== this.poolChunkCount || chunks.some((chunk) => chunk.byteLength !== chunkBytes)) {
        throw new NvmeError(`SSD ${index} has ${chunks.length} chunks; expected ${this.poolChunkCount} of ${chunkBytes} bytes`);
      }
    });
    this.chunkBytesViews = memory.chunks.flat().map((chunk) => new Uint8Array(chunk));
    this.chunkWordViews = memory.chunks.flat().map((chunk) => new Int32Array(chunk));
    this.allocatorStride = allocatorWords(blocksPerDevice, chunkBytes);
    if (memory.allocator.byteLength !== devices * this.allocatorStride * 4) throw new NvmeError('the SSDs\' allocator does not match the device count');
    this.allocator = new Int32Array(memory.allocator);
    this.slotIndexBits = Math.log2(chunkBytes) - SLOT_INDEX_SHIFT;
    this.slotIndexMask = 2 ** this.slotIndexBits - 1;
    if (memory.stripes.byteLength !== devices * STRIPES * 4) throw new NvmeError('the SSDs\' block locks do not match the device count');
    this.stripes = new Int32Array(memory.stripes);
  }

  /** Creates `deviceCount` empty devices of `blocksPerDevice` blocks (`chunkBytes`: a power of two, default chunkBytesFor). */
  static create(deviceCount: number, blocksPerDevice: number, chunkBytes = chunkBytesFor(blocksPerDevice * BLOCK_BYTES)): SsdArray {
    if (blocksPerDevice * BLOCK_BYTES > DEVICE_BYTES_MAX) {
      throw new NvmeError(`an emulated SSD holds at most ${DEVICE_BYTES_MAX / 2 ** 30} GiB; ${blocksPerDevice} blocks is ${(blocksPerDevice * BLOCK_BYTES / 2 ** 30).toFixed(1)} GiB`);
    }
    if (!Number.isInteger(Math.log2(chunkBytes)) || chunkBytes < BLOCK_BYTES || chunkBytes > CHUNK_BYTES_MAX) {
      throw new NvmeError(`SSD chunks must be a power of two from ${BLOCK_BYTES} bytes to ${CHUNK_BYTES_MAX}; got ${chunkBytes}`);
    }
    const chunkCount = poolChunks(blocksPerDevice, chunkBytes);
    const tables: SharedArrayBuffer[] = [];
    const chunks: SharedArrayBuffer[][] = [];
    for (let device = 0; device < deviceCount; device++) {
      tables.push(new SharedArrayBuffer(blocksPerDevice * 4));
      chunks.push(Array.from({ length: chunkCount }, () => new SharedArrayBuffer(chunkBytes)));
    }
    return new SsdArray({
      devices: deviceCount,
      blocksPerDevice,
      chunkBytes,
      tables,
      chunks,
      allocator: new SharedArrayBuffer(deviceCount * allocatorWords(blocksPerDevice, chunkBytes) * 4),
      stripes: new SharedArrayBuffer(deviceCount * STRIPES * 4),
    });
  }

  get count(): number {
    return this.memory.devices;
  }

  get blocksPerDevice(): number {
    return this.memory.blocksPerDevice;
  }

  /** Bytes of slots the devices have taken from their pools (what they hold, rounded to slots and freed slots included). */
  storedBytes(): number {
    let total = 0;
    for (let device = 0; device < this.memory.devices; device++) {
      const base = device * this.allocatorStride;
      const chunksUsed = this.allocator[base + ALLOCATOR_NEXT_CHUNK];
      for (let chunk = 0; chunk < chunksUsed; chunk++) {
        const slotClass = this.allocator[base + ALLOCATOR_CHUNK_CLASSES + chunk];
        const classBase = base + 1 + slotClass * ALLOCATOR_CLASS_WORDS;
        const filling = this.allocator[classBase + CLASS_FILL_CHUNK] === chunk + 1;
        const slotBytes = slotBytesOfClass(slotClass);
        total += filling ? this.allocator[classBase + CLASS_FILL_OFFSET] : Math.floor(this.chunkBytes / slotBytes) * slotBytes;
      }
    }
    return total;
  }

  /** Whether a block has ever been written with anything but zeros (and not since zeroed). */
  isWritten(device: number, block: number): boolean {
    return this.tables[device][block] !== 0;
  }

  /** Whether any of `blockCount` blocks from `block` holds anything but zeros (a scan may skip those that do not). */
  anyWritten(device: number, block: number, blockCount: number): boolean {
    const table = this.tables[device];
    for (let index = block; index < block + blockCount; index++) if (table[index] !== 0) return true;
    return false;
  }

  /** Refuses a command outside the device, as a controller answers "LBA out of range". */
  checkRange(operation: string, device: number, block: number, blockCount: number): void {
    if (!Number.isInteger(device) || device < 0 || device >= this.memory.devices) {
      throw new NvmeError(`NVMe ${operation} to SSD ${device}: there are ${this.memory.devices} SSDs (0..${this.memory.devices - 1})`);
    }
    if (!Number.isInteger(block) || !Number.isInteger(blockCount) || blockCount < 1 || block < 0 || block + blockCount > this.memory.blocksPerDevice) {
      throw new NvmeError(
        `NVMe ${operation} of ${blockCount} blocks at block ${block} on SSD ${device}: LBA out of range (the device has ${this.memory.blocksPerDevice} blocks)`,
      );
    }
  }

  /** Copies blocks from a device into `target` at `targetOffset`; no block is seen half written. */
  read(device: number, block: number, blockCount: number, target: Uint8Array, targetOffset: number): void {
    const base = device * STRIPES;
    const stripesCrossed = Math.min(blockCount, STRIPES);
    // The device's tables, looked up once per read rather than per block.
    const table = this.tables[device];
    const chunkClasses = device * this.allocatorStride + ALLOCATOR_CHUNK_CLASSES;
    const firstChunkView = device * this.poolChunkCount;
    let deadline = 0;
    for (let attempt = 0; ; attempt++) {
      let writing = -1;
      for (let index = 0; index < stripesCrossed; index++) {
        const sequence = Atomics.load(this.stripes, base + ((block + index) % STRIPES));
        this.seen[index] = sequence;
        if ((sequence & 1) !== 0) writing = index;
      }
      if (writing < 0) {
        for (let index = 0; index < blockCount; index++) {
          // One block: its slot, then zeros to the block's end (inline: the hot path of every GET).
          const at = targetOffset + index * BLOCK_BYTES;
          const entry = table[block + index];
          let slotBytes = 0;
          if (entry !== 0) {
            const place = entry - 1;
            const chunk = place >>> this.slotIndexBits;
            slotBytes = (this.allocator[chunkClasses + chunk] + SLOT_CLASS_BIAS) << SLOT_STEP_SHIFT;
            const offset = (place & this.slotIndexMask) * slotBytes;
            target.set(this.chunkBytesViews[firstChunkView + chunk].subarray(offset, offset + slotBytes), at);
          }
          if (slotBytes < BLOCK_BYTES) target.fill(0, at + slotBytes, at + BLOCK_BYTES);
        }
        let moved = false;
        for (let index = 0; index < stripesCrossed; index++) {
          if (Atomics.load(this.stripes, base + ((block + index) % STRIPES)) !== this.seen[index]) {
            moved = true;
            break;
          }
        }
        if (!moved) return;
      }
      if (attempt >= SPINS_BEFORE_YIELD) {
        // A write under way (odd stripe), or writes that keep landing between our two looks
        // (moved): past the spins, both are bounded by the same deadline.
        if (deadline === 0) deadline = performance.now() + READ_STUCK_MS;
        else if (performance.now() > deadline) {
          throw new NvmeError(`NVMe read of ${blockCount} blocks at block ${block} on SSD ${device}: writes to it have not let a read through in ${READ_STUCK_MS} ms`);
        }
        // Only a write under way is waited for; a moved stripe is read again at once.
        if (writing >= 0) Atomics.wait(this.stripes, base + ((block + writing) % STRIPES), this.seen[writing], 0.1);
      }
    }
  }

  /** Copies blocks from `source` at `sourceOffset` onto a device. Only the device's writer (its DPU core) writes it. */
  write(device: number, block: number, blockCount: number, source: Uint8Array, sourceOffset: number): void {
    const base = device * STRIPES;
    const stripesCrossed = Math.min(blockCount, STRIPES);
    for (let index = 0; index < stripesCrossed; index++) Atomics.add(this.stripes, base + ((block + index) % STRIPES), 1);
    for (let index = 0; index < blockCount; index++) this.store(device, block + index, source, sourceOffset + index * BLOCK_BYTES);
    for (let index = 0; index < stripesCrossed; index++) Atomics.add(this.stripes, base + ((block + index) % STRIPES), 1);
  }

  /** Stores one block: in its slot if its size class is unchanged, else in a new slot (the old one freed). */
  private store(device: number, block: number, source: Uint8Array, sourceOffset: number): void {
    const slotClass = this.slotClassOf(source, sourceOffset);
    const table = this.tables[device];
    const old = table[block];
    const chunkClasses = device * this.allocatorStride + ALLOCATOR_CHUNK_CLASSES;
    const oldClass = old === 0 ? 0 : this.allocator[chunkClasses + ((old - 1) >>> this.slotIndexBits)];
    const entry = slotClass === oldClass ? old : slotClass === 0 ? 0 : this.allocate(device, slotClass);
    if (entry !== 0) {
      // The slot takes the block's first slotBytes: what follows them is all zeros.
      const slotBytes = slotBytesOfClass(slotClass);
      const place = entry - 1;
      const chunk = place >>> this.slotIndexBits;
      const offset = (place & this.slotIndexMask) * slotBytes;
      this.chunkBytesViews[device * this.poolChunkCount + chunk].set(source.subarray(sourceOffset, sourceOffset + slotBytes), offset);
    }
    if (entry !== old) {
      table[block] = entry;
      if (old !== 0) this.free(device, old, oldClass);
    }
  }

  /** The slot class of a block: the smallest slot that holds its bytes up to the last non-zero one (0: all zeros). */
  private slotClassOf(source: Uint8Array, sourceOffset: number): number {
    const start = source.byteOffset + sourceOffset;
    if ((start & 3) === 0) {
      if (this.sourceWordsBuffer !== source.buffer) {
        this.sourceWordsBuffer = source.buffer;
        this.sourceWords = new Int32Array(source.buffer, 0, source.buffer.byteLength >>> 2);
      }
      const words = this.sourceWords as Int32Array;
      for (let unit = BLOCK_BYTES / SCAN_UNIT_BYTES; unit > 0; unit--) {
        // A 64-byte unit is 16 words: or them together (no branch per word), then find its
        // last 16-byte step (4 words) that is not all zeros.
        const w = (start >>> 2) + (unit - 1) * (SCAN_UNIT_BYTES >>> 2);
        const last = words[w + 12] | words[w + 13] | words[w + 14] | words[w + 15];
        const third = words[w + 8] | words[w + 9] | words[w + 10] | words[w + 11];
        const second = words[w + 4] | words[w + 5] | words[w + 6] | words[w + 7];
        const first = words[w] | words[w + 1] | words[w + 2] | words[w + 3];
        if ((last | third | second | first) === 0) continue;
        const steps = last !== 0 ? 4 : third !== 0 ? 3 : second !== 0 ? 2 : 1;
        return slotClassFor((unit - 1) * SCAN_UNIT_BYTES + steps * SLOT_STEP_BYTES);
      }
      return 0;
    }
    let end = BLOCK_BYTES;
    while (end > 0 && source[sourceOffset + end - 1] === 0) end--;
    return slotClassFor(end);
  }

  private allocate(device: number, slotClass: number): number {
    const base = device * this.allocatorStride;
    const classBase = base + 1 + slotClass * ALLOCATOR_CLASS_WORDS;
    const slotBytes = slotBytesOfClass(slotClass);
    const free = this.allocator[classBase + CLASS_FREE_HEAD] >>> 0;
    if (free !== 0) {
      const place = free - 1;
      const chunk = place >>> this.slotIndexBits;
      const offset = (place & this.slotIndexMask) * slotBytes;
      this.allocator[classBase + CLASS_FREE_HEAD] = this.chunkWordViews[device * this.poolChunkCount + chunk][offset >>> 2];
      return free >>> 0;
    }
    let chunk = this.allocator[classBase + CLASS_FILL_CHUNK] - 1;
    let offset = this.allocator[classBase + CLASS_FILL_OFFSET];
    if (chunk < 0 || offset + slotBytes > this.chunkBytes) {
      chunk = this.allocator[base + ALLOCATOR_NEXT_CHUNK];
      if (chunk >= this.poolChunkCount) {
        throw new NvmeError(`SSD ${device}'s emulated storage is exhausted: its ${this.poolChunkCount} chunks of ${this.chunkBytes} bytes are all in use`);
      }
      this.allocator[base + ALLOCATOR_NEXT_CHUNK] = chunk + 1;
      this.allocator[base + ALLOCATOR_CHUNK_CLASSES + chunk] = slotClass;
      this.allocator[classBase + CLASS_FILL_CHUNK] = chunk + 1;
      offset = 0;
    }
    this.allocator[classBase + CLASS_FILL_OFFSET] = offset + slotBytes;
    return (((chunk << this.slotIndexBits) | (offset / slotBytes)) >>> 0) + 1;
  }

  /** Puts a slot on its class's free list (linked through the slot's first word). */
  private free(device: number, entry: number, slotClass: number): void {
    const classBase = device * this.allocatorStride + 1 + slotClass * ALLOCATOR_CLASS_WORDS;
    const place = entry - 1;
    const chunk = place >>> this.slotIndexBits;
    const offset = (place & this.slotIndexMask) * slotBytesOfClass(slotClass);
    this.chunkWordViews[device * this.poolChunkCount + chunk][offset >>> 2] = this.allocator[classBase + CLASS_FREE_HEAD];
    this.allocator[classBase + CLASS_FREE_HEAD] = entry;
  }
}
