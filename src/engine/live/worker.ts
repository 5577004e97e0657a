/**
 * The piscina worker entry of the live engine: one long task per thread, either a client
 * thread or a DPU-core thread. Errors are returned as data rather than thrown, so that their
 * class (a user's ConfigError, a ProtocolError) survives the trip to the main thread.
 */
import { type ClientThreadResult, type CoreThreadResult, type FailedTask, type LiveTask, failure } from './protocol.js';
import { runClientThread } from './client-thread.js';
import { runCoreThread } from './core-thread.js';
import { Control } from './protocol.js';
import { ControlWord } from '../cluster.js';

export default function liveTask(task: LiveTask): ClientThreadResult | CoreThreadResult | FailedTask {
  try {
    return task.role === 'client' ? runClientThread(task) : runCoreThread(task);
  } catch (error) {
    // Tell every other thread to give up instead of waiting for this one.
    new Control(task.spec).store(ControlWord.failed, 1);
    return failure(error);
  }
}
