/**
 * Lists for people and auditors (issue 13's read API): registered nodes (all, or one operator's),
 * one node with its open work and seats, a contribution's status, the verifiers, revenue records,
 * an account's stake history, tasks, and the event log itself as stored — paged, amounts as
 * decimal strings, cursors opaque.
 */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { params, queries, withOpaqueNext } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

export const registerListReads = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens, queries: q } = deps;

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/nodes',
    tag: 'nodes',
    summary: 'Registered nodes in node id order, all or one operator’s, paged',
    query: queries.nodes,
    responses: { 200: 'Nodes; `next` is the cursor of the following page, or null' },
    handler: async ({ query }) => withOpaqueNext(await q.nodes(query.operator, query.after, query.limit ?? 100)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/nodes/:nodeId',
    tag: 'nodes',
    summary: 'One node: operator, signer, class, its open contributions (status and verdict epoch) and its seats in open tasks',
    description: 'Contributions leave the ledger state at the close that settles them (README, "Closing the books"); settled work is in the event log.',
    params: params.nodeId,
    responses: { 200: 'The node' },
    handler: async ({ params: p }, _req, reply) => (await q.node(p.nodeId)) ?? sendProblem(reply, problems.notFound(`node ${p.nodeId} is not registered`)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/contributions/:contributionId',
    tag: 'nodes',
    summary: 'A contribution’s status: recorded, verified or rejected while open; paid, rejected or expired once a close settled it',
    description: 'Open contributions come from the ledger; settled ones from their events in the log (by id, indexed). `settledEpoch` is the close that paid or rejected it.',
    params: params.contributionId,
    responses: { 200: 'The contribution' },
    handler: async ({ params: p }, _req, reply) =>
      (await q.contribution(p.contributionId)) ?? sendProblem(reply, problems.notFound(`contribution ${p.contributionId} was never recorded`)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/revenue',
    tag: 'revenue',
    summary: 'Revenue records and burns in the order recorded, paged',
    description: 'RevenueRecorded and TokensBurned as stored (amounts in base units of their asset), with their log position.',
    query: queries.page,
    responses: { 200: 'Records; `next` is the cursor of the following page, or null' },
    handler: async ({ query }) => withOpaqueNext(await q.revenue(query.after, query.limit ?? 100)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address/stake',
    tag: 'accounts',
    summary: 'The account’s stake history: deposits, unstake requests (with release epoch) and withdrawals, in order, paged',
    description: 'Slashes are recorded with the verdict that caused them; each shows in the receipt of its epoch (`slashed`).',
    params: params.address,
    query: queries.page,
    responses: { 200: 'Changes; `next` is the cursor of the following page, or null' },
    handler: async ({ params: p, query }) => withOpaqueNext(await q.stakeHistory(p.address, query.after, query.limit ?? 100)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/tasks',
    tag: 'tasks',
    summary: 'Tasks, open and settled, in task id order, paged (from the read models)',
    query: queries.page,
    responses: { 200: 'Task summaries; `next` is the cursor of the following page, or null' },
    handler: async ({ query }) => withOpaqueNext(await q.tasks(query.after, query.limit ?? 100)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/verifiers',
    tag: 'nodes',
    summary: 'The registered verifiers',
    responses: { 200: 'Verifier addresses, sorted' },
    handler: () => q.verifiers(),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/events',
    tag: 'audit',
    summary: 'The event log as stored: envelopes with position, prevHash and hash, from a position on',
    description: '`nextPosition` continues the walk (null at the head). `cxt audit` checks an export of the same envelopes.',
    query: queries.events,
    responses: { 200: 'Envelopes in position order' },
    handler: ({ query }) => q.events(query.fromPosition ?? 1, query.limit ?? 100),
  });
};
