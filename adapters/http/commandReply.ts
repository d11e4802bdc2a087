/**
 * How a command's outcome is answered: 201 with the events written; 200 with the ORIGINAL events
 * for an idempotent replay; 422 with the domain's code and sentence for a refusal; 409 for a key
 * reused with different content. Only the first two wrote (or had written) anything.
 */
import type { FastifyReply } from 'fastify';
import type { Command, StoredEvent } from '../../domain/index.ts';
import { RequestConflictError } from '../ledger/index.ts';
import type { CommandPort } from './ports.ts';
import { problems, sendProblem } from './problem.ts';

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

export const replyToCommand = async (
  commands: CommandPort,
  reply: FastifyReply,
  command: Command,
  idempotencyKey?: string,
): Promise<FastifyReply> => {
  try {
    const result = await commands.handle(command, idempotencyKey === undefined ? {} : { idempotencyKey });
    if (result.status === 'refused') return sendProblem(reply, problems.refused(result.refusal));
    return reply.code(result.status === 'accepted' ? 201 : 200).send({ status: result.status, events: result.events.map(eventJson) });
  } catch (error) {
    if (error instanceof RequestConflictError) return sendProblem(reply, problems.conflict(error.message));
    throw error;
  }
};

/** Client keys live in their own namespace per command, so they never collide with natural keys. */
export const clientKey = (command: Command['type'], key: string | undefined): string | undefined =>
  key === undefined ? undefined : `${command}:${key}`;
