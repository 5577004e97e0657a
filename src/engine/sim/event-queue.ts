/**
 * The simulator's future events: a 4-ary min-heap ordered by (time, insertion sequence)
 * (half the depth of a binary heap; the four children share a cache line or two).
 * Ties in time are broken by insertion order, which makes a run a pure function of its
 * inputs and seed.
 *
 * Events live in a pool of typed arrays indexed by a handle; the heap itself holds only
 * (time, handle) pairs, so sifting moves two numbers per level and nothing is allocated.
 */
export class EventQueue {
  // The pool: an event's fields by handle.
  private sequences = new Float64Array(256);
  private kinds = new Int32Array(256);
  private targets = new Int32Array(256);
  private values = new Float64Array(256);
  private freeHandles = new Int32Array(256);
  private freeCount = 0;
  private handleCount = 0;
  // The heap: positions 0..size-1.
  private heapTimes = new Float64Array(256);
  private heapHandles = new Int32Array(256);
  private nextSequence = 0;
  size = 0;

  /** Fields of the event the last `pop` removed. */
  time = 0;
  kind = 0;
  target = 0;
  value = 0;

  push(time: number, kind: number, target: number, value: number): void {
    const handle = this.freeCount > 0 ? this.freeHandles[--this.freeCount] : this.newHandle();
    this.sequences[handle] = this.nextSequence++;
    this.kinds[handle] = kind;
    this.targets[handle] = target;
    this.values[handle] = value;
    if (this.size === this.heapTimes.length) this.growHeap();
    const times = this.heapTimes;
    const handles = this.heapHandles;
    const sequence = this.sequences[handle];
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const parentTime = times[parent];
      if (parentTime < time || (parentTime === time && this.sequences[handles[parent]] < sequence)) break;
      times[index] = parentTime;
      handles[index] = handles[parent];
      index = parent;
    }
    times[index] = time;
    handles[index] = handle;
  }

  /** Removes the earliest event into `time`, `kind`, `target`, `value`. */
  pop(): void {
    if (this.size === 0) throw new Error('pop from an empty event queue');
    const times = this.heapTimes;
    const handles = this.heapHandles;
    const top = handles[0];
    this.time = times[0];
    this.kind = this.kinds[top];
    this.target = this.targets[top];
    this.value = this.values[top];
    this.freeHandles[this.freeCount++] = top;
    const last = --this.size;
    if (last === 0) return;
    const time = times[last];
    const handle = handles[last];
    const sequence = this.sequences[handle];
    let index = 0;
    for (;;) {
      const first = 4 * index + 1;
      if (first >= last) break;
      // The earliest of up to four children.
      let child = first;
      let childTime = times[first];
      const end = first + 4 < last ? first + 4 : last;
      for (let candidate = first + 1; candidate < end; candidate++) {
        const candidateTime = times[candidate];
        if (candidateTime < childTime || (candidateTime === childTime && this.sequences[handles[candidate]] < this.sequences[handles[child]])) {
          child = candidate;
          childTime = candidateTime;
        }
      }
      if (time < childTime || (time === childTime && sequence < this.sequences[handles[child]])) break;
      times[index] = childTime;
      handles[index] = handles[child];
      index = child;
    }
    times[index] = time;
    handles[index] = handle;
  }

  /**
   * Keeps only the events `keep` accepts, in the order they would have been popped (a DPU
   * restart drops every message on the wire and every step in the DPU).
   */
  retain(keep: (kind: number, target: number, value: number) => boolean): void {
    const kept: { time: number; sequence: number; kind: number; target: number; value: number }[] = [];
    for (let index = 0; index < this.size; index++) {
      const handle = this.heapHandles[index];
      if (!keep(this.kinds[handle], this.targets[handle], this.values[handle])) continue;
      kept.push({ time: this.heapTimes[index], sequence: this.sequences[handle], kind: this.kinds[handle], target: this.targets[handle], value: this.values[handle] });
    }
    kept.sort((a, b) => a.time - b.time || a.sequence - b.sequence);
    this.size = 0;
    this.freeCount = 0;
    this.handleCount = 0;
    for (const event of kept) this.push(event.time, event.kind, event.target, event.value);
  }

  private newHandle(): number {
    if (this.handleCount === this.kinds.length) {
      const capacity = this.kinds.length * 2;
      const grow64 = (array: Float64Array) => { const next = new Float64Array(capacity); next.set(array); return next; };
      const grow32 = (array: Int32Array) => { const next = new Int32Array(capacity); next.set(array); return next; };
      this.sequences = grow64(this.sequences);
      this.values = grow64(this.values);
      this.kinds = grow32(this.kinds);
      this.targets = grow32(this.targets);
      this.freeHandles = grow32(this.freeHandles);
    }
    return this.handleCount++;
  }

  private growHeap(): void {
    const times = new Float64Array(this.heapTimes.length * 2);
    times.set(this.heapTimes);
    this.heapTimes = times;
    const handles = new Int32Array(this.heapHandles.length * 2);
    handles.set(this.heapHandles);
    this.heapHandles = handles;
  }
}
