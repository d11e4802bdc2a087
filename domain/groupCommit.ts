/**
 * Which commands may be decided together in one group commit (the command handler's batching),
 * each on the same state, as if one after the other.
 *
 * A command's group keys name the things its decision both reads and writes that another
 * command in a group could change: its contribution, and for a task result its fragment. Everything else it reads (nodes, verifiers,
 * parameters, the epoch clock) is changed only by commands that have no group key and so always
 * run alone. Hence for commands with pairwise different keys, deciding each on the state before
 * the group gives exactly the events that deciding them in order, folding each one's events
 * first, would give (a property test holds this for random states and groups).
 *
 * A verifier's verdict on a task result is refused whatever its fragment's state (the consensus
 * judges it), so it needs no fragment key; only a fraud rejection is taken, and that runs alone.
 *
 * A fraud rejection slashes the operator's stake, which another fraud rejection of the same
 * operator also reads: it has no key and runs alone.
 */
import type { Command } from './commands.ts';

export const groupKeys = (command: Command): readonly string[] | undefined => {
  switch (command.type) {
    case 'RecordContribution':
      // A task result also reads and writes its fragment (its results, and the consensus the last one triggers).
      return command.fragmentId === undefined
        ? [`contribution:${command.contributionId}`]
        : [`contribution:${command.contributionId}`, `fragment:${JSON.stringify([command.taskId ?? '', command.fragmentId])}`];
    case 'VerifyContribution':
      return [`contribution:${command.contributionId}`];
    case 'RejectContribution':
      return command.reason === 'fraud' ? undefined : [`contribution:${command.contributionId}`];
    default:
      return undefined;
  }
};

/**
 * How many items from the front of `queue` form the next group: the longest run (at most
 * `maxGroup`) of commands whose group keys are pairwise different, or the first command alone
 * when it has none. Only the front is taken, so a group never overtakes a command queued before it.
 */
export const groupLength = <T>(queue: readonly T[], maxGroup: number, commandOf: (item: T) => Command): number => {
  const keys = new Set<string>();
  let length = 0;
  for (const item of queue) {
    const own = groupKeys(commandOf(item));
    if (own === undefined || length >= maxGroup || own.some((k) => keys.has(k))) break;
    for (const k of own) keys.add(k);
    length++;
  }
  return Math.min(queue.length, Math.max(1, length));
};
