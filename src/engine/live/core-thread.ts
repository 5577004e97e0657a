/**
 * A live DPU-core thread: polls its RPC ring, runs a handler machine per request (up to
 * `handlersPerCore` at once), answers into the client's response area and rings the
 * client thread's doorbell. NVMe commands take effect at once; a handler that waits (for a
 * bucket lock, a batch, a time) is parked while the core serves others. When idle it sleeps
 * on its ring's doorbell, so idle cores leave the machine's CPUs to the clients.
 */
import { CoreCounter } from '../../hw/counters.js';
import type { Verb } from '../../hw/verbs.js';
import { VerbKind, VERB_NAMES } from '../../hw/verbs.js';
import { HandlerContext } from '../../systems/context.js';
import { ScalioError } from '../../errors.js';
import { ControlWord, attachThread } from '../cluster.js';
import { type CoreThreadResult, type CoreThreadTask, Control, sharedClock, threadOfClient } from './protocol.js';

/** Empty polls before the core sleeps on its doorbell. */
export const IDLE_SPINS_BEFORE_SLEEP = 256;
/** Longest doorbell sleep: bounds how late the stop flag is noticed. */
export const IDLE_SLEEP_MS = 1;

export function runCoreThread(task: CoreThreadTask): CoreThreadResult {
  const { spec, core, clientThreads } = task;
  const clock = sharedClock(task.timeOriginMs);
  let nowNs = clock();
  const node = attachThread(spec, () => nowNs);
  const control = new Control(spec);
  const server = node.coreServer(core);
  const perCore = spec.layout.handlersPerCore;
  const handlers: HandlerContext[] = [];
  const machines: (Generator<Verb, number, number> | null)[] = [];
  const inputs = new Float64Array(perCore);
  /** When a parked or sleeping handler's time runs out (infinity: no limit). */
  const deadlines = new Float64Array(perCore).fill(Number.POSITIVE_INFINITY);
  const parked = new Uint8Array(perCore);
  const responded = new Uint8Array(perCore);
  const runnable: number[] = [];
  const free: number[] = [];
  let waiting = 0;
  for (let slot = 0; slot < perCore; slot++) {
    const handler = new HandlerContext(server, slot, node.services);
    handler.wake = () => {
      // Waking a handler that is not parked (its time ran out, it is about to run) does nothing.
      if (parked[slot] === 0) return;
      parked[slot] = 0;
      deadlines[slot] = Number.POSITIVE_INFINITY;
      waiting--;
      inputs[slot] = 1;
      runnable.push(slot);
    };
    handlers.push(handler);
    machines.push(null);
    free.push(perCore - 1 - slot);
  }

  const respond = (handler: HandlerContext, length: number) => {
    node.transport.respond(handler.client, handler.arena.response, length);
    control.ringClientThread(threadOfClient(handler.client, clientThreads));
    node.counters.addCore(core, CoreCounter.rpcsHandled);
  };

  /**
   * Before each NVMe write when a crash is planned: false if the DPU is dead (this thread
   * must stop at once); the thread reaching the planned write tears it, raises the flag
   * and stops too.
   */
  const crash = task.crash;
  const words = control.words;
  const survives = (verb: Verb): boolean => {
    if (crash === null) return true;
    if (Atomics.load(words, control.index(ControlWord.crashed)) !== 0) return false;
    const writes = Atomics.add(words, control.index(ControlWord.coreWrites), 1) + 1;
    if (writes < crash.afterCoreWrites) return true;
    if (writes === crash.afterCoreWrites && crash.tearWrites && verb.blockCount > 1) {
      const blocks = Math.floor(crash.afterCoreWrites * 2654435761 + spec.layout.config.seed) % verb.blockCount;
      if (blocks > 0) node.hardware.ssds.write(verb.device, verb.block, blocks, node.services.bytes, verb.localAddress);
    }
    control.store(ControlWord.crashed, 1);
    return false;
  };

  if (!control.arriveAndWaitForStart()) return { counters: node.counters.values };
  let idle = 0;
  // Core 0 runs the system's periodic work (Scalio: the cache epoch and the lease sweep).
  const housekeeping = core === 0 ? node.machines.housekeeping : undefined;
  let housekeepingDueNs = housekeeping === undefined ? Number.POSITIVE_INFINITY : clock() + housekeeping.intervalNs;
  while (control.load(ControlWord.stop) === 0 && control.load(ControlWord.crashed) === 0) {
    nowNs = clock();
    let worked = false;
    if (housekeeping !== undefined && nowNs >= housekeepingDueNs) {
      // Not counted as work: an idle core goes back to sleep after it instead of spinning
      // for RPCs that its doorbell would announce anyway (it wakes for the next period).
      housekeeping.run();
      housekeepingDueNs = nowNs + housekeeping.intervalNs;
    }
    while (free.length > 0) {
      const client = node.transport.take(core);
      if (client < 0) break;
      const slot = free.pop() as number;
      const handler = handlers[slot];
      handler.client = client;
      handler.requestAddress = node.transport.requestSlot(client);
      machines[slot] = node.machines.handle(handler);
      inputs[slot] = 0;
      runnable.push(slot);
    }
    let nearestDeadline = Number.POSITIVE_INFINITY;
    if (waiting > 0) {
      for (let slot = 0; slot < perCore; slot++) {
        if (parked[slot] === 0) continue;
        if (deadlines[slot] <= nowNs) {
          parked[slot] = 0;
          deadlines[slot] = Number.POSITIVE_INFINITY;
          waiting--;
          inputs[slot] = 0;
          runnable.push(slot);
        } else if (deadlines[slot] < nearestDeadline) {
          nearestDeadline = deadlines[slot];
        }
      }
    }
    while (runnable.length > 0) {
      worked = true;
      const slot = runnable.shift() as number;
      const handler = handlers[slot];
      const machine = machines[slot];
      if (machine === null) throw new Error(`DPU core ${core}: handler ${slot} woken with nothing to run`);
      const busyStartNs = clock();
      nowNs = busyStartNs;
      let value = inputs[slot];
      for (;;) {
        const step = machine.next(value);
        if (step.done === true) {
          if (responded[slot] === 0) respond(handler, step.value);
          responded[slot] = 0;
          machines[slot] = null;
          handler.client = -1;
          free.push(slot);
          break;
        }
        const verb = step.value;
        if (verb.kind === VerbKind.nvmeRead || verb.kind === VerbKind.nvmeWrite || verb.kind === VerbKind.nvmeReadBatch) {
          if (verb.kind === VerbKind.nvmeWrite && !survives(verb)) return { counters: node.counters.values };
          value = node.hardware.execute(handler, verb);
          continue;
        }
        if (verb.kind === VerbKind.respond) {
          respond(handler, verb.requestLength);
          responded[slot] = 1;
          value = 0;
          continue;
        }
        if (verb.kind === VerbKind.park || verb.kind === VerbKind.sleep) {
          parked[slot] = 1;
          waiting++;
          deadlines[slot] = verb.kind === VerbKind.sleep || verb.durationNs > 0 ? nowNs + verb.durationNs : Number.POSITIVE_INFINITY;
          break;
        }
        throw new ScalioError(`${handler.description} issued ${VERB_NAMES[verb.kind] ?? verb.kind}; DPU cores reach their DRAM directly and SSDs by NVMe`);
      }
      nowNs = clock();
      node.counters.addCore(core, CoreCounter.busyNs, nowNs - busyStartNs);
    }
    if (worked) {
      idle = 0;
      continue;
    }
    if (++idle < IDLE_SPINS_BEFORE_SLEEP) continue;
    const untilDeadlineMs = (Math.min(nearestDeadline, housekeepingDueNs) - clock()) / 1e6;
    if (untilDeadlineMs > 0.01) node.transport.sleepUntilPosted(core, Math.min(IDLE_SLEEP_MS, untilDeadlineMs));
  }
  return { counters: node.counters.values };
}
