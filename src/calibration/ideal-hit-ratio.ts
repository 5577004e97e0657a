/**
 * The ideal hit ratio of a cache of `slots` slots under a YCSB workload: the share of draws
 * that fall on the `slots` most-drawn keys, computed exactly from the generator in use.
 *
 * For the scrambled zipfian over the records (the artifact's generator, the built-in
 * workloads'), rank r's probability is what Gray et al.'s inverse (Java's
 * `ZipfianGenerator.nextLong`) gives it — the measure of uniform draws u that land on r —
 * and key `fnvhash64(r) mod n` sums the ranks folded onto it: several ranks share a key and
 * about a third of the keys are never drawn, so the ideal is higher than pure Zipf's.
 */
import { ConfigError } from '../errors.js';
import { cachedZeta } from '../ycsb/workloads.js';

const TWO_32 = 2 ** 32;

/** Java `Utils.fnvhash64(rank)` mod `modulus`, in doubles (the BigInt reference is too slow for 20 M ranks). */
export function fnvhash64Mod(rank: number, modulus: number): number {
  // FNV-1a over the 8 little-endian bytes of the long, 64-bit arithmetic as two 32-bit halves.
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  let restLow = rank % TWO_32;
  let restHigh = Math.floor(rank / TWO_32);
  for (let byte = 0; byte < 8; byte++) {
    const value = byte < 4 ? restLow & 0xff : restHigh & 0xff;
    if (byte < 4) restLow = Math.floor(restLow / 256);
    else restHigh = Math.floor(restHigh / 256);
    low = (low ^ value) >>> 0;
    // × 0x100000001b3 = × 0x1b3 + (× 2^40): the second term moves low's bits 0–23 into high's 8–31.
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / TWO_32);
    const newLow = lowProduct % TWO_32;
    const newHigh = (high * 0x1b3 + carry + ((low * 256) % TWO_32)) % TWO_32;
    low = newLow;
    high = newHigh;
  }
  // Math.abs of the signed long.
  if (high >= 2 ** 31) {
    const negatedLow = (TWO_32 - low) % TWO_32;
    high = (TWO_32 - 1 - high + (low === 0 ? 1 : 0)) % TWO_32;
    low = negatedLow;
  }
  return ((high % modulus) * (TWO_32 % modulus) + low) % modulus;
}

/** Each rank's probability under Gray et al.'s zipfian generator over `items` items. */
export function zipfianRankProbabilities(items: number, theta: number): Float64Array {
  const zetan = cachedZeta(items, theta);
  const zeta2 = 1 + Math.pow(0.5, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - zeta2 / zetan);
  const probabilities = new Float64Array(items);
  probabilities[0] += 1 / zetan;
  if (items > 1) probabilities[1] += Math.pow(0.5, theta) / zetan;
  // The third branch: u in [u3, 1) draws floor(items × (eta u − eta + 1)^alpha); value < r ⟺ u < U(r).
  const u3 = zeta2 / zetan;
  const bound = (rank: number) => Math.min(1, Math.max(u3, (Math.pow(rank / items, 1 / alpha) - 1 + eta) / eta));
  let lower = bound(0);
  for (let rank = 0; rank < items; rank++) {
    const upper = bound(rank + 1);
    if (upper > lower) probabilities[rank] += upper - lower;
    lower = Math.max(lower, upper);
  }
  return probabilities;
}

export interface IdealHitRatioRequest {
  readonly records: number;
  readonly slots: number;
  /** Zipfian constant; 0 for uniform keys. */
  readonly theta: number;
}

/** Each key's probability: the ranks folded onto it by fnvhash64 mod records (uniform for θ = 0). */
export function keyProbabilities(records: number, theta: number): Float64Array {
  if (!Number.isInteger(records) || records < 2) throw new ConfigError(`records must be an integer ≥ 2, got ${records}`);
  if (theta === 0) return new Float64Array(records).fill(1 / records);
  if (!(theta > 0 && theta !== 1)) throw new ConfigError(`theta must be 0 or a zipfian constant above 0 and not 1, got ${theta}`);
  const ranks = zipfianRankProbabilities(records, theta);
  const keys = new Float64Array(records);
  for (let rank = 0; rank < records; rank++) keys[fnvhash64Mod(rank, records)] += ranks[rank];
  return keys;
}

/** The share of draws on the `slots` hottest keys (scrambled zipfian over the records, or uniform). */
export function idealHitRatio(request: IdealHitRatioRequest): number {
  const { records, slots } = request;
  const keys = keyProbabilities(records, request.theta).sort();
  let hit = 0;
  let total = 0;
  for (let index = records - 1; index >= 0; index--) {
    total += keys[index];
    if (records - 1 - index < slots) hit += keys[index];
  }
  return hit / total;
}

/**
 * The hit ratio of a fully associative LRU cache of `slots` slots under the same draws, by
 * Che's approximation (characteristic time T with Σ(1 − e^(−p·T)) = slots): what an LRU
 * policy can reach, below the ideal's static top-k.
 */
export function lruHitRatio(request: IdealHitRatioRequest): number {
  const keys = keyProbabilities(request.records, request.theta);
  const occupancy = (time: number) => {
    let sum = 0;
    for (let key = 0; key < keys.length; key++) sum += 1 - Math.exp(-keys[key] * time);
    return sum;
  };
  let low = 0;
  let high = 1;
  while (occupancy(high) < request.slots && high < 1e18) high *= 2;
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (occupancy(middle) > request.slots) high = middle;
    else low = middle;
  }
  let hit = 0;
  for (let key = 0; key < keys.length; key++) hit += keys[key] * (1 - Math.exp(-keys[key] * low));
  return hit;
}
