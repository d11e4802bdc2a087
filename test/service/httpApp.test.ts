/**
 * The HTTP layer alone, over stub ports: what it does when the rest of the service misbehaves —
 * a failing dependency is a 500 problem that leaks nothing, a store or chain that does not answer
 * makes /readyz 503, unwired distribution endpoints are 503 — and the request latency metric.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../../adapters/http/app.ts';
import { tokenDigest } from '../../adapters/http/auth.ts';
import type { HttpDeps, QueryPort, ReadinessReport } from '../../adapters/http/ports.ts';
import { initialState } from '../../domain/index.ts';

const ADMIN = 'stub-admin-token-0123456789abcdef';
let ready: ReadinessReport = { ready: true, checks: { store: 'ok', chain: 'ok' } };
const observed: string[] = [];
const failing = async (): Promise<never> => {
  throw new Error('connection terminated: password=hunter2');
};
const queries: QueryPort = {
  account: failing,
  proofs: failing,
  epochs: async () => ({ epochs: [] }),
  epoch: failing,
  supply: async () => ({ minted: '0' }),
  distributions: failing,
  distribution: async () => undefined,
  tree: async () => undefined,
  task: async () => undefined,
  assignments: failing,
  nodes: failing,
  node: async () => undefined,
  verifiers: failing,
  events: failing,
  receipt: failing,
  receipts: failing,
  receiptsCsv: failing,
  epochReceipts: failing,
  contribution: failing,
  revenue: failing,
  stakeHistory: failing,
  tasks: failing,
};

const deps: HttpDeps = {
  chainId: 31337,
  tokens: { admin: [tokenDigest(ADMIN)], indexer: [], billing: [] },
  bodyLimitBytes: 1024,
  commands: { handle: failing },
  fresh: async () => initialState(),
  current: () => initialState(),
  queries,
  readiness: async () => ready,
  metrics: { observe: (method, route, status) => void observed.push(`${method} ${route} ${status}`), render: async () => 'cxt_up 1\n', contentType: 'text/plain; version=0.0.4' },
  info: () => ({ chain: { chainId: 31337 } }),
};

let app: FastifyInstance;
beforeAll(async () => {
  app = await createHttpApp(deps, { recoveryWorkers: 0 });
});
afterAll(() => app?.close());

describe('the HTTP layer over stub ports', () => {
  it('answers a failing dependency with a 500 problem that reveals nothing of the failure', async () => {
    const r = await app.inject({ method: 'GET', url: `/v1/accounts/0x${'a'.repeat(40)}` });
    expect(r.statusCode).toBe(500);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ type: 'urn:corex:problem:internal', status: 500 });
    expect(r.body).not.toContain('hunter2');
  });

  it('answers a failing command handler the same way', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/verifiers',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ verifier: `0x${'b'.repeat(40)}` }),
    });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('hunter2');
  });

  it('/readyz is 503 naming the check that failed, /healthz stays 200', async () => {
    ready = { ready: false, checks: { store: 'ok', chain: 'the chain did not answer within 2000 ms' } };
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ status: 503, detail: 'chain: the chain did not answer within 2000 ms' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    ready = { ready: true, checks: { store: 'ok', chain: 'ok' } };
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('distribution actions are 503 until the distribution adapters are wired', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/distributions/1/publish', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(r.statusCode).toBe(503);
  });

  it('serves metrics as Prometheus text and observes each request by route template', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics' });
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.body).toBe('cxt_up 1\n');
    await app.inject({ method: 'GET', url: '/v1/epochs/7' });
    expect(observed).toContain('GET /v1/epochs/:epoch 500');
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(observed).toContain('GET unmatched 404');
  });
});
