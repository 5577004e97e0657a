/**
 * The simulator's future events: a binary min-heap on (time, insertion sequence), kept in
 * parallel typed arrays so that scheduling allocates nothing. Ties in time are broken by
 * insertion order, which makes a run a pure function of its inputs and seed.
 */
export class EventQueue {
  private times = new Float64Array(1024);
  private sequences = new Float64Array(1024);
  private kinds = new Int32Array(1024);
  private targets = new Int32Array(1024);
  private values = new Float64Array(1024);
  private nextSequence = 0;
  size = 0;

  /** Fields of the event the last `pop` removed. */
  time = 0;
  kind = 0;
  target = 0;
  value = 0;

  push(time: number, kind: number, target: number, value: number): void {
    if (this.size === this.times.length) this.grow();
    let index = this.size++;
    const sequence = this.nextSequence++;
    // Sift up: move parents down until the new event's place is found.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = this.times[parent];
      if (parentTime < time || (parentTime === time && this.sequences[parent] < sequence)) break;
      this.move(parent, index);
      index = parent;
    }
    this.times[index] = time;
    this.sequences[index] = sequence;
    this.kinds[index] = kind;
    this.targets[index] = target;
    this.values[index] = value;
  }

  /** Removes the earliest event into `time`, `kind`, `target`, `value`. */
  pop(): void {
    if (this.size === 0) throw new Error('pop from an empty event queue');
    this.time = this.times[0];
    this.kind = this.kinds[0];
    this.target = this.targets[0];
    this.value = this.values[0];
    const last = --this.size;
    if (last === 0) return;
    const time = this.times[last];
    const sequence = this.sequences[last];
    const kind = this.kinds[last];
    const target = this.targets[last];
    const value = this.values[last];
    let index = 0;
    // Sift down the last event from the root.
    while (true) {
      let child = 2 * index + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (this.times[right] < this.times[child] || (this.times[right] === this.times[child] && this.sequences[right] < this.sequences[child]))) {
        child = right;
      }
      if (time < this.times[child] || (time === this.times[child] && sequence < this.sequences[child])) break;
      this.move(child, index);
      index = child;
    }
    this.times[index] = time;
    this.sequences[index] = sequence;
    this.kinds[index] = kind;
    this.targets[index] = target;
    this.values[index] = value;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.sequences[to] = this.sequences[from];
    this.kinds[to] = this.kinds[from];
    this.targets[to] = this.targets[from];
    this.values[to] = this.values[from];
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const grow64 = (array: Float64Array) => { const next = new Float64Array(capacity); next.set(array); return next; };
    const grow32 = (array: Int32Array) => { const next = new Int32Array(capacity); next.set(array); return next; };
    this.times = grow64(this.times);
    this.sequences = grow64(this.sequences);
    this.values = grow64(this.values);
    this.kinds = grow32(this.kinds);
    this.targets = grow32(this.targets);
  }
}
