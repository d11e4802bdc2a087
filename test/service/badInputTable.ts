/**
 * The bad-input table (issues 4 and 9): for EVERY write endpoint, the valid body it starts from and
 * the cases derived from it — missing fields, wrong types, negative, fractional and huge amounts,
 * malformed addresses, unknown fields, everything wrong at once, oversized bodies, invalid JSON,
 * wrong content types, duplicate keys, NUL and lone surrogates in every field. The runner is
 * badInput.test.ts.
 */
import { ADMIN, BILLING, INDEXER, proofHash, wallet } from './harness.ts';

export const A = wallet('bad-input-a').address;
/** Mixed case with one letter's case flipped: a broken EIP-55 checksum. */
export const badChecksum = (() => {
  const i = [...A].findIndex((ch, k) => k > 1 && /[a-fA-F]/.test(ch));
  return A.slice(0, i) + (A[i] === A[i]!.toUpperCase() ? A[i]!.toLowerCase() : A[i]!.toUpperCase()) + A.slice(i + 1);
})();

const BAD: Record<string, readonly unknown[]> = {
  id: [123, '', 'has space', 'x'.repeat(201), null],
  address: [123, '0x123', 'not-an-address', `0x${'g'.repeat(40)}`, `0x${'a'.repeat(41)}`, badChecksum],
  amount: [1000, '-1', '1.5', '1e3', '0x10', (2n ** 256n).toString(), '9'.repeat(100), '', ' 1', '01', '0'],
  epoch: ['1', -1, 1.5, 2 ** 41, null, true],
  count: ['10', 0, -1, 1.5, 2 ** 53],
  block: ['1', -1, 1.5, 2 ** 53, null, true],
  hash: ['0x12', 123, `0x${'z'.repeat(64)}`],
  signature: ['0x12', 1, `0x${'0'.repeat(128)}`],
  hardwareClass: ['gpuu', 1, ''],
  kind: ['inference', 0],
  verdict: ['valid', true],
  source: ['cash', 7],
  burnReason: ['slash', 'BUYBACK'],
  region: ['', 'r'.repeat(65), 5, 'eu\nwest'],
  // "" is no task (issue 9), so it is not here.
  taskId: [123, 'has space', 'x'.repeat(201), null],
  taskKind: ['compute', 0],
  redundancy: [0, 6, '3', 1.5],
};

export interface Endpoint {
  readonly name: string;
  readonly method: 'POST' | 'DELETE';
  readonly url: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Record<string, unknown>;
  /** Dotted field path → kind in BAD. */
  readonly fields: Record<string, keyof typeof BAD>;
  readonly required: readonly string[];
}

const contribution = { contributionId: 'c-1', nodeId: 'node-1', epoch: 0, kind: 'compute', units: 10, proofHash: proofHash(1) };
const SIG = `0x${'ab'.repeat(65)}`;

