/**
 * The simulator's future events: a 4-ary min-heap ordered by (time, insertion sequence)
 * (half the depth of a binary heap; the four children share a cache line or two).
 * Ties in time are broken by insertion order, which makes a run a pure function of its
 * inputs and seed: no two events have the same (time, sequence), so any correct priority
 * queue pops them in the same order.
 *
 * Events live in a pool of typed arrays indexed by a handle; the heap holds (time,
 * sequence, handle) triples, so sifting moves three numbers per level, a tie is settled
 * without leaving the heap's arrays, and nothing is allocated.
 *
 * Pop, then push. Nearly every event schedules another (a client's next verb, a command's
 * completion), so `pop` leaves the event it removed at the root and the next `push` puts
 * its event there and sifts it down: one sift for the pair instead of two (moving the last
 * leaf to the root and sifting it down, then sifting the new event up). A `pop` with no
 * `push` since the last one removes the old root first.
 */
export class EventQueue {
  // The pool: an event's fields by handle.
  private kinds = new Int32Array(256);
  private targets = new Int32Array(256);
  private values = new Float64Array(256);
  private freeHandles = new Int32Array(256);
  private freeCount = 0;
  private handleCount = 0;
  // The heap: positions 0..heapSize-1, the root included while it is a popped event.
  private heapTimes = new Float64Array(256);
  private heapSequences = new Float64Array(256);
  private heapHandles = new Int32Array(256);
  private heapSize = 0;
  /** The root is the event the last `pop` returned (the next `push` replaces it). */
  private rootPopped = false;
  private nextSequence = 0;
  /** Events in the queue. */
  size = 0;

  /** Fields of the event the last `pop` removed. */
  time = 0;
  kind = 0;
  target = 0;
  value = 0;

  push(time: number, kind: number, target: number, value: number): void {
    const handle = this.freeCount > 0 ? this.freeHandles[--this.freeCount] : this.newHandle();
    this.kinds[handle] = kind;
    this.targets[handle] = target;
    this.values[handle] = value;
    const sequence = this.nextSequence++;
    this.size++;
    if (this.rootPopped) {
      this.rootPopped = false;
      this.siftDown(time, sequence, handle, this.heapSize);
      return;
    }
    if (this.heapSize === this.heapTimes.length) this.growHeap();
    const times = this.heapTimes;
    const sequences = this.heapSequences;
    const handles = this.heapHandles;
    let index = this.heapSize++;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const parentTime = times[parent];
      if (parentTime < time || (parentTime === time && sequences[parent] < sequence)) break;
      times[index] = parentTime;
      sequences[index] = sequences[parent];
      handles[index] = handles[parent];
      index = parent;
    }
    times[index] = time;
    sequences[index] = sequence;
    handles[index] = handle;
  }

  /** Removes the earliest event into `time`, `kind`, `target`, `value`. */
  pop(): void {
    if (this.size === 0) throw new Error('pop from an empty event queue');
    if (this.rootPopped) this.removeRoot();
    const top = this.heapHandles[0];
    this.time = this.heapTimes[0];
    this.kind = this.kinds[top];
    this.target = this.targets[top];
    this.value = this.values[top];
    this.freeHandles[this.freeCount++] = top;
    this.rootPopped = true;
    this.size--;
  }

  /**
   * Keeps only the events `keep` accepts, in the order they would have been popped (a DPU
   * restart drops every message on the wire and every step in the DPU).
   */
  retain(keep: (kind: number, target: number, value: number) => boolean): void {
    if (this.rootPopped) this.removeRoot();
    const kept: { time: number; sequence: number; kind: number; target: number; value: number }[] = [];
    for (let index = 0; index < this.heapSize; index++) {
      const handle = this.heapHandles[index];
      if (!keep(this.kinds[handle], this.targets[handle], this.values[handle])) continue;
      kept.push({ time: this.heapTimes[index], sequence: this.heapSequences[index], kind: this.kinds[handle], target: this.targets[handle], value: this.values[handle] });
    }
    kept.sort((a, b) => a.time - b.time || a.sequence - b.sequence);
    this.heapSize = 0;
    this.size = 0;
    this.freeCount = 0;
    this.handleCount = 0;
    // Pushed again in their order, they get new sequences in that order: ties still break alike.
    for (const event of kept) this.push(event.time, event.kind, event.target, event.value);
  }

  /** Takes the popped root out of the heap: the last leaf goes in its place. */
  private removeRoot(): void {
    this.rootPopped = false;
    const last = --this.heapSize;
    if (last > 0) this.siftDown(this.heapTimes[last], this.heapSequences[last], this.heapHandles[last], last);
  }

  /** Puts (time, sequence, handle) at the root of the heap's first `size` positions and sifts it down. */
  private siftDown(time: number, sequence: number, handle: number, size: number): void {
    const times = this.heapTimes;
    const sequences = this.heapSequences;
    const handles = this.heapHandles;
    let index = 0;
    for (;;) {
      const first = 4 * index + 1;
      if (first >= size) break;
      // The earliest of up to four children.
      let child = first;
      let childTime = times[first];
      const end = first + 4 < size ? first + 4 : size;
      for (let candidate = first + 1; candidate < end; candidate++) {
        const candidateTime = times[candidate];
        if (candidateTime < childTime || (candidateTime === childTime && sequences[candidate] < sequences[child])) {
          child = candidate;
          childTime = candidateTime;
        }
      }
      if (time < childTime || (time === childTime && sequence < sequences[child])) break;
      times[index] = childTime;
      sequences[index] = sequences[child];
      handles[index] = handles[child];
      index = child;
    }
    times[index] = time;
    sequences[index] = sequence;
    handles[index] = handle;
  }

  private newHandle(): number {
    if (this.handleCount === this.kinds.length) {
      const capacity = this.kinds.length * 2;
      const grow64 = (array: Float64Array) => { const next = new Float64Array(capacity); next.set(array); return next; };
      const grow32 = (array: Int32Array) => { const next = new Int32Array(capacity); next.set(array); return next; };
      this.values = grow64(this.values);
      this.kinds = grow32(this.kinds);
      this.targets = grow32(this.targets);
      this.freeHandles = grow32(this.freeHandles);
    }
    return this.handleCount++;
  }

  private growHeap(): void {
    const capacity = this.heapTimes.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.heapTimes);
    this.heapTimes = times;
    const sequences = new Float64Array(capacity);
    sequences.set(this.heapSequences);
    this.heapSequences = sequences;
    const handles = new Int32Array(capacity);
    handles.set(this.heapHandles);
    this.heapHandles = handles;
  }
}
