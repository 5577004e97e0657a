/**
 * Latency histograms with bounded relative error (HDR-style log-linear buckets): exact below
 * 128 ns, then 64 buckets per power of two, so any percentile is within 1/64 (1.6 %) of the
 * true value. Recording is a few arithmetic operations into a Float64Array; histograms of
 * different threads are merged by adding arrays.
 */
const LINEAR_BUCKETS = 128;
const SUB_BUCKET_BITS = 6;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const FIRST_OCTAVE = 7; // 2^7 = LINEAR_BUCKETS
const LAST_OCTAVE = 52;
export const HISTOGRAM_BUCKETS = LINEAR_BUCKETS + (LAST_OCTAVE - FIRST_OCTAVE + 1) * SUB_BUCKETS;

function bucketOf(valueNs: number): number {
  if (valueNs < LINEAR_BUCKETS) return valueNs < 0 ? 0 : valueNs | 0;
  if (valueNs < 2 ** 31) {
    // Integer fast path: everything below 2.1 s of latency.
    const value = valueNs | 0;
    const octave = 31 - Math.clz32(value);
    return LINEAR_BUCKETS + (octave - FIRST_OCTAVE) * SUB_BUCKETS + ((value >>> (octave - SUB_BUCKET_BITS)) - SUB_BUCKETS);
  }
  const octave = Math.floor(Math.log2(valueNs));
  const subBucket = Math.floor(valueNs / 2 ** (octave - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  return Math.min(HISTOGRAM_BUCKETS - 1, LINEAR_BUCKETS + (octave - FIRST_OCTAVE) * SUB_BUCKETS + subBucket);
}

/** The smallest and largest value a bucket holds. */
function bucketRange(bucket: number): [number, number] {
  if (bucket < LINEAR_BUCKETS) return [bucket, bucket];
  const octave = FIRST_OCTAVE + Math.floor((bucket - LINEAR_BUCKETS) / SUB_BUCKETS);
  const subBucket = (bucket - LINEAR_BUCKETS) % SUB_BUCKETS;
  const width = 2 ** (octave - SUB_BUCKET_BITS);
  const low = (SUB_BUCKETS + subBucket) * width;
  return [low, low + width - 1];
}

export class LatencyHistogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  count = 0;
  totalNs = 0;
  maxNs = 0;

  record(valueNs: number): void {
    this.counts[bucketOf(valueNs)]++;
    this.count++;
    this.totalNs += valueNs;
    if (valueNs > this.maxNs) this.maxNs = valueNs;
  }

  mergeFrom(other: LatencyHistogram): void {
    for (let bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) this.counts[bucket] += other.counts[bucket];
    this.count += other.count;
    this.totalNs += other.totalNs;
    this.maxNs = Math.max(this.maxNs, other.maxNs);
  }

  /** The value at percentile `percent` (0–100): the midpoint of the bucket holding it. */
  percentile(percent: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) {
      seen += this.counts[bucket];
      if (seen >= rank) {
        const [low, high] = bucketRange(bucket);
        return Math.min(this.maxNs, (low + high) / 2);
      }
    }
    return this.maxNs;
  }

  meanNs(): number {
    return this.count === 0 ? Number.NaN : this.totalNs / this.count;
  }

  /** A copy that can cross threads (structured clone) and be rebuilt with `fromJSON`. */
  toJSON(): { counts: number[]; count: number; totalNs: number; maxNs: number } {
    return { counts: Array.from(this.counts), count: this.count, totalNs: this.totalNs, maxNs: this.maxNs };
  }

  static fromJSON(data: { counts: number[]; count: number; totalNs: number; maxNs: number }): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.counts.set(data.counts);
    histogram.count = data.count;
    histogram.totalNs = data.totalNs;
    histogram.maxNs = data.maxNs;
    return histogram;
  }
}