export const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'register node',
    method: 'POST',
    url: '/v1/nodes',
    token: ADMIN,
    body: { nodeId: 'node-1', operator: A, signer: A, hardwareClass: 'gpu', region: 'eu-west' },
    fields: { nodeId: 'id', operator: 'address', signer: 'address', hardwareClass: 'hardwareClass', region: 'region' },
    required: ['nodeId', 'operator', 'signer', 'hardwareClass'],
  },
  {
    name: 'submit contribution',
    method: 'POST',
    url: '/v1/contributions',
    body: { contribution: { ...contribution, taskId: 't-1', fragmentId: 'f-1' }, signature: SIG },
    fields: {
      'contribution.contributionId': 'id',
      'contribution.nodeId': 'id',
      'contribution.epoch': 'epoch',
      'contribution.kind': 'kind',
      'contribution.units': 'count',
      'contribution.proofHash': 'hash',
      'contribution.taskId': 'taskId',
      'contribution.fragmentId': 'taskId',
      signature: 'signature',
    },
    required: ['contribution', 'signature', ...Object.keys(contribution).map((k) => `contribution.${k}`)],
  },
  {
    name: 'submit verdict',
    method: 'POST',
    url: '/v1/verdicts',
    body: { verdict: { contributionId: 'c-1', verdict: 'verified' }, signature: SIG },
    fields: { 'verdict.contributionId': 'id', 'verdict.verdict': 'verdict', signature: 'signature' },
    required: ['verdict', 'signature', 'verdict.contributionId', 'verdict.verdict'],
  },
  { name: 'register verifier', method: 'POST', url: '/v1/verifiers', token: ADMIN, body: { verifier: A }, fields: { verifier: 'address' }, required: ['verifier'] },
  {
    name: 'stake deposit',
    method: 'POST',
    url: '/v1/stake/deposits',
    token: INDEXER,
    body: { account: A, amount: '1000', ref: 'tx:0' },
    fields: { account: 'address', amount: 'amount', ref: 'id' },
    required: ['account', 'amount', 'ref'],
  },
  {
    name: 'unstake request',
    method: 'POST',
    url: '/v1/stake/unstakes',
    token: INDEXER,
    headers: { 'idempotency-key': 'u-1' },
    body: { account: A, amount: '1000' },
    fields: { account: 'address', amount: 'amount' },
    required: ['account', 'amount'],
  },
  {
    name: 'withdrawal',
    method: 'POST',
    url: '/v1/stake/withdrawals',
    token: INDEXER,
    headers: { 'idempotency-key': 'w-1' },
    body: { account: A, amount: '1000' },
    fields: { account: 'address', amount: 'amount' },
    required: ['account', 'amount'],
  },
  {
    name: 'revenue',
    method: 'POST',
    url: '/v1/revenue',
    token: BILLING,
    body: { revenueId: 'r-1', source: 'api', asset: A, gross: '1000', provider: A },
    fields: { revenueId: 'id', source: 'source', asset: 'address', gross: 'amount', provider: 'address' },
    required: ['revenueId', 'source', 'asset', 'gross'],
  },
  {
    name: 'burn',
    method: 'POST',
    url: '/v1/burns',
    token: ADMIN,
    body: { burnId: 'b-1', amount: '1000', reason: 'buyback', asset: A, spent: '5' },
    fields: { burnId: 'id', amount: 'amount', reason: 'burnReason', asset: 'address', spent: 'amount' },
    required: ['burnId', 'amount', 'reason'],
  },
  {
    name: 'post task',
    method: 'POST',
    url: '/v1/tasks',
    token: BILLING,
    body: {
      taskId: 't-1',
      initiator: A,
      kind: 'inference',
      asset: A,
      budget: '1000',
      fragments: [{ fragmentId: 'f-1', units: 10, hardwareClass: 'gpu' }],
      redundancy: 3,
      quorum: 2,
      deadlineEpoch: 3,
    },
    fields: {
      taskId: 'id',
      initiator: 'address',
      kind: 'taskKind',
      asset: 'address',
      budget: 'amount',
      'fragments.0.fragmentId': 'id',
      'fragments.0.units': 'count',
      'fragments.0.hardwareClass': 'hardwareClass',
      redundancy: 'redundancy',
      quorum: 'redundancy',
      deadlineEpoch: 'epoch',
    },
    required: ['taskId', 'initiator', 'kind', 'asset', 'budget', 'fragments', 'redundancy', 'quorum', 'deadlineEpoch'],
  },
  { name: 'close epoch', method: 'POST', url: '/v1/epochs/close', token: ADMIN, body: { epoch: 0 }, fields: { epoch: 'epoch' }, required: ['epoch'] },
  { name: 'create distribution', method: 'POST', url: '/v1/distributions', token: ADMIN, body: { throughEpoch: 0 }, fields: { throughEpoch: 'epoch' }, required: [] },
  { name: 'rescan claims', method: 'POST', url: '/v1/claims/rescan', token: ADMIN, body: { fromBlock: 0 }, fields: { fromBlock: 'block' }, required: ['fromBlock'] },
];

