/** Liveness, readiness, metrics and the public facts a client needs to talk to this deployment. */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../ports.ts';
import { PROBLEM_CONTENT_TYPE } from '../problem.ts';
import { defineRoute } from '../route.ts';

export const registerOperations = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens } = deps;

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/healthz',
    tag: 'operations',
    summary: 'Liveness: the process serves requests',
    responses: { 200: 'Alive' },
    handler: async () => ({ status: 'ok' }),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/readyz',
    tag: 'operations',
    summary: 'Readiness: the event store and the chain answer and the ledger folds the log; what needs an operator is listed',
    responses: { 200: 'Ready (status ready), or serving with conditions that need an operator (status degraded, attention [...])', 503: 'Not ready: which check failed' },
    handler: async (_input, _req, reply) => {
      const report = await deps.readiness();
      const attention = report.attention ?? [];
      if (report.ready) return { status: attention.length === 0 ? 'ready' : 'degraded', checks: report.checks, attention };
      const failed = Object.entries(report.checks).filter(([, v]) => v !== 'ok');
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send({
          type: 'urn:corex:problem:not-ready',
          title: 'Not ready',
          status: 503,
          detail: failed.map(([k, v]) => `${k}: ${v}`).join('; '),
          checks: report.checks,
          attention,
        });
    },
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    responses: { 200: 'Prometheus text exposition format' },
    handler: async (_input, _req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/info',
    tag: 'operations',
    summary: 'Chain, contracts, the EIP-712 domain that contributions and verdicts are signed under, the parameters in force and the current epoch',
    responses: { 200: 'Deployment facts' },
    handler: async () => deps.info(),
  });
};
