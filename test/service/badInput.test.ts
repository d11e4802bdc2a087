/**
 * The bad-input table (badInputTable.ts) run against the real service on PGlite and PostgreSQL,
 * plus headers and path parameters, over inject and — where inject skips Node's HTTP parser
 * (header limits, malformed requests) — a real socket. Every answer is a 4xx problem+json naming
 * the fields at fault, the log does not move, and the service stays healthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketRequest, rawRequest } from '../support/socketHttp.ts';
import { ADMIN, INDEXER, startHarness, storagesUnderTest, type Harness } from './harness.ts';
import { ENDPOINTS, badChecksum, casesFor, type Case, type Endpoint } from './badInputTable.ts';

type Reply = { status: number; contentType: string; json: any };

const expectProblem = (r: Reply, c: Pick<Case, 'status' | 'fields' | 'exact' | 'type'>) => {
  expect(r.status, JSON.stringify(r.json)).toBe(c.status);
  expect(r.contentType).toContain('application/problem+json');
  expect(r.json).toMatchObject({ type: expect.stringMatching(/^urn:corex:problem:/), title: expect.any(String), status: c.status, detail: expect.any(String) });
  if (c.type) expect(r.json.type).toBe(c.type);
  if (c.fields) {
    const listed = (r.json.errors as { field: string; message: string }[]).map((x) => x.field);
    if (c.exact) expect([...listed].sort()).toEqual([...c.fields].sort());
    for (const x of r.json.errors) expect(x.message.length).toBeGreaterThan(3);
  }
};

/** Every path parameter of the API, on a route that takes it. */
const PATH_PARAMS: ReadonlyArray<{ method: string; url: (v: string) => string; field: string; token?: string }> = [
  { method: 'DELETE', url: (v) => `/v1/verifiers/${v}`, field: 'params.address', token: ADMIN },
  { method: 'POST', url: (v) => `/v1/distributions/${v}/publish`, field: 'params.seq', token: ADMIN },
  { method: 'GET', url: (v) => `/v1/accounts/${v}`, field: 'params.address' },
  { method: 'GET', url: (v) => `/v1/accounts/${v}/proofs`, field: 'params.address' },
  { method: 'GET', url: (v) => `/v1/epochs/${v}`, field: 'params.epoch' },
  { method: 'GET', url: (v) => `/v1/distributions/${v}`, field: 'params.seq' },
  { method: 'GET', url: (v) => `/v1/distributions/${v}/tree`, field: 'params.seq' },
];

const LONG_PARAM = '1'.repeat(10_000);
const OVER_HEADER_LIMIT = 'h'.repeat(20_000);

