/**
 * Issue 4's acceptance, end to end over HTTP on PostgreSQL and the in-process EVM: register nodes
 * and verifiers, submit signed contributions and verdicts, stake, record revenue, close epochs,
 * publish distributions, accept them after the timelock, claim on-chain with proofs from /proofs
 * (sent over the chain's JSON-RPC endpoint), index the claims — and then /v1/accounts shows
 * claimed AND claimable to the base unit, checked against the chain, the OZ tree and hand
 * arithmetic of the revenue split. Steps share one service and run in order.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributorClient } from '../../adapters/chain/index.ts';
import { cxt } from '../../domain/index.ts';
import { postgresAvailable } from '../support/postgres.ts';
import { ADMIN, BILLING, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

const available = await postgresAvailable();

const [v1, v2] = [wallet('e2e-verifier-1'), wallet('e2e-verifier-2')];
const opA = wallet('e2e-operator-a'); // runs the GPU node and stakes
const opB = wallet('e2e-operator-b'); // runs the edge node and provides marketplace work
const staker = wallet('e2e-staker-c');
const [signerA, signerB] = [wallet('e2e-signer-a'), wallet('e2e-signer-b')];
const addr = (w: { address: string }) => w.address.toLowerCase();

const GROSS = [1_000_000_003n, 777_777n];
const fee = (gross: bigint) => (gross * 1000n) / 10_000n;

let h: Harness;
let chainId: number;
let cxtToken: string;
let wbnb: string;
let rpc: JsonRpcProvider;

/** Reply bodies are inspected field by field. */
type Body = Record<string, any>;

const ok = async (r: Promise<{ status: number; json: unknown }>, status = 201): Promise<Body> => {
  const reply = await r;
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  return reply.json as Body;
};

const contribute = async (signer: typeof signerA, c: { id: string; node: string; epoch: number; kind: 'compute' | 'training' | 'data'; units: number }) =>
  ok(
    h.request('POST', '/v1/contributions', {
      body: await signedContribution(signer, chainId, { contributionId: c.id, nodeId: c.node, epoch: c.epoch, kind: c.kind, units: c.units, proofHash: proofHash(c.units) }),
    }),
  );

const verdict = async (v: typeof v1, contributionId: string, value: 'verified' | 'invalid' | 'fraud') =>
  ok(h.request('POST', '/v1/verdicts', { body: await signedVerdict(v, chainId, { contributionId, verdict: value }) }));

/** Moves the chain and the service clock past the distributor's timelock. */
const passTimelock = async () => {
  await rpc.send('evm_increaseTime', [3601]);
  await rpc.send('evm_mine', []);
  h.clock.nowSeconds += 3601;
};

const tokenRow = (account: Body, token: string) => account.tokens.find((t: { token: string }) => t.token === token);

/** Claims a leaf on-chain with the proof the service serves, sent by a relayer over JSON-RPC. */
const claimFromProofs = async (account: string, token: string) => {
  const proofs = await ok(h.request('GET', `/v1/accounts/${account}/proofs`), 200);
  const leaf = proofs.active.claims.find((c: { token: string }) => c.token === token);
  const relayer = distributorClient(proofs.active.contract, await rpc.getSigner(5));
  await relayer.claim({ account, token, cumulative: BigInt(leaf.cumulative), proof: leaf.proof });
  return BigInt(leaf.cumulative);
};

