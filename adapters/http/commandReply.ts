/**
 * How a command's outcome is answered: 201 with the events written; 200 with the ORIGINAL events
 * for an idempotent replay; 422 with the domain's code and sentence for a refusal; 409 for a key
 * reused with different content. Only the first two wrote (or had written) anything.
 */
import type { FastifyReply } from 'fastify';
import type { Command, StoredEvent } from '../../domain/index.ts';
import { RequestConflictError } from '../ledger/index.ts';
import type { CommandPort } from './ports.ts';
import { problems, sendProblem, type Problem } from './problem.ts';

export const eventJson = (e: StoredEvent) => ({
  id: e.id,
  type: e.type,
  stream: e.stream,
  streamVersion: e.streamVersion,
  position: e.position,
  recordedAt: e.recordedAt,
  data: e.data,
  hash: e.hash,
});

/** What a command came to, as the HTTP layer answers it: events written or found, or a problem. */
export type CommandOutcome =
  | { readonly status: 'accepted' | 'duplicate'; readonly events: readonly StoredEvent[] }
  | { readonly status: 'refused'; readonly problem: Problem };

export const refusedWith = (problem: Problem): CommandOutcome => ({ status: 'refused', problem });

/** Runs the command; a domain refusal and a key conflict become their problems. */
export const commandOutcome = async (commands: CommandPort, command: Command, idempotencyKey?: string): Promise<CommandOutcome> => {
  try {
    const result = await commands.handle(command, idempotencyKey === undefined ? {} : { idempotencyKey });
    return result.status === 'refused' ? refusedWith(problems.refused(result.refusal)) : result;
  } catch (error) {
    if (error instanceof RequestConflictError) return refusedWith(problems.conflict(error.message));
    throw error;
  }
};

/** One item of a batch reply: the body the single endpoint would have sent, with its status named. */
export const outcomeJson = (outcome: CommandOutcome) =>
  outcome.status === 'refused' ? { status: outcome.status, problem: outcome.problem } : { status: outcome.status, events: outcome.events.map(eventJson) };

export const sendOutcome = (reply: FastifyReply, outcome: CommandOutcome): FastifyReply =>
  outcome.status === 'refused'
    ? sendProblem(reply, outcome.problem)
    : reply.code(outcome.status === 'accepted' ? 201 : 200).send({ status: outcome.status, events: outcome.events.map(eventJson) });

export const replyToCommand = async (
  commands: CommandPort,
  reply: FastifyReply,
  command: Command,
  idempotencyKey?: string,
): Promise<FastifyReply> => sendOutcome(reply, await commandOutcome(commands, command, idempotencyKey));

/** Client keys live in their own namespace per command, so they never collide with natural keys. */
export const clientKey = (command: Command['type'], key: string | undefined): string | undefined =>
  key === undefined ? undefined : `${command}:${key}`;
