/**
 * A live client thread: runs its share of the logical clients round robin, one operation per
 * turn. Verbs take effect at once on the shared memory (real atomics for RDMA CAS); an RPC
 * parks its client until the DPU core's response lands, a backoff parks it until the wall
 * clock passes its deadline, and the thread moves on to the next client meanwhile.
 *
 * The clock is read once per finished operation (a read costs ~55 ns here, as much as a
 * third of a cache hit): that reading ends this operation and starts the next client's.
 */
import { Counter } from '../../hw/counters.js';
import { VerbKind, VERB_NAMES } from '../../hw/verbs.js';
import { ClientContext } from '../../systems/context.js';
import { attachThread } from '../cluster.js';
import { ClientRunner, HistoryRecorder, OperationStats, ScriptedOperations } from '../driver.js';
import { configureSource } from '../run.js';
import { ScalioError } from '../../errors.js';
import { ControlWord } from '../cluster.js';
import { type ClientThreadResult, type ClientThreadTask, Control, sharedClock, threadOfClient } from './protocol.js';

const Waiting = { nothing: 0, response: 1, deadline: 2 } as const;

/** Idle rounds (every client parked) spent spinning before the thread sleeps on its doorbell. */
export const IDLE_SPINS_BEFORE_SLEEP = 64;
/** Longest doorbell sleep; bounds how late a backoff deadline can be noticed. */
export const IDLE_SLEEP_MS = 0.05;
/** Finished operations a thread counts before adding them to the shared progress count. */
export const PROGRESS_BATCH = 1024;

export function runClientThread(task: ClientThreadTask): ClientThreadResult {
  const { spec, thread, threads } = task;
  const config = spec.layout.config;
  const clock = sharedClock(task.timeOriginMs);
  let nowNs = clock();
  const node = attachThread(spec, () => nowNs);
  const control = new Control(spec);
  const script = task.script ?? undefined;
  const source = configureSource(node.kernels, task.plan ?? undefined, script, spec.layout.plan.regions.ycsb.base);
  const stats = new OperationStats();
  const history = task.recordHistory ? new HistoryRecorder() : null;
  const tick = task.recordHistory ? () => control.tick() : () => 0;

  const runners: ClientRunner[] = [];
  for (let client = 0; client < config.clients; client++) {
    if (threadOfClient(client, threads) !== thread) continue;
    const context = new ClientContext(client, node.services);
    if (!task.continueRandomStreams) node.kernels.randomSeed(context.arena.random, config.seed, client);
    runners.push(new ClientRunner(context, node.machines, source, task.operationsPerClient[client], stats, history, tick, true));
  }
  const count = runners.length;
  const waiting = new Int32Array(count);
  const expectedResponse = new Int32Array(count);
  const deadlineNs = new Float64Array(count);
  const input = new Float64Array(count);
  const finished = new Uint8Array(count);
  const bell = control.bellIndex(thread);
  const words = control.words;
  const hardware = node.hardware;

  const started = control.arriveAndWaitForStart();
  nowNs = clock();
  const startedNs = nowNs;
  for (const runner of runners) runner.stopAtNs = startedNs + task.durationNs;
  /** Operations finished since this thread last added them to the shared progress count. */
  let unreported = 0;
  const completedWord = control.index(ControlWord.completedOperations);
  let active = started ? count : 0;
  let idleRounds = 0;

  while (active > 0) {
    // The DPU died (a crash plan): stop where we are; what is under way stays in flight.
    if (Atomics.load(words, control.index(ControlWord.crashed)) !== 0) break;
    let progressed = false;
    for (let index = 0; index < count; index++) {
      if (finished[index] === 1) continue;
      const runner = runners[index];
      const state = waiting[index];
      if (state === Waiting.response) {
        if (node.transport.responseSequence(runner.context.client) !== expectedResponse[index]) continue;
        waiting[index] = Waiting.nothing;
      } else if (state === Waiting.deadline) {
        if (nowNs < deadlineNs[index]) continue;
        waiting[index] = Waiting.nothing;
      }
      progressed = true;

      // One turn: run the client's machine until it parks or its operation ends.
      const context = runner.context;
      let ended = false;
      let result: unknown = 0;
      if (runner.machine === null) {
        if (!runner.begin(nowNs, tick())) {
          finished[index] = 1;
          active--;
          continue;
        }
        // No machine after begin: done at once (a cache hit, SystemMachines.getAtOnce).
        if (runner.machine === null) {
          ended = true;
          result = runner.resultAtOnce;
        }
      }
      if (!ended) {
        let value = input[index];
        input[index] = 0;
        for (;;) {
          const step = runner.advance(value);
          if (step.done === true) {
            ended = true;
            result = step.value;
            break;
          }
          const verb = step.value;
          if (verb.kind === VerbKind.rpc) {
            expectedResponse[index] = (node.transport.responseSequence(context.client) + 1) | 0;
            node.transport.send(context.client, verb.core, verb.requestLength);
            node.counters.add(Counter.rpcs);
            waiting[index] = Waiting.response;
            break;
          }
          if (verb.kind === VerbKind.sleep) {
            deadlineNs[index] = nowNs + verb.durationNs;
            waiting[index] = Waiting.deadline;
            break;
          }
          if (verb.kind > VerbKind.nvmeRead) {
            throw new ScalioError(`${context.description} issued ${VERB_NAMES[verb.kind] ?? verb.kind}, which clients cannot issue`);
          }
          value = hardware.execute(context, verb);
        }
      }
      // Parked (an RPC, a backoff): the next client's turn; this one resumes later.
      if (!ended) continue;
      nowNs = clock();
      runner.finish(nowNs, tick(), result);
      if (++unreported === PROGRESS_BATCH) {
        Atomics.add(words, completedWord, unreported);
        unreported = 0;
      }
    }
    if (progressed) {
      idleRounds = 0;
      continue;
    }
    // Every client is parked. Spin a little (responses usually come within microseconds),
    // then sleep on the doorbell that DPU cores ring after a response.
    nowNs = clock();
    if (Atomics.load(words, control.index(ControlWord.failed)) !== 0) break;
    if (++idleRounds < IDLE_SPINS_BEFORE_SLEEP) continue;
    const ring = Atomics.load(words, bell);
    Atomics.store(words, bell + 1, 1);
    Atomics.wait(words, bell, ring, IDLE_SLEEP_MS);
    Atomics.store(words, bell + 1, 0);
    nowNs = clock();
  }
  const finishedNs = clock();
  Atomics.add(words, completedWord, unreported);

  let inFlight: Float64Array | null = null;
  if (history !== null && Atomics.load(words, control.index(ControlWord.crashed)) !== 0) {
    const recorder = new HistoryRecorder();
    for (const runner of runners) runner.recordInFlight(recorder);
    inFlight = recorder.entries();
  }
  const scriptResults: [number, import('../driver.js').ScriptedResult[]][] = [];
  if (source instanceof ScriptedOperations) {
    for (const runner of runners) scriptResults.push([runner.context.client, source.results[runner.context.client]]);
  }
  return {
    stats: stats.toJSON(),
    counters: node.counters.values,
    history: history?.entries() ?? null,
    scriptResults,
    startedNs,
    finishedNs,
    inFlight,
  };
}
