/**
 * Linearizability of a key-value history, checked key by key.
 *
 * A key-value store is linearizable iff each key's sub-history is (P-compositionality,
 * Horn & Kroening), and each key is a read/write register. For one key the checker runs
 * Wing & Gong's search with Lowe's memoisation (the algorithm Porcupine implements): walk
 * the events in time order; at a call, try to take that operation effect now (if the
 * register allows it), remembering (set of operations taken, register value) to never try
 * the same configuration twice; at a return whose operation has not taken effect, undo the
 * last choice. The history is linearizable iff every operation can take effect.
 *
 * The set of operations taken is remembered by a 64-bit Zobrist hash (two random 32-bit
 * words per operation); a collision could make the search skip a configuration and report
 * a violation that is not one — the chance is about 2^-64 per pair of configurations, and a
 * reported violation is re-checked exactly before it is reported.
 *
 * A time limit bounds the whole check: keys not decided in time are reported as unknown,
 * never as passing.
 */

/** One operation on one key. Values are value ids; ABSENT (-1) is "no value". */
export interface RegisterOperation {
  readonly client: number;
  readonly write: boolean;
  /** The value written (a write) or returned (a read). */
  readonly value: number;
  readonly call: number;
  /**
   * Infinity for a write that never returned (cut off by a crash or fault): it may take
   * effect at any moment after its call, or never. (A read that never returned says nothing
   * and is left out of the history checked.)
   */
  readonly returned: number;
}

/**
 * Leaves out the writes that never returned and whose value no read returns: such a write
 * can always take effect last (or never), so it changes no verdict, and it would only widen
 * the search (it overlaps everything after its call).
 */
export function withoutUnseenPendingWrites(operations: readonly RegisterOperation[]): readonly RegisterOperation[] {
  if (!operations.some((operation) => operation.returned === Number.POSITIVE_INFINITY)) return operations;
  const read = new Set<number>();
  for (const operation of operations) if (!operation.write) read.add(operation.value);
  return operations.filter((operation) => operation.returned !== Number.POSITIVE_INFINITY || read.has(operation.value));
}

/** An initial value that is not known: the first read may return anything. */
export const UNKNOWN_VALUE = Number.NaN;

export type Verdict = 'pass' | 'fail' | 'unknown';

/** The search's outcome for one key. */
export interface Outcome {
  readonly verdict: Verdict;
  /**
   * For 'fail': the latest return at which the search ever got stuck. No order of the
   * operations called up to then reaches past it, so later operations play no part.
   */
  readonly failTime: number;
}

