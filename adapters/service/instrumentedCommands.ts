/** The command handler with metrics: events this process appended, and how long epoch closes take. */
import type { CommandHandler } from '../ledger/index.ts';
import type { ServiceMetrics } from './metrics.ts';

export const instrumentCommands = (inner: CommandHandler, metrics: ServiceMetrics): CommandHandler => ({
  async handle(command, options) {
    const stopTimer = command.type === 'CloseEpoch' ? metrics.epochCloseSeconds.startTimer() : undefined;
    const result = await inner.handle(command, options);
    if (result.status === 'accepted') {
      stopTimer?.();
      for (const e of result.events) {
        metrics.eventsAppended.inc({ type: e.type });
        if (e.type === 'FragmentFailed') metrics.taskFragmentsFailed.inc();
        if (e.type === 'FragmentAssigned' && e.data.round === 2) metrics.taskReassignments.inc();
      }
    }
    return result;
  },
});
