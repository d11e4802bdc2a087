/**
 * Which commands may be decided together in one group commit (the command handler's batching),
 * each on the same state, as if one after the other.
 *
 * A command's group key names the one thing its decision both reads and writes that another
 * command in a group could change: its contribution. Everything else it reads (nodes, verifiers,
 * parameters, the epoch clock) is changed only by commands that have no group key and so always
 * run alone. Hence for commands with pairwise different keys, deciding each on the state before
 * the group gives exactly the events that deciding them in order, folding each one's events
 * first, would give (a property test holds this for random states and groups).
 *
 * A fraud rejection slashes the operator's stake, which another fraud rejection of the same
 * operator also reads: it has no key and runs alone.
 */
import type { Command } from './commands.ts';

export const groupKey = (command: Command): string | undefined => {
  switch (command.type) {
    case 'RecordContribution':
    case 'VerifyContribution':
      return `contribution:${command.contributionId}`;
    case 'RejectContribution':
      return command.reason === 'fraud' ? undefined : `contribution:${command.contributionId}`;
    default:
      return undefined;
  }
};

/**
 * How many items from the front of `queue` form the next group: the longest run (at most
 * `maxGroup`) of commands with pairwise different group keys, or the first command alone when it
 * has none. Only the front is taken, so a group never overtakes a command queued before it.
 */
export const groupLength = <T>(queue: readonly T[], maxGroup: number, commandOf: (item: T) => Command): number => {
  const keys = new Set<string>();
  for (const item of queue) {
    const key = groupKey(commandOf(item));
    if (key === undefined || keys.has(key) || keys.size >= maxGroup) break;
    keys.add(key);
  }
  return Math.min(queue.length, Math.max(1, keys.size));
};
