/**
 * The simulator's future events, popped in order of (time, insertion sequence). Ties in
 * time are broken by insertion order, which makes a run a pure function of its inputs and
 * seed: no two events have the same (time, sequence), so any correct priority queue pops
 * them in the same order, and the structure below changes speed, never results.
 *
 * A calendar queue (Brown, CACM 1988) in front of a heap. Time is cut into days of
 * `dayNs`; the `DAYS` days from the current one each have a bucket, a list of its events
 * sorted by (time, sequence). Pushing an event into the calendar walks its day's list (a
 * few events at most; an event at or after the list's last is appended at once); popping
 * takes the head of the first day with events, so both cost about the same whatever the
 * number of events waiting. Events beyond the calendar's days (or, which the simulator
 * never does, before the current day) go to a 4-ary min-heap; a pop takes the earlier of
 * the calendar's first event and the heap's.
 *
 * The day length follows the simulation: every so many pops it is set to about the mean
 * time between popped events (so a day holds an event or two), and the calendar is
 * rebuilt when it changed by more than half. Events live in a pool of typed arrays indexed
 * by a handle; nothing is allocated per event.
 */
export class EventQueue {
  // The pool: an event's fields by handle, and the next event of its day (-1: none).
  private times = new Float64Array(256);
  private sequences = new Float64Array(256);
  private kinds = new Int32Array(256);
  private targets = new Int32Array(256);
  private values = new Float64Array(256);
  private nexts = new Int32Array(256);
  private freeHandles = new Int32Array(256);
  private freeCount = 0;
  private handleCount = 0;
  private nextSequence = 0;

  // The calendar: first and last event of each day's list (-1: empty), by day modulo DAYS.
  private readonly heads = new Int32Array(DAYS).fill(-1);
  private readonly tails = new Int32Array(DAYS).fill(-1);
  private dayNs = INITIAL_DAY_NS;
  /** 1 / dayNs: an event's day is floor(time × daysPerNs), a multiplication being cheaper than a division (and as monotone). */
  private daysPerNs = 1 / INITIAL_DAY_NS;
  /** The current day (a whole number) and its bucket; no calendar event is earlier. */
  private day = 0;
  private daySlot = 0;
  private calendarEvents = 0;

  // The heap of the events outside the calendar: (time, sequence, handle) by position.
  private heapTimes = new Float64Array(64);
  private heapSequences = new Float64Array(64);
  private heapHandles = new Int32Array(64);
  private heapSize = 0;

  // Day length tuning: pops in this window, and the time of its first.
  private popsSinceTuning = 0;
  private tunedAtNs = 0;

  /** Events in the queue. */
  size = 0;

  /** Fields of the event the last `pop` removed. */
  time = 0;
  kind = 0;
  target = 0;
  value = 0;

  /** @param tuneEveryPops pops between two settings of the day length (small in tests, to exercise rebuilds) */
  constructor(private readonly tuneEveryPops = TUNE_EVERY_POPS) {}

  push(time: number, kind: number, target: number, value: number): void {
    // NaN compares false both ways and would break the order silently.
    if (Number.isNaN(time)) throw new Error(`an event (kind ${kind}) was scheduled at time NaN`);
    const handle = this.freeCount > 0 ? this.freeHandles[--this.freeCount] : this.newHandle();
    this.times[handle] = time;
    this.sequences[handle] = this.nextSequence++;
    this.kinds[handle] = kind;
    this.targets[handle] = target;
    this.values[handle] = value;
    this.size++;
    this.place(handle);
  }

  /** Removes the earliest event into `time`, `kind`, `target`, `value`. */
  pop(): void {
    if (this.size === 0) throw new Error('pop from an empty event queue');
    let handle = -1;
    if (this.calendarEvents > 0) {
      // The first day with events (the calendar holds some, so one of the next DAYS has).
      let slot = this.daySlot;
      for (let daysSkipped = 0; this.heads[slot] < 0; daysSkipped++) {
        // Bounded: a calendar that counts events but holds none would otherwise spin forever.
        if (daysSkipped === DAYS) throw new Error(`the event queue's calendar counts ${this.calendarEvents} events but none of its days holds one`);
        slot = (slot + 1) & DAY_MASK;
        this.day++;
      }
      this.daySlot = slot;
      handle = this.heads[slot];
      if (this.heapSize > 0 && this.heapFirst(handle)) {
        handle = this.heapPop();
      } else {
        const next = this.nexts[handle];
        this.heads[slot] = next;
        if (next < 0) this.tails[slot] = -1;
        this.calendarEvents--;
      }
    } else {
      handle = this.heapPop();
      // The calendar is empty: start it again at this event's day.
      this.day = this.dayOf(this.times[handle]);
      this.daySlot = 0;
    }
    this.time = this.times[handle];
    this.kind = this.kinds[handle];
    this.target = this.targets[handle];
    this.value = this.values[handle];
    this.freeHandles[this.freeCount++] = handle;
    this.size--;
    // A tuning window starts at its first pop (the first phase may start late in virtual time).
    if (this.popsSinceTuning === 0) this.tunedAtNs = this.time;
    if (++this.popsSinceTuning === this.tuneEveryPops) this.tune();
  }

