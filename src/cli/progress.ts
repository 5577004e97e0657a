/**
 * A progress line on stderr for long runs: shown only on a terminal (so piped and CI output
 * stays clean), only once a phase has taken a couple of seconds, redrawn at most 10 times a
 * second, and erased when the phase ends.
 */
import type { RunProgress } from '../engine/run.js';
import { integer } from './format.js';

/** A phase shorter than this shows no progress at all. */
const QUIET_FIRST_MS = 2000;
const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 24;

export interface ProgressLine {
  /** Pass to `run({ onProgress })`. */
  readonly update: (progress: RunProgress) => void;
  /** Erases the line (call when the run ends, also on error). */
  readonly done: () => void;
}

/** A progress line labelled `label`, or one that does nothing when stderr is not a terminal. */
export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (stream.isTTY !== true) return { update: () => {}, done: () => {} };
  let phaseStartedMs = performance.now();
  let phase = '';
  let lastDrawMs = 0;
  let drawn = false;
  const erase = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(progress: RunProgress) {
      const nowMs = performance.now();
      if (progress.phase !== phase) {
        phase = progress.phase;
        phaseStartedMs = nowMs;
      }
      if (nowMs - phaseStartedMs < QUIET_FIRST_MS || nowMs - lastDrawMs < REDRAW_EVERY_MS) return;
      lastDrawMs = nowMs;
      const byOperations = Number.isFinite(progress.operations) ? progress.completedOperations / progress.operations : 0;
      const byTime = Number.isFinite(progress.durationNs) ? progress.elapsedNs / progress.durationNs : 0;
      const fraction = Math.min(1, Math.max(byOperations, byTime));
      const filled = Math.round(fraction * BAR_WIDTH);
      const count = Number.isFinite(progress.operations)
        ? `${integer(progress.completedOperations)}/${integer(progress.operations)} ops`
        : `${integer(progress.completedOperations)} ops`;
      const elapsedSeconds = ((nowMs - phaseStartedMs) / 1000).toFixed(0);
      const remaining = fraction > 0.01 ? `, ~${(((nowMs - phaseStartedMs) / 1000) * (1 - fraction) / fraction).toFixed(0)} s left` : '';
      const line = `${label} ${phase} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0)}% ${count}, ${elapsedSeconds} s${remaining}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      drawn = true;
    },
    done: erase,
  };
}
