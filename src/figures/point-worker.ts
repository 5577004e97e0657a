/** A sweep's worker thread (piscina): runs the points it is handed, one at a time. */
import { ScalioError } from '../errors.js';
import { type PointResult, type PointRun, runPoint } from './point.js';

/**
 * A point the model refused (a configuration it cannot build, a full store): an error the
 * user can act on. Returned, not thrown: an error's class does not survive the trip from a
 * worker thread, and the command line tells user errors (exit 2) from bugs (exit 70) by it.
 */
export interface PointRefused {
  readonly refused: string;
}

export default async function pointWorker(point: PointRun): Promise<PointResult | PointRefused> {
  try {
    return await runPoint(point);
  } catch (error) {
    if (error instanceof ScalioError) return { refused: error.message };
    throw error;
  }
}
