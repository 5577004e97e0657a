/**
 * Emulated NVMe SSDs: arrays of 512-byte blocks, each device one SharedArrayBuffer shared by
 * every thread, reached only through NVMe read and write commands that copy whole blocks
 * between a device and an issuer's buffer in the shared memory. (Devices live outside the
 * WebAssembly memory so that the paper's dataset sizes are not bounded by its 4 GiB.)
 *
 * Untouched blocks cost no RAM: the buffers are zero-filled lazily by the operating system.
 */
import { NvmeError } from '../errors.js';
import { BLOCK_BYTES } from '../layout/store.js';

export class SsdArray {
  readonly devices: readonly Uint8Array[];

  constructor(readonly buffers: readonly SharedArrayBuffer[], readonly blocksPerDevice: number) {
    this.devices = buffers.map((buffer, index) => {
      if (buffer.byteLength !== blocksPerDevice * BLOCK_BYTES) {
        throw new NvmeError(`SSD ${index} has ${buffer.byteLength} bytes, expected ${blocksPerDevice} blocks of ${BLOCK_BYTES}`);
      }
      return new Uint8Array(buffer);
    });
  }

  static create(deviceCount: number, blocksPerDevice: number): SsdArray {
    const buffers: SharedArrayBuffer[] = [];
    for (let device = 0; device < deviceCount; device++) buffers.push(new SharedArrayBuffer(blocksPerDevice * BLOCK_BYTES));
    return new SsdArray(buffers, blocksPerDevice);
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

  /** Copies blocks from a device into `target` at `targetOffset`. */
  read(device: number, block: number, blockCount: number, target: Uint8Array, targetOffset: number): void {
    const start = block * BLOCK_BYTES;
    target.set(this.devices[device].subarray(start, start + blockCount * BLOCK_BYTES), targetOffset);
  }

  /** Copies blocks from `source` at `sourceOffset` onto a device. */
  write(device: number, block: number, blockCount: number, source: Uint8Array, sourceOffset: number): void {
    this.devices[device].set(source.subarray(sourceOffset, sourceOffset + blockCount * BLOCK_BYTES), block * BLOCK_BYTES);
  }
}
