/** Worker thread: runs the tasks the pool sends, one at a time, and reports progress and outcomes. */
import { parentPort } from 'node:worker_threads';
import { executeTask, loadHooks, toFailure, type RunTask } from './task.ts';
import type { RunHooks } from './run.ts';

export type ToWorker = { readonly type: 'run'; readonly task: RunTask; readonly hooksModule?: string };
export type FromWorker =
  | { readonly type: 'progress'; readonly epochs: number }
  | { readonly type: 'done'; readonly index: number; readonly outcome: import('./run.ts').RunOutcome }
  | { readonly type: 'failed'; readonly index: number; readonly failure: import('./task.ts').TaskFailure };

const port = parentPort;
if (!port) throw new Error('simulations/worker.ts must run in a worker thread');
let hooks: Promise<RunHooks> | undefined;

port.on('message', async (message: ToWorker) => {
  const send = (m: FromWorker) => port.postMessage(m);
  try {
    hooks ??= loadHooks(message.hooksModule);
    const outcome = executeTask(message.task, await hooks, (epochs) => send({ type: 'progress', epochs }));
    send({ type: 'done', index: message.task.index, outcome });
  } catch (error) {
    send({ type: 'failed', index: message.task.index, failure: toFailure(error) });
  }
});
