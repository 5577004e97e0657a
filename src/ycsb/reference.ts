/**
 * Java YCSB's generator arithmetic in plain TypeScript (BigInt where Java uses longs): the
 * reference the WebAssembly kernels are tested against, and what users see as key names.
 * Too slow for the hot path (BigInt), exact for checking it.
 */

/** `ZipfianGenerator.ZIPFIAN_CONSTANT`. */
export const ZIPFIAN_CONSTANT = 0.99;
/** `ScrambledZipfianGenerator.ITEM_COUNT`: the scrambled zipfian draws ranks over 10^10 items. */
export const SCRAMBLED_ITEM_COUNT = 10_000_000_000;
/** `ScrambledZipfianGenerator.ZETAN`: ζ(10^10, 0.99), precomputed by YCSB. */
export const SCRAMBLED_ZETAN = 26.46902820178302;

const FNV_OFFSET_BASIS_64 = 0xcbf29ce484222325n;
const FNV_PRIME_64 = 1099511628211n;
const MASK_64 = (1n << 64n) - 1n;

/** Java `Utils.fnvhash64(long)`: FNV-1a over the 8 little-endian bytes, then `Math.abs`. */
export function fnvhash64(value: bigint): bigint {
  let hash = FNV_OFFSET_BASIS_64;
  let rest = BigInt.asUintN(64, value);
  for (let i = 0; i < 8; i++) {
    hash ^= rest & 0xffn;
    hash = (hash * FNV_PRIME_64) & MASK_64;
    rest >>= 8n;
  }
  const signed = BigInt.asIntN(64, hash);
  return signed < 0n ? BigInt.asIntN(64, -signed) : signed;
}

/** Java `CoreWorkload.buildKeyName` with hashed (non-ordered) inserts and zero padding 1. */
export function keyName(record: number): string {
  return `user${fnvhash64(BigInt(record))}`;
}

/** ζ(n, θ) = Σ_{i=1..n} i^-θ, summed as Java's `ZipfianGenerator.zetastatic` does. */
export function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 1 / Math.pow(i + 1, theta);
  return sum;
}

/** Java `ZipfianGenerator` over `items` items from `base`, for a given uniform draw. */
export class ZipfianReference {
  readonly alpha: number;
  readonly eta: number;
  readonly zeta2theta: number;

  constructor(readonly items: number, readonly base: number, readonly theta: number, readonly zetan: number) {
    this.zeta2theta = zeta(2, theta);
    this.alpha = 1 / (1 - theta);
    this.eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - this.zeta2theta / zetan);
  }

  fromUniform(u: number): number {
    const uz = u * this.zetan;
    if (uz < 1) return this.base;
    if (uz < 1 + Math.pow(0.5, this.theta)) return this.base + 1;
    return this.base + Math.floor(this.items * Math.pow(this.eta * u - this.eta + 1, this.alpha));
  }
}

/** The scrambled zipfian's rank generator, as `ScrambledZipfianGenerator(min, max)` builds it. */
export function scrambledRanks(): ZipfianReference {
  return new ZipfianReference(SCRAMBLED_ITEM_COUNT + 1, 0, ZIPFIAN_CONSTANT, SCRAMBLED_ZETAN);
}

/** `ScrambledZipfianGenerator.nextValue()` for a given rank: `min + fnvhash64(rank) % itemCount`. */
export function scrambleRank(rank: number, min: number, itemCount: number): number {
  return min + Number(fnvhash64(BigInt(rank)) % BigInt(itemCount));
}
