/**
 * When the NIC is done with the atomics queued on each address (the simulator's per-address
 * atomic queues): an open-addressing hash table in typed arrays.
 *
 * Why not a Map: an atomic runs on every cache miss, and a Map keyed by addresses above
 * 2^30 boxes every key it stores or looks up (they are not small integers), so each atomic
 * allocated and hashed a heap number.
 *
 * An address whose atomics are all done by the current time delays nothing from then on
 * (an atomic reaches its address at or after the current time), so its entry counts as free:
 * a new address may take it over. Lookups probe past such entries, as they do past busy ones,
 * and stop only at a slot never used; when the slots ever used pass half the table, it is
 * rebuilt with only the entries still busy (and doubled if those fill a quarter of it).
 */
export class AtomicClocks {
  /** Address + 1 of each slot's entry (0: never used since the last rebuild). */
  private keys = new Float64Array(1024);
  /** When the atomics queued on that address are done. */
  private freeAtNs = new Float64Array(1024);
  /** Slots taken since the last rebuild (busy or not). */
  private usedSlots = 0;

  /**
   * When an atomic on `address` that reached it at `timeNs` is done, given that atomics on
   * one address run one at a time, each `serialNs` long; `nowNs` is the current time (no
   * atomic reaches an address before it).
   */
  served(address: number, timeNs: number, serialNs: number, nowNs: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    const key = address + 1;
    let reusable = -1;
    let slot = this.slotOf(address, mask);
    for (;;) {
      const slotKey = keys[slot];
      if (slotKey === key) {
        const done = Math.max(timeNs, this.freeAtNs[slot]) + serialNs;
        this.freeAtNs[slot] = done;
        return done;
      }
      if (slotKey === 0) break;
      if (reusable < 0 && this.freeAtNs[slot] <= nowNs) reusable = slot;
      slot = (slot + 1) & mask;
    }
    // An address with no atomic under way: its atomic starts when it arrives.
    const done = Math.max(timeNs, 0) + serialNs;
    if (reusable < 0) {
      reusable = slot;
      this.usedSlots++;
    }
    keys[reusable] = key;
    this.freeAtNs[reusable] = done;
    if (2 * this.usedSlots > keys.length) this.rebuild(nowNs);
    return done;
  }

  /** Keeps only the entries still busy after `nowNs`, in a table at most half full of them. */
  private rebuild(nowNs: number): void {
    const oldKeys = this.keys;
    const oldFreeAtNs = this.freeAtNs;
    let busy = 0;
    for (let slot = 0; slot < oldKeys.length; slot++) if (oldKeys[slot] !== 0 && oldFreeAtNs[slot] > nowNs) busy++;
    const capacity = 4 * busy > oldKeys.length ? 2 * oldKeys.length : oldKeys.length;
    this.keys = new Float64Array(capacity);
    this.freeAtNs = new Float64Array(capacity);
    this.usedSlots = 0;
    const mask = capacity - 1;
    for (let old = 0; old < oldKeys.length; old++) {
      if (oldKeys[old] === 0 || oldFreeAtNs[old] <= nowNs) continue;
      let slot = this.slotOf(oldKeys[old] - 1, mask);
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = oldKeys[old];
      this.freeAtNs[slot] = oldFreeAtNs[old];
      this.usedSlots++;
    }
  }

  /** The home slot of an address (atomics are on 8-byte words below 4 GiB: hash the word's number). */
  private slotOf(address: number, mask: number): number {
    const hash = Math.imul(address >>> 3, 0x9e3779b1);
    return (hash ^ (hash >>> 16)) & mask;
  }
}
