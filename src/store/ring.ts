/**
 * A circular log of blocks on one SSD: appended at its head, reclaimed at its tail. Head and
 * tail are positions that only grow (kept in DPU DRAM); position p is block
 * `start + p mod capacity`. An append is contiguous on the device: if it would run past the
 * end of the ring it starts at the ring's beginning, and the skipped blocks count as used
 * until the tail passes them.
 */
import { ScalioError } from '../errors.js';
import type { StoreState } from './geometry.js';

export class RingLog {
  constructor(
    private readonly state: StoreState,
    private readonly device: number,
    private readonly headField: number,
    private readonly tailField: number,
    /** First block of the ring on the device. */
    readonly start: number,
    /** Blocks in the ring. */
    readonly capacity: number,
  ) {}

  get head(): number {
    return this.state.get(this.device, this.headField);
  }

  get tail(): number {
    return this.state.get(this.device, this.tailField);
  }

  get used(): number {
    return this.head - this.tail;
  }

  get free(): number {
    return this.capacity - this.used;
  }

  blockOf(position: number): number {
    return this.start + (position % this.capacity);
  }

  /** Blocks an append of `blocks` at the current head consumes, counting a skip to the ring's start. */
  cost(blocks: number): number {
    const offset = this.head % this.capacity;
    return offset + blocks > this.capacity ? this.capacity - offset + blocks : blocks;
  }

  /** Most blocks an append of `blocks` can ever consume, wherever the head is. */
  static worstCost(blocks: number): number {
    return blocks > 0 ? 2 * blocks - 1 : 0;
  }

  /** Appends `blocks` contiguous blocks at the head; returns the position of the first. */
  allocate(blocks: number): number {
    if (blocks < 1 || blocks > this.capacity) throw new ScalioError(`an append of ${blocks} blocks cannot fit a log of ${this.capacity}`);
    const cost = this.cost(blocks);
    if (cost > this.free) throw new Error(`log of SSD ${this.device} has ${this.free} free blocks, an append needs ${cost}: a caller skipped its reservation`);
    const head = this.head + cost - blocks;
    this.state.set(this.device, this.headField, head + blocks);
    return head;
  }

  /** Releases blocks at the tail (after garbage collection moved what was live in them). */
  advanceTail(blocks: number): void {
    if (blocks < 0 || blocks > this.used) throw new Error(`advancing the tail of a log by ${blocks} of ${this.used} used blocks`);
    this.state.set(this.device, this.tailField, this.tail + blocks);
  }

  /** Blocks from `position` to the end of the ring (a read or append cannot go past it). */
  blocksToRingEnd(position: number): number {
    return this.capacity - (position % this.capacity);
  }
}
