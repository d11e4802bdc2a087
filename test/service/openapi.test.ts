/**
 * /docs is generated from the io-ts codecs that validate requests. The converter is checked on its
 * own (strict objects, named scalars, refusal of kinds it cannot describe), against a JSON Schema
 * validator (what io-ts accepts, the schema accepts; what the schema rejects, io-ts rejects), and
 * on the served OpenAPI document (every write endpoint, its body schema, its bearer security).
 */
import * as t from 'io-ts';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../adapters/http/jsonSchema.ts';
import { bodies, params } from '../../adapters/http/requestCodecs.ts';
import { Address, Amount, cxt } from '../../domain/index.ts';
import { startHarness, wallet, type Harness } from './harness.ts';

// ajv comes with fastify (a pinned transitive dependency); used here only to read our schemas.
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
const A = wallet('openapi').address;

describe('io-ts → JSON Schema', () => {
  it('describes a strict object: properties, required, no additional properties', () => {
    expect(toJsonSchema(bodies.deposit)).toEqual({
      type: 'object',
      title: 'StakeDepositRequest',
      description: expect.any(String),
      properties: {
        account: expect.objectContaining({ type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' }),
        amount: expect.objectContaining({ type: 'string', pattern: '^[1-9][0-9]*$', maxLength: 39 }),
        ref: expect.objectContaining({ type: 'string', pattern: '^[!-~]{1,200}$' }),
      },
      required: ['account', 'amount', 'ref'],
      additionalProperties: false,
    });
  });

  it('describes nested objects, enumerations and integers', () => {
    const s = toJsonSchema(bodies.contribution) as { properties: { contribution: { properties: Record<string, unknown>; required: string[] } } };
    expect(s.properties.contribution.required).toEqual(['contributionId', 'nodeId', 'epoch', 'kind', 'units', 'proofHash']);
    expect(s.properties.contribution.properties.kind).toEqual({ type: 'string', enum: ['compute', 'training', 'data'] });
    expect(s.properties.contribution.properties.units).toMatchObject({ type: 'integer', minimum: 1 });
    expect(toJsonSchema(params.epoch)).toMatchObject({ properties: { epoch: { type: 'integer', minimum: 0 } } });
  });

  it('refuses a codec kind it cannot describe faithfully', () => {
    const refined = t.refinement(t.string, (s) => s.length > 3, 'LongString');
    expect(() => toJsonSchema(refined)).toThrow(/cannot describe codec LongString/);
    expect(() => toJsonSchema(t.type({ a: t.string }))).toThrow(/cannot describe/);
  });

  const samples: Array<[string, t.Mixed, unknown[], unknown[]]> = [
    ['deposit', bodies.deposit, [{ account: A, amount: '1', ref: 'r' }, { account: A.toLowerCase(), amount: cxt(5).toString(), ref: 'tx:1' }], [
      { account: A, amount: '0', ref: 'r' },
      { account: A, amount: '-1', ref: 'r' },
      { account: A, amount: '1.5', ref: 'r' },
      { account: A, amount: 1, ref: 'r' },
      { account: '0x12', amount: '1', ref: 'r' },
      { account: A, amount: '1', ref: 'has space' },
      { account: A, amount: '1' },
      { account: A, amount: '1', ref: 'r', extra: true },
    ]],
    ['burn', bodies.burn, [{ burnId: 'b', amount: '5', reason: 'other' }, { burnId: 'b', amount: '5', reason: 'buyback', asset: A, spent: '3' }], [
      { burnId: 'b', amount: '5', reason: 'slash' },
      { burnId: 'b', amount: '5', reason: 'other', spent: '0' },
    ]],
    ['close epoch', bodies.closeEpoch, [{ epoch: 0 }, { epoch: 2 ** 40 }], [{ epoch: -1 }, { epoch: 1.5 }, { epoch: '1' }, { epoch: 2 ** 40 + 1 }, {}]],
    (() => {
      const task = { taskId: 't', initiator: A, kind: 'data', asset: A, budget: '7', fragments: [{ fragmentId: 'f', units: 1, hardwareClass: 'cpu' }], redundancy: 1, quorum: 1, deadlineEpoch: 0 };
      return ['post task', bodies.postTask, [task, { ...task, redundancy: 5, quorum: 5 }], [
        { ...task, fragments: [] },
        { ...task, redundancy: 6 },
        { ...task, kind: 'compute' },
        { ...task, fragments: [{ fragmentId: 'f', units: 0, hardwareClass: 'cpu' }] },
        { ...task, fragments: [{ fragmentId: 'f', units: 1, hardwareClass: 'cpu', extra: 1 }] },
      ]] as const;
    })(),
  ];
  for (const [name, codec, valid, invalid] of samples) {
    it(`agrees with io-ts on ${name} bodies`, () => {
      const validate = ajv.compile(toJsonSchema(codec));
      for (const v of valid) expect([codec.decode(v)._tag, validate(v)], JSON.stringify(v)).toEqual(['Right', true]);
      for (const v of invalid) expect([codec.decode(v)._tag, validate(v)], JSON.stringify(v)).toEqual(['Left', false]);
    });
  }

  it('is never stricter than io-ts; io-ts alone checks what a pattern cannot (EIP-55 checksums, 2^256 − 1)', () => {
    const badChecksum = `0x${A.slice(2, 3) === A.slice(2, 3).toUpperCase() ? A.slice(2, 3).toLowerCase() : A.slice(2, 3).toUpperCase()}${A.slice(3)}`;
    const tooBig = '9'.repeat(78);
    for (const [codec, value] of [
      [Address, badChecksum],
      [Amount, tooBig],
    ] as const) {
      expect(codec.decode(value)._tag).toBe('Left');
      expect(ajv.compile(toJsonSchema(codec))(value)).toBe(true);
    }
  });
});

describe('the served OpenAPI document', () => {
  let h: Harness;
  let doc: { openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, { schema: unknown }> } }>> };
  beforeAll(async () => {
    h = await startHarness();
    doc = (await h.request('GET', '/docs/json')).json;
  });
  afterAll(() => h?.destroy());

  it('is OpenAPI 3.1 with every endpoint', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz', '/readyz', '/metrics', '/v1/info', '/v1/accounts/{address}', '/v1/accounts/{address}/proofs', '/v1/accounts/{address}/epochs', '/v1/accounts/{address}/epochs/{epoch}', '/v1/accounts/{address}/epochs.csv', '/v1/accounts/{address}/payout-chain', '/v1/accounts/{address}/stake', '/v1/contributions/{contributionId}', '/v1/epochs', '/v1/epochs/{epoch}', '/v1/epochs/{epoch}/receipts',
        '/v1/supply', '/v1/tasks', '/v1/tasks/{taskId}', '/v1/distributions', '/v1/distributions/{seq}', '/v1/distributions/{seq}/tree', '/v1/contributions', '/v1/verdicts',
        '/v1/nodes', '/v1/nodes/{nodeId}', '/v1/nodes/{nodeId}/assignments', '/v1/events', '/v1/verifiers', '/v1/verifiers/{address}', '/v1/stake/deposits', '/v1/stake/unstakes', '/v1/stake/withdrawals',
        '/v1/revenue', '/v1/burns', '/v1/epochs/close', '/v1/distributions/{seq}/publish', '/v1/distributions/{seq}/revoke', '/v1/assets', '/v1/claims/rescan',
        '/v1/contributions/batch', '/v1/contributions/signed-batch', '/v1/verdicts/batch',
      ].sort(),
    );
  });

  it('documents each write body with the schema of the codec that validates it', () => {
    const cases: Array<[string, t.Mixed]> = [
      ['/v1/contributions', bodies.contribution],
      ['/v1/verdicts', bodies.verdict],
      ['/v1/contributions/batch', bodies.contributionBatch],
      ['/v1/contributions/signed-batch', bodies.contributionSignedBatch],
      ['/v1/verdicts/batch', bodies.verdictBatch],
      ['/v1/nodes', bodies.registerNode],
      ['/v1/stake/deposits', bodies.deposit],
      ['/v1/revenue', bodies.revenue],
      ['/v1/burns', bodies.burn],
      ['/v1/assets', bodies.registerAsset],
      ['/v1/tasks', bodies.postTask],
      ['/v1/claims/rescan', bodies.rescanClaims],
    ];
    for (const [path, codec] of cases) expect(doc.paths[path]!.post!.requestBody!.content['application/json']!.schema).toEqual(toJsonSchema(codec));
  });

  it('marks operator endpoints with bearer security, and not the signed or read ones', () => {
    expect(doc.paths['/v1/nodes']!.post!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/stake/unstakes']!.post!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/contributions']!.post!.security).toBeUndefined();
    expect(doc.paths['/v1/supply']!.get!.security).toBeUndefined();
  });

  it('serves the Swagger UI at /docs', async () => {
    const r = await h.service.app.inject({ method: 'GET', url: '/docs/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('swagger');
  });
});
