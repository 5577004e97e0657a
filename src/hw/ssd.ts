/**
 * Emulated NVMe SSDs: arrays of 512-byte blocks, each device one SharedArrayBuffer shared by
 * every thread, reached only through NVMe read and write commands that copy whole blocks
 * between a device and an issuer's buffer in the shared memory. (Devices live outside the
 * WebAssembly memory so that the paper's dataset sizes are not bounded by its 4 GiB.)
 *
 * Like a real NVMe device (atomic write unit of one block), a block is never seen half
 * written: each block maps to one of STRIPES sequence locks per device. A write makes the
 * stripes of its blocks odd while it copies; a read copies, then retries if any stripe it
 * crossed was odd or moved. A device has one writer (its DPU core), so writers never wait.
 * A command of several blocks is not atomic as a whole, as on a real SSD.
 *
 * Untouched blocks cost no RAM: the buffers are zero-filled lazily by the operating system.
 */
import { NvmeError } from '../errors.js';
import { BLOCK_BYTES } from '../layout/store.js';

/** Sequence locks per device; block b is guarded by stripe b mod STRIPES. */
export const STRIPES = 1024;
/** Retries of a read that overlaps a write before it yields the CPU (the writer's thread may be preempted). */
const SPINS_BEFORE_YIELD = 64;
/** How long a read may keep overlapping writes before it is reported as stuck. */
const READ_STUCK_MS = 10_000;

export class SsdArray {
  readonly devices: readonly Uint8Array[];
  private readonly stripes: Int32Array;
  private readonly seen = new Int32Array(STRIPES);

  constructor(readonly buffers: readonly SharedArrayBuffer[], readonly blocksPerDevice: number, readonly stripeBuffer: SharedArrayBuffer) {
    this.devices = buffers.map((buffer, index) => {
      if (buffer.byteLength !== blocksPerDevice * BLOCK_BYTES) {
        throw new NvmeError(`SSD ${index} has ${buffer.byteLength} bytes, expected ${blocksPerDevice} blocks of ${BLOCK_BYTES}`);
      }
      return new Uint8Array(buffer);
    });
    if (stripeBuffer.byteLength !== buffers.length * STRIPES * 4) throw new NvmeError('the SSDs\' block locks do not match the device count');
    this.stripes = new Int32Array(stripeBuffer);
  }

  static create(deviceCount: number, blocksPerDevice: number): SsdArray {
    const buffers: SharedArrayBuffer[] = [];
    for (let device = 0; device < deviceCount; device++) buffers.push(new SharedArrayBuffer(blocksPerDevice * BLOCK_BYTES));
    return new SsdArray(buffers, blocksPerDevice, SsdArray.createStripes(deviceCount));
  }

  static createStripes(deviceCount: number): SharedArrayBuffer {
    return new SharedArrayBuffer(deviceCount * STRIPES * 4);
  }

  get count(): number {
    return this.devices.length;
  }

  /** Refuses a command outside the device, as a controller answers "LBA out of range". */
  checkRange(operation: string, device: number, block: number, blockCount: number): void {
    if (!Number.isInteger(device) || device < 0 || device >= this.devices.length) {
      throw new NvmeError(`NVMe ${operation} to SSD ${device}: there are ${this.devices.length} SSDs (0..${this.devices.length - 1})`);
    }
    if (!Number.isInteger(block) || !Number.isInteger(blockCount) || blockCount < 1 || block < 0 || block + blockCount > this.blocksPerDevice) {
      throw new NvmeError(
        `NVMe ${operation} of ${blockCount} blocks at block ${block} on SSD ${device}: LBA out of range (the device has ${this.blocksPerDevice} blocks)`,
      );
    }
  }

  /** Copies blocks from a device into `target` at `targetOffset`; no block is seen half written. */
  read(device: number, block: number, blockCount: number, target: Uint8Array, targetOffset: number): void {
    const start = block * BLOCK_BYTES;
    const source = this.devices[device].subarray(start, start + blockCount * BLOCK_BYTES);
    const base = device * STRIPES;
    const stripesCrossed = Math.min(blockCount, STRIPES);
    let deadline = 0;
    for (let attempt = 0; ; attempt++) {
      let writing = -1;
      for (let index = 0; index < stripesCrossed; index++) {
        const sequence = Atomics.load(this.stripes, base + ((block + index) % STRIPES));
        this.seen[index] = sequence;
        if ((sequence & 1) !== 0) writing = index;
      }
      if (writing < 0) {
        target.set(source, targetOffset);
        let moved = false;
        for (let index = 0; index < stripesCrossed; index++) {
          if (Atomics.load(this.stripes, base + ((block + index) % STRIPES)) !== this.seen[index]) {
            moved = true;
            break;
          }
        }
        if (!moved) return;
      } else if (attempt >= SPINS_BEFORE_YIELD) {
        // The writer may have been preempted mid-write: give the CPU away rather than spin.
        if (deadline === 0) deadline = performance.now() + READ_STUCK_MS;
        else if (performance.now() > deadline) {
          throw new NvmeError(`NVMe read of ${blockCount} blocks at block ${block} on SSD ${device}: a write of it has not finished in ${READ_STUCK_MS} ms`);
        }
        Atomics.wait(this.stripes, base + ((block + writing) % STRIPES), this.seen[writing], 0.1);
      }
    }
  }

  /** Copies blocks from `source` at `sourceOffset` onto a device. Only the device's DPU core writes it. */
  write(device: number, block: number, blockCount: number, source: Uint8Array, sourceOffset: number): void {
    const base = device * STRIPES;
    const stripesCrossed = Math.min(blockCount, STRIPES);
    for (let index = 0; index < stripesCrossed; index++) Atomics.add(this.stripes, base + ((block + index) % STRIPES), 1);
    this.devices[device].set(source.subarray(sourceOffset, sourceOffset + blockCount * BLOCK_BYTES), block * BLOCK_BYTES);
    for (let index = 0; index < stripesCrossed; index++) Atomics.add(this.stripes, base + ((block + index) % STRIPES), 1);
  }
}
