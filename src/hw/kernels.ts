/**
 * Loading the WebAssembly kernels (assembly/, built to build/kernels.wasm).
 *
 * The module is compiled once per process and shared with worker threads (a
 * `WebAssembly.Module` is cloneable); every thread instantiates it over the one shared
 * memory, getting its own globals (per-thread kernel state) over common bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { instantiate } from '../../build/kernels.js';
import { packageRoot } from '../paths.js';

/** The kernels' exports, typed from the declarations asc generates. */
export type Kernels = Awaited<ReturnType<typeof instantiate>>;

let compiled: WebAssembly.Module | undefined;

/** The compiled kernel module (compiled on first use in this thread). */
export function kernelModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const path = join(packageRoot(), 'build', 'kernels.wasm');
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read ${path}: run \`npm run build\` first (${(error as Error).message})`);
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * Instantiates the kernels over `memory`. Instantiation re-applies the module's static data
 * (below `staticDataEnd()`), which the memory plan reserves for it and never reuses.
 */
export function instantiateKernels(memory: WebAssembly.Memory, module: WebAssembly.Module = kernelModule()): Kernels {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(messagePointer: number, filePointer: number, line: number, column: number): never {
        throw new Error(`WebAssembly kernel aborted at line ${line}:${column} (message at ${messagePointer}, file at ${filePointer})`);
      },
    },
  });
  return instance.exports as unknown as Kernels;
}