function random32(state: { seed: number }): number {
  // Mulberry32: enough to spread hashes; deterministic, so checks are repeatable.
  let t = (state.seed += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/**
 * Whether one register's history is linearizable from `initial`. `deadline` is a
 * performance.now() value; `exact` memoises on the exact set (slower, for confirming).
 */
export function checkRegister(all: readonly RegisterOperation[], initial: number, deadline: number, exact = false): Outcome {
  const operations = withoutUnseenPendingWrites(all);
  const count = operations.length;
  if (count === 0) return { verdict: 'pass', failTime: Number.NaN };
  // Events: 2i is operation i's call, 2i+1 its return; sorted by time, calls before returns
  // at the same time (an operation that returns when another is called overlaps it).
  const order = new Int32Array(2 * count);
  for (let i = 0; i < 2 * count; i++) order[i] = i;
  const timeOf = (event: number) => (event & 1) === 0 ? operations[event >> 1].call : operations[event >> 1].returned;
  // (Compared, not subtracted: the returns of writes that never returned are all at Infinity.)
  order.sort((a, b) => {
    const timeA = timeOf(a);
    const timeB = timeOf(b);
    if (timeA !== timeB) return timeA < timeB ? -1 : 1;
    return (a & 1) - (b & 1) || a - b;
  });
  // A doubly linked list over positions 1..2n, with 0 as the head and 2n+1 as the tail.
  const size = 2 * count + 2;
  const next = new Int32Array(size);
  const previous = new Int32Array(size);
  const eventAt = new Int32Array(size);
  const positionOf = new Int32Array(2 * count);
  for (let position = 0; position < size; position++) {
    next[position] = position + 1;
    previous[position] = position - 1;
  }
  for (let index = 0; index < 2 * count; index++) {
    eventAt[index + 1] = order[index];
    positionOf[order[index]] = index + 1;
  }
  const tail = size - 1;
  const hashState = { seed: 0x5ca110 };
  const zobristLow = new Uint32Array(count);
  const zobristHigh = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    zobristLow[i] = random32(hashState);
    zobristHigh[i] = random32(hashState);
  }
  const taken = exact ? new Uint8Array(count) : null;
  const seen = new Set<string>();
  const stackPosition: number[] = [];
  const stackState: number[] = [];
  let low = 0;
  let high = 0;
  let state = initial;
  let position = next[0];
  let steps = 0;
  let furthestStuck = Number.NEGATIVE_INFINITY;
  const lift = (callPosition: number) => {
    const returnPosition = positionOf[eventAt[callPosition] + 1];
    next[previous[callPosition]] = next[callPosition];
    previous[next[callPosition]] = previous[callPosition];
    next[previous[returnPosition]] = next[returnPosition];
    previous[next[returnPosition]] = previous[returnPosition];
  };
  const unlift = (callPosition: number) => {
    const returnPosition = positionOf[eventAt[callPosition] + 1];
    previous[next[returnPosition]] = returnPosition;
    next[previous[returnPosition]] = returnPosition;
    previous[next[callPosition]] = callPosition;
    next[previous[callPosition]] = callPosition;
  };
  const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

  while (next[0] !== tail) {
    if ((++steps & 0xfff) === 0 && performance.now() > deadline) return { verdict: 'unknown', failTime: Number.NaN };
    const event = eventAt[position];
    if ((event & 1) === 0) {
      const operation = operations[event >> 1];
      const allowed = operation.write || Number.isNaN(state) || sameValue(state, operation.value);
      if (allowed) {
        const index = event >> 1;
        const nextLow = (low ^ zobristLow[index]) >>> 0;
        const nextHigh = (high ^ zobristHigh[index]) >>> 0;
        if (taken !== null) taken[index] = 1;
        const configuration = taken !== null ? `${Array.prototype.join.call(taken, '')}:${operation.value}` : `${nextLow}:${nextHigh}:${operation.value}`;
        if (!seen.has(configuration)) {
          seen.add(configuration);
          stackPosition.push(position);
          stackState.push(state);
          state = operation.value;
          low = nextLow;
          high = nextHigh;
          lift(position);
          position = next[0];
          continue;
        }
        if (taken !== null) taken[index] = 0;
      }
      position = next[position];
    } else {
      // A return whose operation has not taken effect: undo the last choice.
      furthestStuck = Math.max(furthestStuck, timeOf(event));
      if (stackPosition.length === 0) return { verdict: 'fail', failTime: furthestStuck };
      const undone = stackPosition.pop() as number;
      state = stackState.pop() as number;
      const index = eventAt[undone] >> 1;
      low = (low ^ zobristLow[index]) >>> 0;
      high = (high ^ zobristHigh[index]) >>> 0;
      if (taken !== null) taken[index] = 0;
      unlift(undone);
      position = next[undone];
    }
  }
  return { verdict: 'pass', failTime: Number.NaN };
}

/** Whether a register history fails: by the zones test when its writes are unique, else by the search. */
export function registerFails(operations: readonly RegisterOperation[], initial: number, deadline: number): boolean {
  const zones = checkRegisterByZones(operations, initial);
  if (zones !== null) return zones.verdict === 'fail';
  return checkRegister(operations, initial, deadline).verdict === 'fail';
}

/** Whether every read returns the initial value or a value some write of the history writes. */
function wellFormed(operations: readonly RegisterOperation[], initial: number): boolean {
  const written = new Set<number>();
  for (const operation of operations) if (operation.write) written.add(operation.value);
  return operations.every((operation) => operation.write || operation.value === initial || Number.isNaN(initial) || written.has(operation.value));
}

/**
 * Shrinks a failing register history to a short failing sub-history: greedily drops chunks
 * of operations (halving the chunk size down to one) while what remains still fails and
 * still has the write of every value it reads (else a lone read of a removed write would
 * "fail" for the wrong reason). Bounded by `deadline`; returns the shortest found.
 */
export function shrinkFailure(operations: readonly RegisterOperation[], initial: number, deadline: number): RegisterOperation[] {
  let current = [...operations];
  for (let chunk = Math.max(1, Math.floor(current.length / 2)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < current.length && performance.now() < deadline;) {
      const candidate = current.slice(0, start).concat(current.slice(start + chunk));
      if (candidate.length > 0 && wellFormed(candidate, initial) && registerFails(candidate, initial, deadline)) current = candidate;
      else start += chunk;
    }
    if (performance.now() >= deadline) break;
  }
  return current;
}

/**
 * The zones test of Gibbons & Korach for a register whose writes are unique (every value is
 * written at most once, the initial value by a write before everything): exact, and
 * O(n log n) where the search above can take exponential time on a hot key with many
 * concurrent writers. For each value v, its cluster is its write and the reads returning it;
 * with m = the earliest return and M = the latest call in the cluster, the cluster has a
 * forward zone (m, M) if m < M (v must be current throughout it), else a backward zone
 * (M, m) (v may be current just for a moment in it). The history is linearizable iff no
 * read returns before its write is called, no two forward zones intersect, and no backward
 * zone lies inside another cluster's forward zone.
 *
 * A write that never returned (return at Infinity) needs no special case: it is an operation
 * whose interval runs past everything else. Unread, its cluster is a backward zone ending at
 * Infinity, which no forward zone contains (it constrains nothing, as a write that never took
 * effect); read, its cluster's zone is bounded by its reads' returns as any other.
 *
 * Returns null when a value is written more than once (then only the search decides), else
 * the verdict and, for a failure, the clusters involved.
 */
export function checkRegisterByZones(operations: readonly RegisterOperation[] | RegisterColumns, initial: number): { verdict: 'pass' | 'fail'; culprits: number[] } | null {
  const { count, write, value, call, returned } = isColumns(operations) ? operations : columnsOf(operations);
  // Clusters, one per value, column by column (no object per value: a hot key has millions).
  const clusterOf = new Map<number, number>();
  const clusterValue = new Float64Array(count + 1);
  const clusterWrite = new Int32Array(count + 1);
  const minimumReturn = new Float64Array(count + 1);
  const maximumCall = new Float64Array(count + 1);
  let clusters = 0;
  const initialKnown = !Number.isNaN(initial);
  if (initialKnown) {
    clusterOf.set(initial, clusters);
    clusterValue[clusters] = initial;
    clusterWrite[clusters] = -1;
    minimumReturn[clusters] = Number.NEGATIVE_INFINITY;
    maximumCall[clusters] = Number.NEGATIVE_INFINITY;
    clusters++;
  }
  for (let index = 0; index < count; index++) {
    if (write[index] === 0) continue;
    if (clusterOf.has(value[index])) return null;
    clusterOf.set(value[index], clusters);
    clusterValue[clusters] = value[index];
    clusterWrite[clusters] = index;
    minimumReturn[clusters] = returned[index];
    maximumCall[clusters] = call[index];
    clusters++;
  }
  for (let index = 0; index < count; index++) {
    if (write[index] !== 0) continue;
    const cluster = clusterOf.get(value[index]);
    if (cluster === undefined) {
      // A value nobody wrote. With an unknown initial value, the first such value may be it.
      if (!initialKnown) return null;
      return { verdict: 'fail', culprits: [value[index]] };
    }
    const writer = clusterWrite[cluster];
    if (writer >= 0 && returned[index] < call[writer]) return { verdict: 'fail', culprits: [value[index]] };
    if (returned[index] < minimumReturn[cluster]) minimumReturn[cluster] = returned[index];
    if (call[index] > maximumCall[cluster]) maximumCall[cluster] = call[index];
  }
  const forwardList: number[] = [];
  const backward: number[] = [];
  for (let cluster = 0; cluster < clusters; cluster++) (minimumReturn[cluster] < maximumCall[cluster] ? forwardList : backward).push(cluster);
  // Forward zones must be pairwise disjoint: sorted by start, each ends before the next starts.
  const forward = Int32Array.from(forwardList).sort((a, b) => minimumReturn[a] - minimumReturn[b]);
  for (let index = 1; index < forward.length; index++) {
    if (minimumReturn[forward[index]] < maximumCall[forward[index - 1]]) {
      return { verdict: 'fail', culprits: [clusterValue[forward[index - 1]], clusterValue[forward[index]]] };
    }
  }
  // No backward zone [M, m] inside a forward zone (a, b): a < M and m < b. The forward
  // zones are disjoint and sorted, so only the last one starting before M can contain it.
  for (const zone of backward) {
    let low = 0;
    let high = forward.length - 1;
    let candidate = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (minimumReturn[forward[middle]] < maximumCall[zone]) {
        candidate = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (candidate >= 0 && minimumReturn[zone] < maximumCall[forward[candidate]] && clusterValue[forward[candidate]] !== clusterValue[zone]) {
      return { verdict: 'fail', culprits: [clusterValue[forward[candidate]], clusterValue[zone]] };
    }
  }
  return { verdict: 'pass', culprits: [] };
}

/** One register's operations column by column: what a hot key is checked from, with no object per operation. */
export interface RegisterColumns {
  readonly count: number;
  /** 1 for a write, 0 for a read. */
  readonly write: Uint8Array;
  readonly value: Float64Array;
  readonly call: Float64Array;
  /** Infinity for a write that never returned. */
  readonly returned: Float64Array;
}

function isColumns(operations: readonly RegisterOperation[] | RegisterColumns): operations is RegisterColumns {
  return !Array.isArray(operations);
}

export function columnsOf(operations: readonly RegisterOperation[]): RegisterColumns {
  const count = operations.length;
  const columns = { count, write: new Uint8Array(count), value: new Float64Array(count), call: new Float64Array(count), returned: new Float64Array(count) };
  operations.forEach((operation, index) => {
    columns.write[index] = operation.write ? 1 : 0;
    columns.value[index] = operation.value;
    columns.call[index] = operation.call;
    columns.returned[index] = operation.returned;
  });
  return columns;
}
