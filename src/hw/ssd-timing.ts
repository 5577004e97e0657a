/**
 * The SSDs' timing on the simulator, as FEMU models a drive: each SSD has parallel units
 * (dies) with a "busy until" clock; a command starts on the unit free first, at
 * max(arrival, unit free), and holds it for the read service or the write occupancy. A
 * write completes to the host earlier (the drive's buffer absorbs it) but keeps its unit
 * busy, so sustained write IOPS have the same cap as reads.
 */
import type { HardwareTiming } from './profile.js';

export class SsdTiming {
  private readonly unitsFreeAt: Float64Array[];

  constructor(private readonly profile: HardwareTiming, devices: number) {
    this.unitsFreeAt = Array.from({ length: devices }, () => new Float64Array(profile.ssdParallelUnits));
  }

  /** When a command of `blockCount` blocks reaching SSD `device` at `arrival` completes. */
  completion(device: number, write: boolean, blockCount: number, arrival: number): number {
    const units = this.unitsFreeAt[device];
    if (units === undefined) return arrival; // out-of-range device: applying the command reports the error
    let unit = 0;
    for (let candidate = 1; candidate < units.length; candidate++) if (units[candidate] < units[unit]) unit = candidate;
    const start = Math.max(arrival, units[unit]);
    const transfer = (Math.max(1, blockCount) - 1) * this.profile.ssdBlockTransferNs;
    if (write) {
      units[unit] = start + this.profile.ssdWriteOccupancyNs + transfer;
      return start + this.profile.ssdWriteNs + transfer;
    }
    units[unit] = start + this.profile.ssdReadNs + transfer;
    return units[unit];
  }
}