describe.each(await storagesUnderTest())('bad input on %s', (storage) => {
  let h: Harness;
  let eventsAtStart: number;
  beforeAll(async () => {
    h = await startHarness({ storage });
    eventsAtStart = await h.eventCount();
  });
  afterAll(async () => {
    // The whole table wrote nothing and left the service healthy.
    expect(await h.eventCount()).toBe(eventsAtStart);
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    await h.destroy();
  });

  /** Runs `request`, checks the problem, and that the log head did not move. */
  const refused = async (request: () => Promise<Reply>, c: Pick<Case, 'status' | 'fields' | 'exact' | 'type'>) => {
    const before = await h.eventCount();
    expectProblem(await request(), c);
    expect(await h.eventCount()).toBe(before);
  };

  const send = (e: Endpoint, c: { body?: unknown; raw?: string; headers?: Record<string, string> }) =>
    h.request(e.method, e.url, {
      ...(e.token ? { token: e.token } : {}),
      ...(c.raw !== undefined ? { raw: c.raw } : { body: c.body }),
      headers: { ...e.headers, ...c.headers },
    });

  for (const e of ENDPOINTS) {
    describe(`${e.method} ${e.url} (${e.name})`, () => {
      it.each(casesFor(e).map((c) => [c.label, c] as const))('%s → 4xx problem, nothing written', async (_label, c) => {
        await refused(() => send(e, c), c);
      });

      it('headers over 16 KB, on a real socket → 431 problem, nothing written', async () => {
        const headers = { 'content-type': 'application/json', ...(e.token ? { authorization: `Bearer ${e.token}` } : {}), ...e.headers, 'x-padding': OVER_HEADER_LIMIT };
        await refused(() => socketRequest(h.service.url, { method: e.method, path: e.url, headers, body: JSON.stringify(e.body) }), {
          status: 431,
          type: 'urn:corex:problem:headers-too-large',
        });
      });
    });
  }

  describe('headers and path parameters', () => {
    const unstake = ENDPOINTS.find((e) => e.url === '/v1/stake/unstakes')!;
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['with a space', 'a b'],
      ['too long', 'k'.repeat(201)],
    ])('unstake with the idempotency key %s → 400 naming the header', async (_label, key) => {
      const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };
      await refused(() => h.request('POST', unstake.url, { token: INDEXER, body: unstake.body, headers }), { status: 400, fields: ['headers.idempotency-key'], exact: true });
    });

    it.each(['0x123', 'zz', badChecksum, `0x${'a'.repeat(41)}`])('DELETE /v1/verifiers/%s → 400 naming params.address', async (address) => {
      await refused(() => h.request('DELETE', `/v1/verifiers/${encodeURIComponent(address)}`, { token: ADMIN }), { status: 400, fields: ['params.address'], exact: true });
    });

    it.each(['abc', '0', '-1', '1.5', '1e3', '99999999999999999999'])('POST /v1/distributions/%s/publish → 400 naming params.seq', async (seq) => {
      await refused(() => h.request('POST', `/v1/distributions/${seq}/publish`, { token: ADMIN }), { status: 400, fields: ['params.seq'], exact: true });
    });

    it.each(['/v1/epochs/x', '/v1/epochs/-1', '/v1/accounts/0x12', '/v1/accounts/0x12/proofs', '/v1/distributions/0', '/v1/epochs?limit=0', '/v1/epochs?limit=5000', '/v1/epochs?bogus=1'])(
      'GET %s → 400 problem',
      async (url) => {
        const r = await h.request('GET', url);
        expect(r.status).toBe(400);
        expect(r.contentType).toContain('application/problem+json');
      },
    );

    it.each(PATH_PARAMS.map((p) => [`${p.method} ${p.url(':x')}`, p] as const))('%s with a 10,000-character parameter → 400 naming it, inject and socket', async (_label, p) => {
      const expected = { status: 400, fields: [p.field], exact: true, type: 'urn:corex:problem:invalid-request' };
      const headers = p.token ? { authorization: `Bearer ${p.token}` } : undefined;
      await refused(() => h.request(p.method, p.url(LONG_PARAM), p.token ? { token: p.token } : {}), expected);
      await refused(() => socketRequest(h.service.url, { method: p.method, path: p.url(LONG_PARAM), ...(headers ? { headers } : {}) }), expected);
    });

    it('a parameter beyond the header limit is 414 over inject (no parser) and 431 over a socket', async () => {
      const p = PATH_PARAMS[0]!;
      await refused(() => h.request(p.method, p.url(OVER_HEADER_LIMIT), { token: ADMIN }), { status: 414, type: 'urn:corex:problem:uri-too-long' });
      await refused(() => socketRequest(h.service.url, { method: p.method, path: p.url(OVER_HEADER_LIMIT), headers: { authorization: `Bearer ${ADMIN}` } }), {
        status: 431,
        type: 'urn:corex:problem:headers-too-large',
      });
    });

    it('bad percent-encoding in the path → 400 problem naming the url', async () => {
      await refused(() => h.request('DELETE', '/v1/verifiers/%zz', { token: ADMIN }), { status: 400, fields: ['url'], exact: true });
    });

    it('a request that is not HTTP → 400 problem', async () => {
      await refused(() => rawRequest(h.service.url, 'HELLO THERE\r\n\r\n'), { status: 400, fields: ['request'], exact: true });
    });

    it('an unknown route is a 404 problem', async () => {
      const r = await h.request('POST', '/v1/nope', { token: ADMIN, body: {} });
      expect(r.status).toBe(404);
      expect(r.contentType).toContain('application/problem+json');
    });
  });
});
