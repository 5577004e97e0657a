/**
 * Pseudo-random numbers whose state lives in a caller's arena (8 bytes), so that every
 * logical client has its own reproducible stream whatever thread runs it.
 * SplitMix64 (Steele, Lea, Flood 2014): tiny state, passes BigCrush, and seeding by
 * (seed, stream) gives independent streams.
 */

const GOLDEN_GAMMA: u64 = 0x9e3779b97f4a7c15;

// @ts-ignore: decorator
@inline function mix(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Seeds the generator at `state` for stream `stream` of run seed `seed`. */
export function randomSeed(state: usize, seed: f64, stream: i32): void {
  store<u64>(state, mix(<u64>seed ^ mix(<u64>stream + GOLDEN_GAMMA)));
}

// @ts-ignore: decorator
@inline export function randomNext(state: usize): u64 {
  const next = load<u64>(state) + GOLDEN_GAMMA;
  store<u64>(state, next);
  return mix(next);
}

/** A uniform double in [0, 1) with 53 random bits. */
export function randomDouble(state: usize): f64 {
  return <f64>(randomNext(state) >> 11) * 1.1102230246251565e-16;
}

/** A uniform integer in [0, bound) for bound ≤ 2^32 (Lemire's multiply-shift; bias < 2^-32). */
export function randomBelow(state: usize, bound: u32): u32 {
  return <u32>(((randomNext(state) >> 32) * <u64>bound) >> 32);
}
