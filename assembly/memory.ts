/**
 * Byte movement with the atomicity the emulated hardware promises.
 *
 * An RDMA READ or WRITE is not atomic as a whole: a concurrent change can be seen half
 * done. What the emulation does promise, like a PCIe DMA, is that each aligned 8-byte word
 * moves at once; so the copies below use atomic 8-byte accesses on the DPU-DRAM side when
 * the transfer is word aligned (which every layout here is), and plain bytes otherwise.
 */

/** RDMA READ data movement: DPU DRAM (`source`) → a client's buffer (`destination`). */
export function rdmaReadCopy(destination: usize, source: usize, length: i32): void {
  if (((destination | source | <usize>length) & 7) != 0) {
    memory.copy(destination, source, <usize>length);
    return;
  }
  // Eight words per iteration, each stored as soon as it is loaded: one register, no spills,
  // and one loop test and interrupt check per 64 bytes. The loads do not wait for the stores,
  // so their cache misses still overlap (a bucket is 13 cache lines, usually not in cache).
  let offset: usize = 0;
  for (; offset + 64 <= <usize>length; offset += 64) {
    const from = source + offset;
    const to = destination + offset;
    store<u64>(to, atomic.load<u64>(from));
    store<u64>(to, atomic.load<u64>(from, 8), 8);
    store<u64>(to, atomic.load<u64>(from, 16), 16);
    store<u64>(to, atomic.load<u64>(from, 24), 24);
    store<u64>(to, atomic.load<u64>(from, 32), 32);
    store<u64>(to, atomic.load<u64>(from, 40), 40);
    store<u64>(to, atomic.load<u64>(from, 48), 48);
    store<u64>(to, atomic.load<u64>(from, 56), 56);
  }
  for (; offset < <usize>length; offset += 8) {
    store<u64>(destination + offset, atomic.load<u64>(source + offset));
  }
}

/**
 * RDMA READ data movement from a region whose layout needs only some words moved whole: the
 * 8-byte words at `regionBase + k × stride` (the cache's slot state words). The bytes are
 * moved in bulk, in any order and size, then each of those words is loaded again, atomically,
 * over its bulk copy. A cache READ may see a slot's other bytes torn or newer than its state
 * word: the reader trusts a VALID slot only when its checksum, which is in the state word,
 * matches the bytes (src/layout/cache-slot.ts), and bytes that match the checksum a state
 * word carries are the value that word published, whenever they were read.
 */
export function rdmaReadCopyStrided(destination: usize, source: usize, length: i32, regionBase: usize, stride: i32): void {
  memory.copy(destination, source, <usize>length);
  const into = (source - regionBase) % <usize>stride;
  let offset: usize = into == 0 ? 0 : <usize>stride - into;
  for (; offset + 8 <= <usize>length; offset += <usize>stride) {
    store<u64>(destination + offset, atomic.load<u64>(source + offset));
  }
}

/** RDMA WRITE data movement: a client's buffer (`source`) → DPU DRAM (`destination`). */
export function rdmaWriteCopy(destination: usize, source: usize, length: i32): void {
  if (((destination | source | <usize>length) & 7) != 0) {
    memory.copy(destination, source, <usize>length);
    return;
  }
  for (let offset: usize = 0; offset < <usize>length; offset += 8) {
    atomic.store<u64>(destination + offset, load<u64>(source + offset));
  }
}

export function copyBytes(destination: usize, source: usize, length: i32): void {
  memory.copy(destination, source, <usize>length);
}

export function zeroBytes(destination: usize, length: i32): void {
  memory.fill(destination, 0, <usize>length);
}

/** Stores a non-negative integer below 2^53 given as a double as a u64. */
export function storeU64(address: usize, value: f64): void {
  store<u64>(address, <u64>value);
}

/** Loads a u64 as a double (exact below 2^53). */
export function loadU64(address: usize): f64 {
  return <f64>load<u64>(address);
}

/** The end of the module's static data: the shared memory below it belongs to the kernels. */
export function staticDataEnd(): usize {
  return __heap_base;
}
