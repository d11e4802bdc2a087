/**
 * One run as a unit of work, the same in a worker thread and in-process: its rows go to its own
 * file; failures cross the thread boundary as plain data and are revived on the other side.
 */
import { openLineWriter } from './files.ts';
import { simulateRun, type RunHooks, type RunJob, type RunOutcome } from './run.ts';
import { InvariantFailure, type RunLocation } from './errors.ts';

export interface RunTask {
  /** Position in (subset, run) order. */
  readonly index: number;
  readonly job: RunJob;
  readonly rowsPath: string;
}

export type TaskFailure =
  | { readonly kind: 'invariant'; readonly location: RunLocation; readonly invariant: string; readonly detail: string }
  | { readonly kind: 'error'; readonly message: string };

export const executeTask = (task: RunTask, hooks: RunHooks, onProgress: (epochs: number) => void): RunOutcome => {
  const rows = openLineWriter(task.rowsPath);
  try {
    return simulateRun(task.job, { onRow: (line) => rows.write(line), onProgress }, hooks);
  } finally {
    rows.close();
  }
};

export const toFailure = (error: unknown): TaskFailure =>
  error instanceof InvariantFailure
    ? { kind: 'invariant', location: error.location, invariant: error.invariant, detail: error.detail }
    : { kind: 'error', message: error instanceof Error ? error.message : String(error) };

export const fromFailure = (f: TaskFailure): Error =>
  f.kind === 'invariant' ? new InvariantFailure(f.location, f.invariant, f.detail) : new Error(f.message);

/** Test and diagnostic hooks come as a module URL (functions cannot be sent to a worker). */
export const loadHooks = async (moduleUrl: string | undefined): Promise<RunHooks> => {
  if (!moduleUrl) return {};
  const mod = (await import(moduleUrl)) as { default?: RunHooks };
  return mod.default ?? {};
};
