/**
 * Admin actions on distributions. The scheduler creates and publishes on its own cadence; these
 * let the operator act now, and get out of a stuck state: revoke a created distribution that must
 * not go on-chain, or allow a re-proposal the publisher holds back. Until the distribution
 * adapters are wired they answer 503.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DistributionActionResult, HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { bodies, params } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

const answer = (reply: FastifyReply, r: DistributionActionResult): FastifyReply => {
  switch (r.status) {
    case 'refused':
      return sendProblem(reply, problems.refused(r.refusal));
    case 'underfunded':
      return sendProblem(reply, { ...problems.underfunded(r.refusal.message), shortfalls: r.shortfalls });
    default:
      return reply.code(r.status === 'accepted' ? 201 : 200).send({
        status: r.status,
        ...(r.action === undefined ? {} : { action: r.action }),
        ...(r.detail === undefined ? {} : { detail: r.detail }),
        distribution: r.distribution,
      });
  }
};

const UNWIRED = 'distribution publishing is not available in this build of the service';

export const registerDistributionWrites = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens } = deps;

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/distributions',
    tag: 'distributions',
    summary: 'Create the distribution of everything allocated through the last closed epoch and save its tree',
    role: 'admin',
    body: bodies.createDistribution,
    responses: { 201: 'Created', 200: 'Already created for that epoch: the existing one' },
    handler: async ({ body }, _req, reply) =>
      deps.distributions ? answer(reply, await deps.distributions.create(body.throughEpoch)) : sendProblem(reply, problems.unavailable(UNWIRED)),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/distributions/:seq/publish',
    tag: 'distributions',
    summary: 'Propose the latest distribution’s root on the configured chain, or accept it once the timelock has passed',
    description:
      'Checks the distributor can pay (cumulative total − claimed per token) before sending anything: 409 with `shortfalls` ' +
      '[{token, needed, held}] when it cannot. A distribution accepted on another chain or contract, or one the chain lost, is ' +
      'proposed again here; if the ledger recorded claims this contract has never seen, that waits until the body says ' +
      '`{"allowClaimReplay": true}` (those claims could be paid again).',
    role: 'admin',
    params: params.seq,
    body: bodies.publishDistribution,
    responses: { 201: 'A transaction was sent and its event recorded', 200: 'Nothing to do yet: the current state' },
    handler: async ({ params: p, body }, _req, reply) =>
      deps.distributions
        ? answer(reply, await deps.distributions.publish(p.seq, { allowClaimReplay: body?.allowClaimReplay === true, ...(body?.chainId === undefined ? {} : { chainId: body.chainId }) }))
        : sendProblem(reply, problems.unavailable(UNWIRED)),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/claims/rescan',
    tag: 'distributions',
    summary: 'Make the claim indexer read the chain again from a block (after the chain moved under it)',
    description:
      'The indexer stops with job:claims attention when the block it last read up to is no longer on the chain (a reorganisation ' +
      'deeper than CONFIRMATIONS, or a chain that started over). After checking with `cxt audit --rpc-url`, rescan from the fork: ' +
      'claims already recorded are recognised by their key, new ones are recorded. Never before the deployment block. ' +
      '`chainId` picks a payout chain’s indexer (job:claims:<chainId>); default the primary chain’s.',
    role: 'admin',
    body: bodies.rescanClaims,
    responses: { 200: 'The next indexer step reads from fromBlock' },
    handler: async ({ body }, _req, reply) => {
      if (!deps.distributions) return sendProblem(reply, problems.unavailable(UNWIRED));
      const r = await deps.distributions.rescanClaims(body.fromBlock, body.chainId);
      return 'refusal' in r ? sendProblem(reply, problems.refused(r.refusal)) : reply.code(200).send(r);
    },
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/distributions/:seq/revoke',
    tag: 'distributions',
    summary: 'Revoke a created distribution that was never proposed on-chain (DistributionRevoked)',
    description: 'A proposed one is revoked on-chain by the guardian (revokePendingRoot); the publisher records that by itself.',
    role: 'admin',
    params: params.seq,
    body: bodies.revokeDistribution,
    responses: { 201: 'Revoked', 200: 'Already revoked by the same request' },
    handler: async ({ params: p, body }, _req, reply) =>
      deps.distributions ? answer(reply, await deps.distributions.revoke(p.seq, body?.reason)) : sendProblem(reply, problems.unavailable(UNWIRED)),
  });
};
