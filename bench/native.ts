/**
 * The native references of the kernel benchmarks: bench/native/kernels.c, built with the
 * system C compiler (`cc -O2`) when there is one. Every layout constant is handed to the
 * compiler with -D from src/layout/, where it is defined once, so the C port cannot drift
 * from the layouts the WebAssembly kernels use. Without a compiler the bench prints a note
 * and reports the WebAssembly numbers alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as cacheSlot from '../src/layout/cache-slot.js';
import * as keyLayout from '../src/layout/key.js';
import * as operations from '../src/layout/operations.js';
import * as storeLayout from '../src/layout/store.js';
import { BLOCK_BYTES } from '../src/layout/store.js';
import * as verbs from '../src/layout/verbs.js';
import * as ycsbLayout from '../src/layout/ycsb.js';
import { SLOT_BYTES_MIN, SLOT_CLASSES, SLOT_INDEX_SHIFT, SLOT_STEP_BYTES, SPINS_BEFORE_YIELD, STRIPES, slotBytesOfClass, slotClassFor, type SsdArray } from '../src/hw/ssd.js';
import { packageRoot } from '../src/paths.js';

export const NATIVE_SOURCE = join(packageRoot(), 'bench', 'native', 'kernels.c');

/** -DNAME=value for every numeric constant of the layouts the kernels use. */
export function layoutDefines(): string[] {
  const defines: string[] = [];
  for (const module of [cacheSlot, keyLayout, operations, storeLayout, verbs, ycsbLayout]) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'number' && Number.isInteger(value)) defines.push(`-D${name}=${value}`);
    }
  }
  return defines;
}

/**
 * -D for src/hw/ssd.ts's storage, which the C ports read SSD blocks as: the per-block
 * sequence locks, a read's spins before it yields, and the slot sizes (class c holds
 * SSD_SLOT_BYTES_MIN + (c − 1) × SSD_SLOT_STEP_BYTES bytes; a chunk holds at most
 * chunkBytes >> SSD_SLOT_INDEX_SHIFT slots).
 */
export function ssdDefines(): string[] {
  return [
    `-DSSD_STRIPES=${STRIPES}`, `-DSSD_SPINS_BEFORE_YIELD=${SPINS_BEFORE_YIELD}`, `-DSSD_SLOT_BYTES_MIN=${SLOT_BYTES_MIN}`,
    `-DSSD_SLOT_STEP_BYTES=${SLOT_STEP_BYTES}`, `-DSSD_SLOT_CLASSES=${SLOT_CLASSES}`, `-DSSD_SLOT_INDEX_SHIFT=${SLOT_INDEX_SHIFT}`,
  ];
}

