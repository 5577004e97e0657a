/**
 * Running the points of a sweep: in parallel on worker threads (one per core), with a
 * progress line, a disk cache of finished points (so an interrupted or repeated sweep
 * resumes), and deterministic shards (`--shard K/N`) for a batch scheduler's array job.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { writeFileAtomically } from '../files.js';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { ScalioError } from '../errors.js';
import { builtModulePath } from '../paths.js';
import type { PointResult, PointRun } from './point.js';
import type { PointRefused } from './point-worker.js';
import type { CodeVersion } from './version.js';

/** Keys sorted so that the same run hashes the same whatever order its fields were written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A point's configuration alone (which shard runs it: the same for every code version). */
export const configurationHash = (run: PointRun): string => sha256(canonicalJson(run)).slice(0, 24);

/** A point's cache key: its configuration and the model code that computes it. */
export const pointKey = (run: PointRun, version: CodeVersion): string => sha256(`${canonicalJson(run)}\n${version.packageVersion}\n${version.modelHash}`).slice(0, 24);

/** A finished point as stored in the cache: its run, so a file can be checked against its key. */
export interface CachedPoint {
  readonly key: string;
  readonly run: PointRun;
  readonly modelHash: string;
  readonly result: PointResult;
}

export class PointCache {
  constructor(readonly directory: string) {}

  private path(key: string): string {
    return join(this.directory, `${key}.json`);
  }

  /** The cached result, or undefined (a damaged file counts as missing and is recomputed). */
  get(key: string): CachedPoint | undefined {
    const path = this.path(key);
    if (!existsSync(path)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(path, 'utf8')) as CachedPoint;
      return entry.key === key && entry.result?.metrics !== undefined ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Written atomically: a sweep killed mid-write leaves no half file. */
  put(entry: CachedPoint): void {
    mkdirSync(this.directory, { recursive: true });
    writeFileAtomically(this.path(entry.key), `${JSON.stringify(entry)}\n`);
  }
}

export interface Shard {
  /** 1 to `count`. */
  readonly index: number;
  readonly count: number;
}

/** `--shard K/N`: K from 1 to N. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match === null ? Number.NaN : Number(match[1]);
  const count = match === null ? Number.NaN : Number(match[2]);
  if (!(count >= 1 && index >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new ScalioError(`--shard must be K/N with 1 ≤ K ≤ N (for example 3/8), got "${text}"`);
  }
  return { index, count };
}

/**
 * The runs shard K of N computes: every run sorted by its configuration hash, then every N-th
 * from the K-th. The same for every shard of an array job, whatever machine it lands on.
 */
export function shardOf<T extends { readonly run: PointRun }>(points: readonly T[], shard: Shard): T[] {
  const sorted = [...points].sort((a, b) => configurationHash(a.run).localeCompare(configurationHash(b.run)));
  return sorted.filter((_, position) => position % shard.count === shard.index - 1);
}

/** A point in a few words, for error messages. */
export function describeRun(run: PointRun): string {
  if (run.kind === 'nvmeof-reads') return `NVMe-oF ${run.target} reads, ${run.ssds} SSDs, queue depth ${run.queueDepth}`;
  return `${run.system} on YCSB ${run.workload}, ${JSON.stringify(run.config)}`;
}

export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly fromCache: number;
  readonly elapsedMs: number;
  /** NaN until a point has been computed. */
  readonly remainingMs: number;
}

export interface SweepOptions {
  readonly cache: PointCache;
  readonly version: CodeVersion;
  /** Worker threads (default: the machine's cores). */
  readonly threads?: number;
  readonly onProgress?: (progress: SweepProgress) => void;
}

export interface SweepResult {
  /** Every run's cached entry, by key. */
  readonly points: Map<string, CachedPoint>;
  readonly computed: number;
  readonly fromCache: number;
  readonly wallMs: number;
  /** Sum of the computed points' own wall times (core-seconds the sweep used). */
  readonly pointSeconds: number;
  /** Sum of the cached points' wall times when they were computed. */
  readonly cachedPointSeconds: number;
}

/** Runs every run not in the cache (each distinct run once), in parallel, caching each as it finishes. */
export async function sweep(runs: readonly PointRun[], options: SweepOptions): Promise<SweepResult> {
  const startedMs = performance.now();
  const unique = new Map<string, PointRun>();
  for (const run of runs) unique.set(pointKey(run, options.version), run);
  const points = new Map<string, CachedPoint>();
  const missing: [string, PointRun][] = [];
  for (const [key, run] of unique) {
    const cached = options.cache.get(key);
    if (cached !== undefined) points.set(key, cached);
    else missing.push([key, run]);
  }
  const fromCache = points.size;
  let pointSeconds = 0;
  const report = () => {
    const elapsedMs = performance.now() - startedMs;
    const computed = points.size - fromCache;
    const remainingMs = computed > 0 ? (elapsedMs / computed) * (unique.size - points.size) : Number.NaN;
    options.onProgress?.({ done: points.size, total: unique.size, fromCache, elapsedMs, remainingMs });
  };
  report();
  if (missing.length > 0) {
    const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), missing.length));
    const pool = new Piscina({ filename: builtModulePath('figures/point-worker.js'), minThreads: threads, maxThreads: threads, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
    try {
      await Promise.all(missing.map(async ([key, run]) => {
        const outcome = (await pool.run(run)) as PointResult | PointRefused;
        // A point the model refused is the user's to fix (exit 2); anything else thrown is a bug.
        if ('refused' in outcome) throw new ScalioError(`figure point ${describeRun(run)}: ${outcome.refused}`);
        const result = outcome;
        const entry: CachedPoint = { key, run, modelHash: options.version.modelHash, result };
        options.cache.put(entry);
        points.set(key, entry);
        pointSeconds += result.timing.wallSeconds;
        report();
      }));
    } finally {
      await pool.destroy();
    }
  }
  let cachedPointSeconds = 0;
  for (const [key, entry] of points) if (!missing.some(([missingKey]) => missingKey === key)) cachedPointSeconds += entry.result.timing.wallSeconds;
  return { points, computed: missing.length, fromCache, wallMs: performance.now() - startedMs, pointSeconds, cachedPointSeconds };
}

/** "1 m 05 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} m ${String(seconds % 60).padStart(2, '0')} s`;
}

/** A progress line on stderr: redrawn in place on a terminal, a line every 15 s otherwise. */
export function sweepProgressLine(stream: NodeJS.WriteStream = process.stderr): { update: (progress: SweepProgress) => void; done: () => void } {
  let lastMs = Number.NEGATIVE_INFINITY;
  const tty = stream.isTTY === true;
  let drawn = false;
  return {
    update(progress) {
      const now = performance.now();
      const last = progress.done === progress.total;
      if (!last && now - lastMs < (tty ? 200 : 15_000)) return;
      lastMs = now;
      const cached = progress.fromCache > 0 ? ` (${progress.fromCache} from cache)` : '';
      const line = `figures: ${progress.done}/${progress.total} points${cached}, ${duration(progress.elapsedMs)} elapsed, ~${duration(progress.remainingMs)} left`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
