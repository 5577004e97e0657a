/** Shared helpers for tests: kernels over a small scratch memory. */
import { instantiateKernels, type Kernels } from '../src/hw/kernels.js';
import { KERNEL_STATIC_BYTES } from '../src/hw/memory-plan.js';

export interface Scratch {
  readonly kernels: Kernels;
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** First address free for a test to use. */
  readonly base: number;
}

/** A fresh shared memory of `pages` 64 KiB pages with the kernels instantiated over it. */
export function scratch(pages = 32): Scratch {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const kernels = instantiateKernels(memory);
  return { kernels, memory, bytes: new Uint8Array(memory.buffer), view: new DataView(memory.buffer), base: KERNEL_STATIC_BYTES };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
