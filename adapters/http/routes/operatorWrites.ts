/**
 * Writes by the operator's systems, each behind its bearer role: node and verifier registry,
 * burns and epoch closes (admin), stake movements (indexer), marketplace revenue (billing).
 */
import type { FastifyInstance } from 'fastify';
import { clientKey, replyToCommand } from '../commandReply.ts';
import type { HttpDeps } from '../ports.ts';
import { bodies, params } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

const WRITTEN = { 201: 'Recorded: the events written', 200: 'Idempotent replay: the events of the original request' } as const;

export const registerOperatorWrites = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens, commands } = deps;

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/nodes',
    tag: 'registry',
    summary: 'Register a compute node and the address that signs its contributions',
    role: 'admin',
    body: bodies.registerNode,
    responses: WRITTEN,
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'RegisterNode', ...body }),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/verifiers',
    tag: 'registry',
    summary: 'Register a verifier (an address whose signed verdicts are accepted)',
    role: 'admin',
    body: bodies.registerVerifier,
    idempotencyKey: 'optional',
    responses: WRITTEN,
    handler: ({ body, idempotencyKey }, _req, reply) =>
      replyToCommand(commands, reply, { type: 'RegisterVerifier', ...body }, clientKey('RegisterVerifier', idempotencyKey)),
  });

  defineRoute(app, tokens, {
    method: 'DELETE',
    url: '/v1/verifiers/:address',
    tag: 'registry',
    summary: 'Remove a verifier',
    role: 'admin',
    params: params.address,
    idempotencyKey: 'optional',
    responses: WRITTEN,
    handler: ({ params: p, idempotencyKey }, _req, reply) =>
      replyToCommand(commands, reply, { type: 'RemoveVerifier', verifier: p.address }, clientKey('RemoveVerifier', idempotencyKey)),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/stake/deposits',
    tag: 'stake',
    summary: 'Record a stake deposit (from the staking indexer)',
    role: 'indexer',
    body: bodies.deposit,
    responses: WRITTEN,
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'DepositStake', ...body }),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/stake/unstakes',
    tag: 'stake',
    summary: 'Record an unstake request; the amount unbonds after unbondingEpochs',
    role: 'indexer',
    body: bodies.unstake,
    idempotencyKey: 'required',
    responses: WRITTEN,
    handler: ({ body, idempotencyKey }, _req, reply) =>
      replyToCommand(commands, reply, { type: 'RequestUnstake', ...body }, clientKey('RequestUnstake', idempotencyKey)),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/stake/withdrawals',
    tag: 'stake',
    summary: 'Record a withdrawal of unbonded stake',
    role: 'indexer',
    body: bodies.withdrawal,
    idempotencyKey: 'required',
    responses: WRITTEN,
    handler: ({ body, idempotencyKey }, _req, reply) =>
      replyToCommand(commands, reply, { type: 'WithdrawStake', ...body }, clientKey('WithdrawStake', idempotencyKey)),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/revenue',
    tag: 'treasury',
    summary: 'Record marketplace revenue (from billing), settled at the next epoch close',
    role: 'billing',
    body: bodies.revenue,
    responses: WRITTEN,
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'RecordRevenue', ...body }),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/burns',
    tag: 'treasury',
    summary: 'Record a CXT burn (a buyback spends from the asset’s buyback budget)',
    role: 'admin',
    body: bodies.burn,
    responses: WRITTEN,
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'BurnTokens', ...body }),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/epochs/close',
    tag: 'epochs',
    summary: 'Close an ended epoch now (the scheduler does this by itself when the epoch ends)',
    role: 'admin',
    body: bodies.closeEpoch,
    responses: WRITTEN,
    // logHead is the store's, set by the command handler; the zero hash is only a placeholder.
    handler: ({ body }, _req, reply) => replyToCommand(commands, reply, { type: 'CloseEpoch', epoch: body.epoch, logHead: `0x${'00'.repeat(32)}` }),
  });
};
