/**
 * Spreads run tasks over worker threads (or runs them in-process when `workers` is 0). Outcomes come
 * back indexed by task, so their order never depends on scheduling; the first failure stops every
 * worker and is re-thrown as the error it was.
 */
import { Worker } from 'node:worker_threads';
import type { RunOutcome } from './run.ts';
import { executeTask, fromFailure, loadHooks, toFailure, type RunTask } from './task.ts';
import type { FromWorker, ToWorker } from './worker.ts';

export interface PoolOptions {
  /** Worker threads; 0 runs every task in this thread, one after the other. */
  readonly workers: number;
  readonly hooksModule?: string;
  /** Epochs finished, across all runs, since the previous call. */
  readonly onProgress?: (epochs: number) => void;
}

const WORKER_ENTRY = new URL('./workerEntry.mjs', import.meta.url);

const runInProcess = async (tasks: readonly RunTask[], o: PoolOptions): Promise<RunOutcome[]> => {
  const hooks = await loadHooks(o.hooksModule);
  const outcomes: RunOutcome[] = [];
  for (const task of tasks) {
    try {
      outcomes.push(executeTask(task, hooks, (epochs) => o.onProgress?.(epochs)));
    } catch (error) {
      // Same shape as a worker failure, so callers see one kind of error whatever the mode.
      throw fromFailure(toFailure(error));
    }
  }
  return outcomes;
};

const runInWorkers = (tasks: readonly RunTask[], o: PoolOptions): Promise<RunOutcome[]> =>
  new Promise((resolve, reject) => {
    const outcomes: (RunOutcome | undefined)[] = new Array(tasks.length);
    const workers: Worker[] = [];
    /** Workers stopped on purpose (no task left); their exit is not a failure. */
    const retired = new Set<Worker>();
    let next = 0;
    let finished = 0;
    let failed = false;
    const stop = (error: Error) => {
      if (failed) return;
      failed = true;
      void Promise.all(workers.map((w) => w.terminate())).finally(() => reject(error));
    };
    const feed = (worker: Worker) => {
      const task = tasks[next++];
      if (!task) {
        retired.add(worker);
        return void worker.terminate();
      }
      const message: ToWorker = { type: 'run', task, ...(o.hooksModule ? { hooksModule: o.hooksModule } : {}) };
      worker.postMessage(message);
    };
    const count = Math.min(o.workers, tasks.length);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_ENTRY, { execArgv: [] });
      workers.push(worker);
      worker.on('message', (m: FromWorker) => {
        if (failed) return;
        if (m.type === 'progress') return void o.onProgress?.(m.epochs);
        if (m.type === 'failed') return stop(fromFailure(m.failure));
        outcomes[m.index] = m.outcome;
        if (++finished === tasks.length) {
          for (const w of workers) retired.add(w);
          void Promise.all(workers.map((w) => w.terminate())).then(() => resolve(outcomes as RunOutcome[]));
          return;
        }
        feed(worker);
      });
      worker.on('error', (error) => stop(error));
      worker.on('exit', (code) => {
        if (!failed && !retired.has(worker) && finished < tasks.length) stop(new Error(`a simulation worker exited with code ${code}`));
      });
      feed(worker);
    }
    if (tasks.length === 0) resolve([]);
  });

export const runTasks = (tasks: readonly RunTask[], o: PoolOptions): Promise<RunOutcome[]> =>
  o.workers <= 0 ? runInProcess(tasks, o) : runInWorkers(tasks, o);
