/**
 * Prometheus metrics on a registry of the service's own (not prom-client's global one), so two
 * services in one process (tests) never collide. Gauges that need the store are computed at scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LedgerState } from '../../domain/index.ts';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly eventsAppended: Counter<'type'>;
  readonly epochCloseSeconds: Histogram;
  /** Commands per group commit (one append each). */
  readonly commandGroupSize: Histogram;
  readonly httpSeconds: Histogram<'method' | 'route' | 'status_code'>;
  readonly schedulerTicks: Counter<'outcome'>;
  /** What the distributor lacks of each token for the next proposal (0 once funded). */
  readonly distributorShortfall: Gauge<'token'>;
  /** Conditions that need an operator (attention.ts), read at each scrape. */
  setAttentionSource(source: () => readonly { condition: string }[]): void;
  /** Called at each scrape to compute lag gauges from the store. */
  setLagSource(source: () => Promise<LagReading>): void;
  /** The ledger state the task gauges are read from at each scrape. */
  setTaskSource(source: () => LedgerState): void;
  /** Fragments this process failed, and reassigned, at the closes it appended. */
  readonly taskFragmentsFailed: Counter;
  readonly taskReassignments: Counter;
  /** Prometheus text format. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface LagReading {
  readonly logHead: number;
  readonly ledger: number;
  readonly readModels: number;
  /** Position of the snapshot the ledger started from (0: genesis). */
  readonly ledgerStartedAt: number;
}

export const createServiceMetrics = (options: { defaultMetrics?: boolean } = {}): ServiceMetrics => {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'cxt_' });
  let lagSource: (() => Promise<LagReading>) | undefined;
  let last: LagReading = { logHead: 0, ledger: 0, readModels: 0, ledgerStartedAt: 0 };
  const refresh = async () => {
    if (lagSource) last = await lagSource().catch(() => last);
  };

  const eventsAppended = new Counter({
    name: 'cxt_events_appended_total',
    help: 'Events this process appended to the log, by event type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const epochCloseSeconds = new Histogram({
    name: 'cxt_epoch_close_duration_seconds',
    help: 'Time to decide and append one epoch close (settlement included)',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [registry],
  });
  const commandGroupSize = new Histogram({
    name: 'cxt_command_group_size',
    help: 'Commands appended together in one group commit (one transaction)',
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'cxt_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const schedulerTicks = new Counter({
    name: 'cxt_scheduler_ticks_total',
    help: 'Scheduler ticks by outcome (acted, follower, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const distributorShortfall = new Gauge({
    name: 'cxt_distributor_shortfall_base_units',
    help: 'Base units of a token the distributor lacks to pay the next root (cumulative − claimed − balance); 0 when covered',
    labelNames: ['token'] as const,
    registers: [registry],
  });
  let attentionSource: () => readonly { condition: string }[] = () => [];
  new Gauge({
    name: 'cxt_attention',
    help: 'Conditions that need an operator (1 while present): failing scheduler jobs, an underfunded distributor, held-back proposals',
    labelNames: ['condition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { condition } of attentionSource()) this.set({ condition }, 1);
    },
  });
  new Gauge({
    name: 'cxt_log_head_position',
    help: 'Position of the last event in the store',
    registers: [registry],
    collect() {
      this.set(last.logHead);
    },
  });
  new Gauge({
    name: 'cxt_ledger_lag_events',
    help: 'Events in the store not yet folded into this process’s in-memory ledger',
    registers: [registry],
    collect() {
      this.set(Math.max(0, last.logHead - last.ledger));
    },
  });
  new Gauge({
    name: 'cxt_ledger_started_from_position',
    help: 'Position of the verified snapshot this process’s ledger started from (0: it folded the log from genesis)',
    registers: [registry],
    collect() {
      this.set(last.ledgerStartedAt);
    },
  });
  new Gauge({
    name: 'cxt_projection_lag_events',
    help: 'Events in the store not yet written to the read-model tables (checkpoint behind the head)',
    registers: [registry],
    collect() {
      this.set(Math.max(0, last.logHead - last.readModels));
    },
  });

  let taskSource: (() => LedgerState) | undefined;
  new Gauge({
    name: 'cxt_tasks_open',
    help: 'Tasks posted and not yet settled',
    registers: [registry],
    collect() {
      this.set(taskSource?.().tasks.size ?? 0);
    },
  });
  new Gauge({
    name: 'cxt_task_fragments',
    help: 'Fragments of open tasks by status (open, accepted, failed) and round (1, or 2 once reassigned)',
    labelNames: ['status', 'round'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const t of taskSource?.().tasks.values() ?? []) for (const f of t.fragments) counts.set(`${f.status}|${f.round}`, (counts.get(`${f.status}|${f.round}`) ?? 0) + 1);
      for (const [key, n] of counts) {
        const [status, round] = key.split('|') as [string, string];
        this.set({ status, round }, n);
      }
    },
  });
  const taskFragmentsFailed = new Counter({
    name: 'cxt_task_fragments_failed_total',
    help: 'Task fragments failed (no quorum after their reassignment, or no fresh nodes) by closes this process appended',
    registers: [registry],
  });
  const taskReassignments = new Counter({
    name: 'cxt_task_reassignments_total',
    help: 'Task fragments reassigned to fresh nodes by closes this process appended',
    registers: [registry],
  });

  return {
    registry,
    eventsAppended,
    taskFragmentsFailed,
    taskReassignments,
    setTaskSource: (source) => {
      taskSource = source;
    },
    epochCloseSeconds,
    commandGroupSize,
    httpSeconds,
    schedulerTicks,
    distributorShortfall,
    setAttentionSource: (source) => {
      attentionSource = source;
    },
    setLagSource: (source) => {
      lagSource = source;
    },
    render: async () => {
      await refresh();
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
};
