/**
 * The hot path of the emulator, compiled to one WebAssembly module that every thread
 * instantiates over the same shared memory. Kernels take byte offsets into that memory and
 * never allocate: AssemblyScript's heap and static data are not thread-safe, and the
 * memory is laid out by TypeScript (src/hw/memory-plan.ts). Per-thread state lives in
 * globals, which are per instance.
 */
export * from "./hash";
export * from "./random";
export * from "./key";
export * from "./ycsb";
export * from "./cache";
export * from "./store";
export * from "./memory";
export * from "./ditto";
export * from "./fast-path";
