/**
 * Admin actions on distributions. The scheduler does both on its own cadence; these let the
 * operator act now. Until the distribution adapters are wired they answer 503.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DistributionActionResult, HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { bodies, params } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

const answer = (reply: FastifyReply, r: DistributionActionResult): FastifyReply =>
  r.status === 'refused'
    ? sendProblem(reply, problems.refused(r.refusal))
    : reply.code(r.status === 'accepted' ? 201 : 200).send({
        status: r.status,
        ...(r.action === undefined ? {} : { action: r.action }),
        ...(r.detail === undefined ? {} : { detail: r.detail }),
        distribution: r.distribution,
      });

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
    summary: 'Propose the distribution’s root on-chain, or accept it once the timelock has passed',
    description: 'Checks the distributor can pay (cumulative total − claimed per token) before sending anything.',
    role: 'admin',
    params: params.seq,
    responses: { 201: 'A transaction was sent and its event recorded', 200: 'Nothing to do yet: the current state' },
    handler: async ({ params: p }, _req, reply) =>
      deps.distributions ? answer(reply, await deps.distributions.publish(p.seq)) : sendProblem(reply, problems.unavailable(UNWIRED)),
  });
};
