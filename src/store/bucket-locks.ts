/**
 * Per-bucket locks on a DPU core. A write reads a bucket chain, changes it and appends the
 * new version; two writes of one bucket interleaving on a core would lose one of them. All
 * writes of a device run on its one core, so a lock is a core-local map, not shared memory.
 * Waiters are served first come, first served; the lock passes directly to the next waiter.
 */
import type { Verb } from '../hw/verbs.js';

/**
 * A machine that can wait on a DPU core: it yields `park()` and is resumed by `wake()`.
 * Waking a machine that is not parked (it timed out and is about to run) does nothing.
 */
export interface Parkable {
  park(timeoutNs?: number): Verb;
  wake(): void;
}

export class BucketLocks {
  private readonly waiting = new Map<number, Parkable[]>();

  /** Takes the lock of `bucketId`, waiting behind earlier holders. */
  *acquire(machine: Parkable, bucketId: number): Generator<Verb, void, number> {
    const queue = this.waiting.get(bucketId);
    if (queue === undefined) {
      this.waiting.set(bucketId, []);
      return;
    }
    queue.push(machine);
    yield machine.park();
  }

  /** True if someone holds the lock of `bucketId`. */
  isHeld(bucketId: number): boolean {
    return this.waiting.has(bucketId);
  }

  release(bucketId: number): void {
    const queue = this.waiting.get(bucketId);
    if (queue === undefined) throw new Error(`releasing bucket ${bucketId}, which is not locked`);
    const next = queue.shift();
    if (next === undefined) this.waiting.delete(bucketId);
    else next.wake();
  }

  get heldCount(): number {
    return this.waiting.size;
  }
}
