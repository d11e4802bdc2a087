/**
 * Buyers and the nodes' answers to their tasks (scenario `tasks`): tasks posted at random each
 * epoch in the marketplace asset, and for every open seat of the current round a result — the
 * agreed hash, a wrong one (a cheat) or none (a node that fails) — decided once per seat by a hash
 * of the run's seed and the seat, so it draws nothing from the run's random stream.
 */
import { resultKind, type Command, type LedgerState } from '../domain/index.ts';
import { agentAddress } from './agents.ts';
import { logNormal, roundedCount } from './random.ts';
import type { Prng } from './prng.ts';
import type { TasksModel } from './scenario.ts';

const WEI_PER_TOKEN = 10n ** 18n;

/** FNV-1a of the text, mixed with the seed, as a number in [0, 1). */
const uniformOf = (seed: number, text: string): number => {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
};

const hexOf = (text: string): string => {
  let out = '';
  for (let i = 0; out.length < 64; i++) out += Math.floor(uniformOf(i, text) * 2 ** 32).toString(16).padStart(8, '0');
  return `0x${out.slice(0, 64)}`;
};

/** The hardware class with the most operators among the registered nodes (ties: alphabetical). */
const busiestClass = (state: LedgerState): string | undefined => {
  const operators = new Map<string, Set<string>>();
  for (const n of state.nodes.values()) {
    let set = operators.get(n.hardwareClass);
    if (!set) operators.set(n.hardwareClass, (set = new Set()));
    set.add(n.operator);
  }
  return [...operators].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0]?.[0];
};

export const postTasks = (model: TasksModel, state: LedgerState, rng: Prng, epoch: number, asset: string, salt: string, taskNumber: () => number): Command[] => {
  const count = roundedCount(rng, model.perEpoch);
  const hardwareClass = busiestClass(state);
  if (hardwareClass === undefined) return [];
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) {
    const n = taskNumber();
    const fragments = Array.from({ length: model.fragments }, (_, f) => ({
      fragmentId: `f${f}`,
      units: Math.max(1, Math.round(logNormal(rng, model.unitsPerFragment.median, model.unitsPerFragment.sigma))),
      hardwareClass: hardwareClass as 'gpu',
    }));
    const units = fragments.reduce((sum, f) => sum + f.units, 0);
    const budget = BigInt(Math.max(1, Math.round(units * model.budgetPerUnit * 1e6))) * (WEI_PER_TOKEN / 1_000_000n);
    commands.push({
      type: 'PostTask',
      taskId: `task-${n}`,
      initiator: agentAddress('buyer', n % 50),
      kind: 'training',
      asset,
      budget,
      fragments,
      redundancy: model.redundancy,
      quorum: model.quorum,
      deadlineEpoch: epoch + model.deadlineEpochs,
      salt,
    });
  }
  return commands;
};

/** One result per open seat of a current round that has none yet, unless the seat's node fails. */
export const taskResults = (model: TasksModel, state: LedgerState, seed: number, epoch: number): Command[] => {
  const commands: Command[] = [];
  for (const task of state.tasks.values())
    for (const f of task.fragments) {
      if (f.status !== 'open' || f.deadlineEpoch < epoch) continue;
      const right = hexOf(`${task.taskId}/${f.fragmentId}`);
      for (const seat of f.seats) {
        if (seat.round !== f.round || f.results.some((r) => r.nodeId === seat.nodeId)) continue;
        const draw = uniformOf(seed, `${task.taskId}/${f.fragmentId}/${seat.nodeId}`);
        if (draw < model.failureRate) continue;
        commands.push({
          type: 'RecordContribution',
          contributionId: `${task.taskId}/${f.fragmentId}/${seat.nodeId}`,
          nodeId: seat.nodeId,
          epoch,
          kind: resultKind(task.kind),
          units: f.units,
          proofHash: draw < model.failureRate + model.cheatRate ? hexOf(`wrong/${task.taskId}/${f.fragmentId}/${seat.nodeId}`) : right,
          taskId: task.taskId,
          fragmentId: f.fragmentId,
        });
      }
    }
  return commands;
};
