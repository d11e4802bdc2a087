/**
 * The scheduler: on each tick, if this process leads, runs the jobs in order (close due epochs,
 * create a due distribution, step the publisher, index claims, write the read models). A failing
 * job is logged and counted and the later jobs still run: a chain outage must not stop epochs
 * from closing. Ticks never overlap. node-cron drives the ticks in production; tests call tick()
 * with their own clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Leadership } from './leadership.ts';

export interface SchedulerJob {
  readonly name: string;
  /** Returns a short summary worth logging, or undefined when there was nothing to do. */
  run(): Promise<string | undefined>;
}

export interface TickReport {
  readonly leader: boolean;
  readonly done: Readonly<Record<string, string>>;
  readonly failed: Readonly<Record<string, string>>;
}

export interface SchedulerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SchedulerOptions {
  readonly leadership: Leadership;
  readonly jobs: readonly SchedulerJob[];
  readonly log: SchedulerLog;
  readonly onTick?: (report: TickReport) => void;
}

export interface Scheduler {
  /** One tick now; concurrent calls share the running one. */
  tick(): Promise<TickReport>;
  /** Ticks on a node-cron expression (with seconds, e.g. "* * * * * *"). */
  start(expression: string): void;
  /** Stops ticking, waits for a running tick, gives up the lead. Safe to call twice. */
  stop(): Promise<void>;
}

export const createScheduler = ({ leadership, jobs, log, onTick }: SchedulerOptions): Scheduler => {
  let running: Promise<TickReport> | undefined;
  let task: ScheduledTask | undefined;
  let stopped: Promise<void> | undefined;
  // A job that keeps reporting the same thing (a timelock still running) is logged once, not every tick.
  const lastSummary = new Map<string, string>();

  const runJobs = async (): Promise<TickReport> => {
    if (!(await leadership.acquire())) return { leader: false, done: {}, failed: {} };
    const done: Record<string, string> = {};
    const failed: Record<string, string> = {};
    for (const job of jobs) {
      if (stopped) break;
      try {
        const summary = await job.run();
        if (summary !== undefined) {
          done[job.name] = summary;
          if (lastSummary.get(job.name) !== summary) log.info(`${job.name}: ${summary}`);
        }
        lastSummary.set(job.name, summary ?? '');
      } catch (error) {
        const message = (error as Error).message;
        failed[job.name] = message;
        if (lastSummary.get(job.name) !== message) log.error(`${job.name} failed: ${message}`);
        lastSummary.set(job.name, message);
      }
    }
    return { leader: true, done, failed };
  };

  const tick = (): Promise<TickReport> => {
    if (stopped) return Promise.resolve({ leader: false, done: {}, failed: {} });
    running ??= runJobs()
      .then((report) => {
        onTick?.(report);
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    tick,
    start(expression) {
      if (task || stopped) return;
      task = cron.createTask(expression, () => tick().then(() => undefined), { noOverlap: true, name: 'cxt-scheduler' });
      void task.start();
    },
    stop() {
      stopped ??= (async () => {
        await task?.destroy();
        await running?.catch(() => undefined);
        await leadership.release();
      })();
      return stopped;
    },
  };
};