const clone = (v: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
const setPath = (body: Record<string, unknown>, path: string, value: unknown, remove = false): Record<string, unknown> => {
  const out = clone(body);
  const keys = path.split('.');
  let target = out;
  for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
  if (remove) delete target[keys.at(-1)!];
  else target[keys.at(-1)!] = value;
  return out;
};

export interface Case {
  readonly label: string;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** Fields the problem must list (exactly these for one-field cases). */
  readonly fields?: readonly string[];
  readonly exact?: boolean;
  /** The problem type, when the case is about it. */
  readonly type?: string;
}

/** The body as JSON text with the key at `path` written twice (same value: last-one-wins would accept it). */
const withDuplicate = (value: Record<string, unknown>, path: readonly string[]): string => {
  const [key, ...rest] = path;
  const members = Object.entries(value).map(([k, v]) =>
    `${JSON.stringify(k)}:${k === key && rest.length > 0 ? withDuplicate(v as Record<string, unknown>, rest) : JSON.stringify(v)}`,
  );
  if (rest.length === 0) members.push(`${JSON.stringify(key)}:${JSON.stringify(value[key!])}`);
  return `{${members.join(',')}}`;
};

const INVALID_JSON = 'urn:corex:problem:invalid-json';

/** Issue 9: what JSON.parse lets through but the service refuses, for every field of the endpoint. */
const unacceptableJsonCases = (e: Endpoint, body: Record<string, unknown>): Case[] => {
  const cases: Case[] = [];
  for (const f of Object.keys(e.fields)) {
    const one = { status: 400, fields: [f], exact: true, type: INVALID_JSON };
    cases.push({ label: `${f} twice`, raw: withDuplicate(body, f.split('.')), ...one });
    cases.push({ label: `${f} with NUL`, body: setPath(body, f, 'a\u0000b'), ...one });
    // JSON.stringify writes a lone surrogate as its \u escape.
    cases.push({ label: `${f} with a lone surrogate`, body: setPath(body, f, 'a\ud800'), ...one });
  }
  cases.push({ label: 'NUL in a key', body: { ...clone(body), 're\u0000gion': 'x' }, status: 400, fields: ['re\\u0000gion'], exact: true, type: INVALID_JSON });
  cases.push({ label: 'NUL in an unknown field', body: { ...clone(body), extra: { note: '\u0000' } }, status: 400, fields: ['extra.note'], exact: true, type: INVALID_JSON });
  return cases;
};

export const casesFor = (e: Endpoint): Case[] => {
  const body = e.body!;
  const cases: Case[] = [];
  for (const f of e.required) cases.push({ label: `missing ${f}`, body: setPath(body, f, undefined, true), status: 400, fields: [f], exact: true });
  for (const [f, kind] of Object.entries(e.fields))
    for (const v of BAD[kind]!) cases.push({ label: `${f} = ${JSON.stringify(v)}`, body: setPath(body, f, v), status: 400, fields: [f], exact: true });
  cases.push({ label: 'an unknown field', body: { ...clone(body), extra: 1 }, status: 400, fields: ['extra'], exact: true });
  const allWrong = Object.entries(e.fields).reduce<Record<string, unknown>>((b, [f, kind]) => setPath(b, f, BAD[kind]![0]), { ...clone(body), typo: 'x' });
  cases.push({ label: 'every field wrong at once (all listed)', body: allWrong, status: 400, fields: [...Object.keys(e.fields), 'typo'], exact: true });
  cases.push({ label: 'invalid JSON', raw: '{"a": ', status: 400 });
  cases.push({ label: 'trailing garbage after JSON', raw: `${JSON.stringify(body)} x`, status: 400 });
  cases.push({ label: 'an empty body', raw: '', status: 400 });
  for (const raw of ['[]', 'null', '42', '"text"']) cases.push({ label: `a JSON ${raw} instead of an object`, raw, status: 400 });
  cases.push({ label: 'a __proto__ key', raw: `{"__proto__": {"x": 1}, ${JSON.stringify(body).slice(1)}`, status: 400 });
  cases.push({ label: 'an oversized body', body: { ...clone(body), padding: 'x'.repeat(70_000) }, status: 413 });
  cases.push({ label: 'text/plain', raw: JSON.stringify(body), headers: { 'content-type': 'text/plain' }, status: 415 });
  cases.push({ label: 'form encoding', raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 });
  return [...cases, ...unacceptableJsonCases(e, body)];
};

