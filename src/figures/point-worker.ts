/** A sweep's worker thread (piscina): runs the points it is handed, one at a time. */
import { type PointResult, type PointRun, runPoint } from './point.js';

export default async function pointWorker(point: PointRun): Promise<PointResult> {
  return runPoint(point);
}
