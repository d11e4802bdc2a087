/**
 * Tasks: a buyer's AI job split into fragments (README, "Tasks"). Billing posts them; anyone reads
 * a task, and a node agent asks which seats its node holds. Results come in as signed
 * contributions naming taskId and fragmentId (signedWrites.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ZERO_HASH } from '../../../domain/index.ts';
import { replyToCommand } from '../commandReply.ts';
import type { HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { bodies, params, queries, withOpaqueNext } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

export const registerTaskRoutes = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens, commands, queries: q } = deps;

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/tasks',
    tag: 'tasks',
    summary: 'Post a task (from billing): its fragments are assigned to nodes at once',
    description:
      'Each fragment gets `redundancy` distinct nodes of its hardware class, at most one per operator, chosen by rendezvous hashing salted with the log head the task is posted on. ' +
      'Too few eligible nodes is 422 TOO_FEW_ELIGIBLE_NODES with the count. The taskId is the idempotency key.',
    role: 'billing',
    body: bodies.postTask,
    responses: { 201: 'Posted: TaskPosted and one FragmentAssigned per fragment', 200: 'Idempotent replay: the events of the original request' },
    // The salt is the store's log head, set by the command handler; the zero hash is only a placeholder.
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'PostTask', ...body, salt: ZERO_HASH }),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/tasks/:taskId',
    tag: 'tasks',
    summary: 'One task: terms, fragments with their seats and results, status, and its settlement once settled',
    description: 'An open task is read from the ledger; a settled one from the read models, which the scheduler keeps at the log head every tick.',
    params: params.taskId,
    responses: { 200: 'The task' },
    handler: async ({ params: p }, _req, reply) => (await q.task(p.taskId)) ?? sendProblem(reply, problems.notFound(`task ${p.taskId} is not known`)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/nodes/:nodeId/assignments',
    tag: 'tasks',
    summary: 'The seats a node holds in open tasks: what its agent should work on (state `to-do`), paged',
    params: params.nodeId,
    query: queries.page,
    responses: { 200: 'Seats ordered by task and fragment; `next` is the cursor of the following page, or null' },
    handler: async ({ params: p, query }) => withOpaqueNext(await q.assignments(p.nodeId, query.after, query.limit ?? 100)),
  });
};