  /**
   * Keeps only the events `keep` accepts, in the order they would have been popped (a DPU
   * restart drops every message on the wire and every step in the DPU).
   */
  retain(keep: (kind: number, target: number, value: number) => boolean): void {
    const kept = this.drain().filter((handle) => keep(this.kinds[handle], this.targets[handle], this.values[handle]));
    const events = kept.map((handle) => ({ time: this.times[handle], kind: this.kinds[handle], target: this.targets[handle], value: this.values[handle] }));
    this.size = 0;
    this.freeCount = 0;
    this.handleCount = 0;
    // Pushed again in their order, they get new sequences in that order: ties still break alike.
    for (const event of events) this.push(event.time, event.kind, event.target, event.value);
  }

  /** Files an event (its fields set) in its day's list, or in the heap if its day is outside the calendar. */
  private place(handle: number): void {
    const time = this.times[handle];
    const ahead = this.dayOf(time) - this.day;
    if (!(ahead >= 0 && ahead < DAYS)) {
      this.heapPush(handle);
      return;
    }
    const slot = (this.daySlot + ahead) & DAY_MASK;
    this.calendarEvents++;
    const tail = this.tails[slot];
    // Its sequence is the largest yet: it goes after every event of its day at or before its time.
    if (tail < 0 || this.times[tail] <= time) {
      this.nexts[handle] = -1;
      if (tail < 0) this.heads[slot] = handle;
      else this.nexts[tail] = handle;
      this.tails[slot] = handle;
      return;
    }
    let previous = -1;
    let at = this.heads[slot];
    while (this.times[at] <= time) {
      previous = at;
      at = this.nexts[at];
    }
    this.nexts[handle] = at;
    if (previous < 0) this.heads[slot] = handle;
    else this.nexts[previous] = handle;
  }

  /**
   * Sets the day length to about the mean time between the last pops (two pops a day), and
   * refiles every event if it moved by more than half. Which day holds an event changes
   * only how fast it is found, never the order.
   */
  private tune(): void {
    const meanGapNs = (this.time - this.tunedAtNs) / (this.popsSinceTuning - 1);
    this.popsSinceTuning = 0;
    const dayNs = Math.min(Math.max(2 * meanGapNs, DAY_NS_MIN), DAY_NS_MAX);
    if (dayNs > this.dayNs * 0.5 && dayNs < this.dayNs * 1.5) return;
    const handles = this.drain();
    this.dayNs = dayNs;
    this.daysPerNs = 1 / dayNs;
    this.day = this.dayOf(this.time);
    this.daySlot = 0;
    for (const handle of handles) this.place(handle);
  }

  /** The day of a time: a whole number, never smaller for a later time. */
  private dayOf(time: number): number {
    return Math.floor(time * this.daysPerNs);
  }

  /** Empties the calendar and the heap; returns their events' handles in pop order (fields intact). */
  private drain(): number[] {
    const handles: number[] = [];
    for (let slot = 0; slot < DAYS; slot++) {
      for (let at = this.heads[slot]; at >= 0; at = this.nexts[at]) handles.push(at);
    }
    for (let index = 0; index < this.heapSize; index++) handles.push(this.heapHandles[index]);
    handles.sort((a, b) => this.times[a] - this.times[b] || this.sequences[a] - this.sequences[b]);
    this.heads.fill(-1);
    this.tails.fill(-1);
    this.calendarEvents = 0;
    this.heapSize = 0;
    return handles;
  }

  /** Whether the heap's first event comes before the calendar event `handle`. */
  private heapFirst(handle: number): boolean {
    const heapTime = this.heapTimes[0];
    const time = this.times[handle];
    return heapTime < time || (heapTime === time && this.heapSequences[0] < this.sequences[handle]);
  }

  private heapPush(handle: number): void {
    if (this.heapSize === this.heapTimes.length) this.growHeap();
    const time = this.times[handle];
    const sequence = this.sequences[handle];
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

  /** Removes the heap's first event; returns its handle. */
  private heapPop(): number {
    const times = this.heapTimes;
    const sequences = this.heapSequences;
    const handles = this.heapHandles;
    const top = handles[0];
    const last = --this.heapSize;
    if (last === 0) return top;
    const time = times[last];
    const sequence = sequences[last];
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
    handles[index] = handles[last];
    return top;
  }

  private newHandle(): number {
    if (this.handleCount === this.kinds.length) {
      const capacity = this.kinds.length * 2;
      const grow64 = (array: Float64Array) => { const next = new Float64Array(capacity); next.set(array); return next; };
      const grow32 = (array: Int32Array) => { const next = new Int32Array(capacity); next.set(array); return next; };
      this.times = grow64(this.times);
      this.sequences = grow64(this.sequences);
      this.values = grow64(this.values);
      this.kinds = grow32(this.kinds);
      this.targets = grow32(this.targets);
      this.nexts = grow32(this.nexts);
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

/** Days in the calendar (a power of two): enough to cover an SSD read at the tuned day length. */
const DAYS = 4096;
const DAY_MASK = DAYS - 1;
/** The day length before the first tuning, and its bounds. */
const INITIAL_DAY_NS = 100;
const DAY_NS_MIN = 1e-3;
const DAY_NS_MAX = 1e9;
/** Pops between two settings of the day length. */
const TUNE_EVERY_POPS = 1 << 15;
