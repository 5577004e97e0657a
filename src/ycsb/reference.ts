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

/** Java `CoreWorkload.buildKeyName(keynum, zeropadding, orderedinserts)`. */
export function keyName(record: number, zeroPadding = 1, ordered = false): string {
  const digits = (ordered ? BigInt(record) : fnvhash64(BigInt(record))).toString();
  return `user${'0'.repeat(Math.max(0, zeroPadding - digits.length))}${digits}`;
}

/** Above this many terms, ζ is computed in closed form (Euler–Maclaurin) instead of term by term. */
export const ZETA_TERMS_SUMMED_MAX = 10_000_000;

/**
 * ζ(n, θ) = Σ_{i=1..n} i^-θ. Up to ZETA_TERMS_SUMMED_MAX items, summed as Java's
 * `ZipfianGenerator.zetastatic` does; beyond, the first 1,000 terms are summed and the rest
 * comes from the Euler–Maclaurin formula (integral, end points and three derivative
 * corrections), exact to double precision for 0 < θ < 1: what Java gets by summing, say,
 * 10^10 terms, which takes it minutes.
 */
export function zeta(n: number, theta: number): number {
  if (n <= ZETA_TERMS_SUMMED_MAX) return zetaSummed(n, theta);
  return zetaEulerMaclaurin(n, theta);
}

/** Σ_{i=1..n} i^-θ term by term, in Java's order. */
export function zetaSummed(n: number, theta: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 1 / Math.pow(i + 1, theta);
  return sum;
}

/** Σ_{i=1..n} i^-θ: the first 1,000 terms summed, the rest by Euler–Maclaurin. */
export function zetaEulerMaclaurin(n: number, theta: number): number {
  const summedTerms = 1000;
  const head = zetaSummed(summedTerms, theta);
  const a = summedTerms + 1;
  // ∫_a^n x^-θ dx, and the trapezoid's end points.
  const integral = theta === 1 ? Math.log(n / a) : (Math.pow(n, 1 - theta) - Math.pow(a, 1 - theta)) / (1 - theta);
  const ends = (Math.pow(a, -theta) + Math.pow(n, -theta)) / 2;
  // B2/2! f'(x) + B4/4! f'''(x) + B6/6! f^(5)(x), at n minus at a, for f(x) = x^-θ.
  const derivative1 = (x: number) => -theta * Math.pow(x, -theta - 1);
  const derivative3 = (x: number) => -theta * (theta + 1) * (theta + 2) * Math.pow(x, -theta - 3);
  const derivative5 = (x: number) => -theta * (theta + 1) * (theta + 2) * (theta + 3) * (theta + 4) * Math.pow(x, -theta - 5);
  const corrections = (derivative1(n) - derivative1(a)) / 12 - (derivative3(n) - derivative3(a)) / 720 + (derivative5(n) - derivative5(a)) / 30240;
  return head + integral + ends + corrections;
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