/** The first C compiler on the PATH (`cc`, then `gcc`, then `clang`), or undefined. */
export function findCompiler(): string | undefined {
  for (const candidate of ['cc', 'gcc', 'clang']) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export type NativeBuild = { readonly executable: string; readonly compiler: string } | { readonly skipped: string };

/**
 * Where the native programs are built (cached) and their input dumps written: a directory
 * of the user's own under the system's temporary directory (created mode 0700). Not one
 * fixed path shared by everyone: on a shared machine, another user's /tmp/scalio-native would
 * not be writable, and an executable someone else placed there under the cached name would
 * be run as found.
 */
export function nativeDirectory(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : userInfo().username;
  const directory = join(tmpdir(), `scalio-native-${user}`);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  return directory;
}

/**
 * Builds one C program of bench/native/ (`source`) with the system C compiler and `flags`
 * (the program is linked with -lm), cached in `nativeDirectory()` by the sources (every .c
 * and .h of bench/native/, since the programs include one another), the flags and the
 * compiler's version. `what` names the program in the note returned when it is skipped (no
 * compiler, or the build failed).
 */
/** Builds (and half-written builds) untouched this long are stale: nothing runs them any more. */
const STALE_BUILD_MS = 24 * 3600 * 1000;

/**
 * Removes builds of `program` other than `current` that are a day old: without this, every
 * edit of bench/native/ leaves another executable in the cache. Younger ones stay, as
 * another checkout (other sources, same user) may be about to run its own build.
 */
function removeStaleBuilds(directory: string, program: string, current: string): void {
  const pattern = new RegExp(`^${program}-[0-9a-f]{16}(\\.\\d+\\.partial)?$`);
  const staleBefore = Date.now() - STALE_BUILD_MS;
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (!pattern.test(name) || path === current) continue;
    try {
      if (statSync(path).mtimeMs < staleBefore) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
}

export function buildNative(source: string, flags: readonly string[], what: string): NativeBuild {
  const compiler = findCompiler();
  if (compiler === undefined) return { skipped: `no C compiler (cc, gcc or clang) on the PATH: ${what} skipped` };
  const version = spawnSync(compiler, ['--version'], { encoding: 'utf8' }).stdout;
  const hash = createHash('sha256');
  const sources = dirname(source);
  for (const name of readdirSync(sources).filter((file) => /\.[ch]$/.test(file)).sort()) hash.update(name).update(readFileSync(join(sources, name)));
  const digest = hash.update(flags.join(' ')).update(version).digest('hex').slice(0, 16);
  const directory = nativeDirectory();
  const executable = join(directory, `${basename(source, '.c')}-${digest}`);
  if (existsSync(executable)) return { executable, compiler };
  const partial = `${executable}.${process.pid}.partial`;
  const built = spawnSync(compiler, [...flags, '-o', partial, source, '-lm'], { encoding: 'utf8' });
  if (built.status !== 0) {
    return { skipped: `${compiler} ${flags[0] ?? ''} failed on bench/native/${basename(source)}: ${(built.stderr || built.error?.message || '').trim().split('\n')[0]}` };
  }
  renameSync(partial, executable);
  removeStaleBuilds(directory, basename(source, '.c'), executable);
  return { executable, compiler };
}

/** Builds the native kernels (`cc -O2`, layouts by -D); returns why it was skipped when there is no compiler or it fails. */
export function buildNativeKernels(): NativeBuild {
  return buildNative(NATIVE_SOURCE, ['-O2', '-std=gnu11', ...layoutDefines(), ...ssdDefines()], 'native references');
}

/** Writes `bytes` (a dump of the bench's memory) where the native kernels can read it. */
export function writeImage(bytes: Uint8Array): string {
  const path = join(nativeDirectory(), `image-${process.pid}.bin`);
  writeFileSync(path, bytes);
  return path;
}

/** Runs the native kernels: `mode` "verify" (result lines) or "time MS" (a JSON line per kernel). */
export function runNative(executable: string, imagePath: string, imageBase: number, mode: string[], parameters: Record<string, number>): string[] {
  const args = [imagePath, String(imageBase), ...mode, ...Object.entries(parameters).map(([name, value]) => `${name}=${value}`)];
  const run = spawnSync(executable, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error !== undefined) throw new Error(`native kernels could not run (${executable}): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`native kernels failed (${run.status ?? run.signal}): ${run.stderr.trim()}`);
  return run.stdout.trim().split('\n');
}

/**
 * Writes every written SSD block as src/hw/ssd.ts stores it (its bytes up to its last
 * non-zero one, in the smallest slot class that holds them): per device the count, then
 * (u32 block, u16 slot class, the slot's slotBytesOfClass bytes).
 */
export function writeSsdDump(ssds: SsdArray, path: string): void {
  const file = openSync(path, 'w');
  try {
    const block = new Uint8Array(BLOCK_BYTES);
    const count = Buffer.alloc(4);
    for (let device = 0; device < ssds.count; device++) {
      const entries: Buffer[] = [];
      for (let index = 0; index < ssds.blocksPerDevice; index++) {
        if (!ssds.isWritten(device, index)) continue;
        ssds.read(device, index, 1, block, 0);
        let end = BLOCK_BYTES;
        while (end > 0 && block[end - 1] === 0) end--;
        const slotClass = slotClassFor(end);
        if (slotClass === 0) continue;
        const slotBytes = slotBytesOfClass(slotClass);
        const entry = Buffer.alloc(6 + slotBytes);
        entry.writeUInt32LE(index, 0);
        entry.writeUInt16LE(slotClass, 4);
        entry.set(block.subarray(0, slotBytes), 6);
        entries.push(entry);
      }
      count.writeUInt32LE(entries.length, 0);
      writeSync(file, count);
      for (const entry of entries) writeSync(file, entry);
    }
  } finally {
    closeSync(file);
  }
}
