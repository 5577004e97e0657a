/**
 * The SSDs' timing on the simulator, as FEMU models a drive: each SSD has parallel units
 * (dies) with a "busy until" clock; a command starts on the unit free first, at
 * max(arrival, unit free), and holds it for the read service or the write occupancy. A
 * write completes to the host earlier (the drive's buffer absorbs it) but keeps its unit
 * busy, so sustained write IOPS have the same cap as reads.
 *
 * Which of several equally free units a command takes changes nothing (they are alike), so
 * each SSD keeps only its units' clocks, as a binary min-heap: the unit free first is at the
 * root, and a command moves its clock and sifts it down (5 levels for 32 units, instead of
 * scanning all 32 clocks per command).
 */
import type { HardwareTiming } from './profile.js';

export class SsdTiming {
  /** Each device's units' "free at" clocks, a min-heap per device: device d's at [d·units, (d+1)·units). */
  private readonly unitsFreeAtNs: Float64Array;
  private readonly units: number;

  constructor(private readonly profile: HardwareTiming, private readonly devices: number) {
    this.units = profile.ssdParallelUnits;
    this.unitsFreeAtNs = new Float64Array(devices * this.units);
  }

  /** When a command of `blockCount` blocks reaching SSD `device` at `arrival` completes. */
  completion(device: number, write: boolean, blockCount: number, arrival: number): number {
    if (!(device >= 0 && device < this.devices && Number.isInteger(device))) return arrival; // out-of-range device: applying the command reports the error
    const profile = this.profile;
    const base = device * this.units;
    const start = Math.max(arrival, this.unitsFreeAtNs[base]);
    const transfer = (Math.max(1, blockCount) - 1) * profile.ssdBlockTransferNs;
    if (write) {
      this.occupyFirstUnit(base, start + profile.ssdWriteOccupancyNs + transfer);
      return start + profile.ssdWriteNs + transfer;
    }
    const done = start + profile.ssdReadNs + transfer;
    this.occupyFirstUnit(base, done);
    return done;
  }

  /** Sets the clock of the device's unit free first (the heap's root at `base`) to `freeAtNs`, and restores the heap. */
  private occupyFirstUnit(base: number, freeAtNs: number): void {
    const clocks = this.unitsFreeAtNs;
    const units = this.units;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= units) break;
      if (child + 1 < units && clocks[base + child + 1] < clocks[base + child]) child++;
      if (freeAtNs <= clocks[base + child]) break;
      clocks[base + index] = clocks[base + child];
      index = child;
    }
    clocks[base + index] = freeAtNs;
  }
}