describe.skipIf(!available)('the settlement service end to end (PostgreSQL + in-process EVM)', () => {
  beforeAll(async () => {
    h = await startHarness({ storage: 'postgres' });
    chainId = h.service.chain.chainId;
    cxtToken = h.service.chain.cxtToken;
    wbnb = h.service.chain.wbnbToken!;
    rpc = new JsonRpcProvider(h.service.chain.rpcUrl, undefined, { staticNetwork: true });
  });
  afterAll(async () => {
    rpc?.destroy();
    await h?.destroy();
  });

  it('epoch 0: registers verifiers and nodes, takes stake, signed work and verdicts, and revenue', async () => {
    h.at(0);
    for (const v of [v1, v2]) await ok(h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: v.address } }));
    await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'gpu-1', operator: opA.address, signer: signerA.address, hardwareClass: 'gpu' } }));
    await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'edge-1', operator: opB.address, signer: signerB.address, hardwareClass: 'edge', region: 'eu' } }));
    await ok(h.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: opA.address, amount: cxt(10_000).toString(), ref: 'stake-tx-a:0' } }));
    await ok(h.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: staker.address, amount: cxt(30_000).toString(), ref: 'stake-tx-c:0' } }));
    await contribute(signerA, { id: 'w0-gpu', node: 'gpu-1', epoch: 0, kind: 'compute', units: 1000 });
    await contribute(signerB, { id: 'w0-edge', node: 'edge-1', epoch: 0, kind: 'data', units: 500 });
    await contribute(signerB, { id: 'w0-bad', node: 'edge-1', epoch: 0, kind: 'training', units: 100 });
    await verdict(v1, 'w0-gpu', 'verified');
    await verdict(v2, 'w0-edge', 'verified');
    await verdict(v1, 'w0-bad', 'invalid');
    await ok(h.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'rev-0', source: 'api', asset: wbnb, gross: GROSS[0]!.toString(), provider: opB.address } }));
    const supply = await ok(h.request('GET', '/v1/supply'), 200);
    expect(supply).toMatchObject({ minted: '0', staked: cxt(40_000).toString(), lastClosedEpoch: -1, currentEpoch: 0, cxtToken });
  });

  it('epoch 1: the scheduler closes epoch 0, creates distribution 1 and proposes it on-chain', async () => {
    h.at(1);
    const tick = await h.service.scheduler.tick();
    expect(tick.failed).toEqual({});
    expect(Object.keys(tick.done)).toEqual(expect.arrayContaining(['epochs', 'distribution', 'publisher']));
    const d1 = await ok(h.request('GET', '/v1/distributions/1'), 200);
    expect(d1).toMatchObject({ seq: 1, status: 'published', throughEpoch: 0, published: { chainId, contract: h.service.chain.distributor } });
    const pending = await distributorClient(h.service.chain.distributor, rpc).pending();
    expect(pending?.root).toBe(d1.root);
    // Proofs are served for the pending distribution before it can be claimed.
    const proofs = await ok(h.request('GET', `/v1/accounts/${opA.address}/proofs`), 200);
    expect(proofs.active).toBeNull();
    expect(proofs.pending).toMatchObject({ seq: 1, status: 'published', root: d1.root, validAt: pending!.validAt, contract: h.service.chain.distributor, treeAvailable: true });
    expect(proofs.pending.claims.map((c: { token: string }) => c.token)).toEqual([cxtToken]);
    // More work and revenue in epoch 1; the stake deposited in epoch 0 is active now.
    await contribute(signerA, { id: 'w1-gpu', node: 'gpu-1', epoch: 1, kind: 'compute', units: 2000 });
    await verdict(v2, 'w1-gpu', 'verified');
    await ok(h.request('POST', '/v1/revenue', { token: BILLING, body: { revenueId: 'rev-1', source: 'task', asset: wbnb, gross: GROSS[1]!.toString(), provider: opB.address } }));
  });

  let x0: bigint;
  it('accepts distribution 1 after the timelock; A claims it on-chain with the served proof; the claim is indexed', async () => {
    await passTimelock();
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    expect(await ok(h.request('GET', '/v1/distributions/1'), 200)).toMatchObject({ status: 'active' });
    x0 = await claimFromProofs(addr(opA), cxtToken);
    expect(x0).toBeGreaterThan(0n);
    expect((await h.service.scheduler.tick()).done.claims).toMatch(/1 claim/);
    const a = await ok(h.request('GET', `/v1/accounts/${opA.address}`), 200);
    expect(tokenRow(a, cxtToken)).toEqual({
      token: cxtToken,
      cumulativeAllocated: x0.toString(),
      activeDistributionCumulative: x0.toString(),
      claimed: x0.toString(),
      claimable: '0',
    });
  });

  it('epoch 2: closes epoch 1, publishes and accepts distribution 2; A shows claimed and claimable to the base unit', async () => {
    h.at(2);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    await passTimelock();
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    const d2 = await ok(h.request('GET', '/v1/distributions/2'), 200);
    expect(d2).toMatchObject({ status: 'active', throughEpoch: 1 });

    const a = await ok(h.request('GET', `/v1/accounts/${opA.address}`), 200);
    const cxtRow = tokenRow(a, cxtToken);
    const x1 = BigInt(cxtRow.activeDistributionCumulative);
    expect(x1).toBeGreaterThan(x0);
    expect(cxtRow).toEqual({
      token: cxtToken,
      cumulativeAllocated: x1.toString(),
      activeDistributionCumulative: x1.toString(),
      claimed: x0.toString(),
      claimable: (x1 - x0).toString(),
    });
    // Against the chain: what the distributor says A has claimed, and what A holds.
    const reader = distributorClient(h.service.chain.distributor, rpc);
    expect(await reader.claimed(addr(opA), cxtToken)).toBe(x0);
    expect(await reader.tokenBalance(cxtToken, addr(opA))).toBe(x0);
    // Against OpenZeppelin's own reading of the served dump, and the root on-chain.
    const dump = await ok(h.request('GET', '/v1/distributions/2/tree'), 200);
    const tree = StandardMerkleTree.load(dump as never);
    expect(tree.root).toBe(d2.root);
    expect(await reader.root()).toBe(d2.root);
    const leaf = [...tree.entries()].find(([, v]) => String(v[0]).toLowerCase() === addr(opA) && String(v[1]).toLowerCase() === cxtToken);
    expect(BigInt(String(leaf![1][2]))).toBe(x1);

    // Revenue, by hand: the provider keeps gross − fee; stakers (A 10k, C 30k active in epoch 1) share half of epoch 1's fee.
    const providerWbnb = GROSS[0]! - fee(GROSS[0]!) + GROSS[1]! - fee(GROSS[1]!);
    const pool1 = (fee(GROSS[1]!) * 5000n) / 10_000n;
    const b = await ok(h.request('GET', `/v1/accounts/${opB.address}`), 200);
    expect(tokenRow(b, wbnb)).toEqual({ token: wbnb, cumulativeAllocated: providerWbnb.toString(), activeDistributionCumulative: providerWbnb.toString(), claimed: '0', claimable: providerWbnb.toString() });
    expect(tokenRow(a, wbnb)).toMatchObject({ activeDistributionCumulative: (pool1 / 4n).toString(), claimed: '0', claimable: (pool1 / 4n).toString() });
    const c = await ok(h.request('GET', `/v1/accounts/${staker.address}`), 200);
    expect(tokenRow(c, wbnb)).toMatchObject({ activeDistributionCumulative: ((pool1 * 3n) / 4n).toString(), claimable: ((pool1 * 3n) / 4n).toString() });
    expect(a).toMatchObject({ activeStake: cxt(10_000).toString(), unbondingStake: '0', tier: 'bronze', activeDistribution: { seq: 2, root: d2.root } });
  });

  it('claims the rest: balances on-chain equal cumulative, and nothing is claimable', async () => {
    await claimFromProofs(addr(opA), cxtToken);
    const provided = await claimFromProofs(addr(opB), wbnb);
    expect((await h.service.scheduler.tick()).done.claims).toMatch(/2 claim/);
    const reader = distributorClient(h.service.chain.distributor, rpc);
    const a = await ok(h.request('GET', `/v1/accounts/${opA.address}`), 200);
    const b = await ok(h.request('GET', `/v1/accounts/${opB.address}`), 200);
    const x1 = BigInt(tokenRow(a, cxtToken).activeDistributionCumulative);
    expect(tokenRow(a, cxtToken)).toMatchObject({ claimed: x1.toString(), claimable: '0' });
    expect(await reader.tokenBalance(cxtToken, addr(opA))).toBe(x1);
    expect(tokenRow(b, wbnb)).toMatchObject({ claimed: provided.toString(), claimable: '0' });
    expect(await reader.tokenBalance(wbnb, addr(opB))).toBe(provided);
  });

  it('reads agree with each other: supply minted = the CXT total of the active distribution; epochs and the read-model tables', async () => {
    const supply = await ok(h.request('GET', '/v1/supply'), 200);
    const d2 = await ok(h.request('GET', '/v1/distributions/2'), 200);
    expect(d2.totals.find((t: { token: string }) => t.token === cxtToken).cumulative).toBe(supply.minted);
    const epochs = await ok(h.request('GET', '/v1/epochs'), 200);
    expect(epochs.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1]);
    expect((await ok(h.request('GET', '/v1/distributions'), 200)).distributions.map((d: { status: string }) => d.status)).toEqual(['superseded', 'active']);
    await h.service.scheduler.tick();
    const tables = await h.service.projections.dump();
    const row = (tables.accountTokens as { address: string; token: string; claimed: string }[]).find((r) => r.address === addr(opA) && r.token === cxtToken);
    expect(String(row?.claimed)).toBe(tokenRow(await ok(h.request('GET', `/v1/accounts/${opA.address}`), 200), cxtToken).claimed);
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.json).toMatch(/cxt_events_appended_total\{type="EpochClosed"\} 2/);
    expect(metrics.json).toMatch(/cxt_projection_lag_events 0/);
    expect(metrics.json).toMatch(/cxt_epoch_close_duration_seconds_count 2/);
  });
});
