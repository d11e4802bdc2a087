/**
 * Issue 15's acceptance, end to end through the real service and two in-process EVMs with
 * different chain ids: chain A (31337) is the service's embedded primary chain, chain B (97) a
 * payout chain from PAYOUT_CHAINS, served over HTTP JSON-RPC as a real network would be. An
 * account claims on A, switches to B with its own EIP-712 signature, earns more, claims on B with
 * the proofs /proofs serves for B; its frozen leaf on A cannot be claimed again; the ledger and both
 * chains agree to the base unit. Chain B stopped mid-run stops only B's jobs. Steps run in order.
 */
import { HDNodeWallet, JsonRpcProvider, type Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributorClient, LOCAL_CHAIN_MNEMONIC, startLocalChain, type JsonRpcEndpoint } from '../../adapters/chain/index.ts';
import { signPayoutChain } from '../../adapters/http/eip712.ts';
import { exportLogToFile, runAudit } from '../../adapters/audit/index.ts';
import { join } from 'node:path';
import { cxt } from '../../domain/index.ts';
import { expectRevert, setUpDistributor, TIMELOCK, type Fixture } from '../chain/fixture.ts';
import { ADMIN, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from './harness.ts';

const CHAIN_B = 97;
/** Account 1 of the local chains' public test mnemonic: the updater of chain B's distributor (fixture.ts). */
const UPDATER_B_KEY = HDNodeWallet.fromPhrase(LOCAL_CHAIN_MNEMONIC, undefined, "m/44'/60'/0'/0/1").privateKey;

const verifier = wallet('payout-verifier');
const op = wallet('payout-operator');
const nodeSigner = wallet('payout-node-signer');
const OP = op.address.toLowerCase();

let h: Harness;
let fB: Fixture;
let endpointB: JsonRpcEndpoint;
let portB: number;
let rpcA: JsonRpcProvider;
let chainA: number;
let cxtA: string;

type Body = Record<string, any>;
const ok = async (r: Promise<{ status: number; json: unknown }>, status = 201): Promise<Body> => {
  const reply = await r;
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  return reply.json as Body;
};

const work = async (epoch: number, units: number) => {
  const id = `pc-${epoch}`;
  await ok(h.request('POST', '/v1/contributions', { body: await signedContribution(nodeSigner, chainA, { contributionId: id, nodeId: 'gpu-pc', epoch, kind: 'compute', units, proofHash: proofHash(units) }) }));
  await ok(h.request('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainA, { contributionId: id, verdict: 'verified' }) }));
};

/** Past the timelock on both chains and on the service's clock. */
const passTimelocks = async () => {
  await rpcA.send('evm_increaseTime', [TIMELOCK + 1]);
  await rpcA.send('evm_mine', []);
  await fB.chain.increaseTime(TIMELOCK + 1);
  h.clock.nowSeconds += TIMELOCK + 1;
};

const tick = async (): Promise<{ done: Record<string, string>; failed: Record<string, string> }> => h.service.scheduler.tick();

const setPayoutChain = async (signer: Wallet, chainId: number, sequence: number) =>
  h.request('POST', `/v1/accounts/${OP}/payout-chain`, { body: { chainId, sequence, signature: await signPayoutChain(signer, chainA, { account: OP, chainId, sequence }) } });

const proofs = async (): Promise<Body> => ok(h.request('GET', `/v1/accounts/${OP}/proofs`), 200);
const cumulativeCxt = async (): Promise<bigint> =>
  BigInt((await ok(h.request('GET', `/v1/accounts/${OP}`), 200)).tokens.find((t: Body) => t.token === cxtA).cumulativeAllocated);

beforeAll(async () => {
  const chainB = await startLocalChain({ chainId: CHAIN_B });
  fB = await setUpDistributor(chainB);
  // Bridging is not the engine's job: the operator funds B's distributor on B.
  await fB.mint(fB.cxt, fB.distributor.address, cxt(1_000_000));
  await fB.mint(fB.wbnb, fB.distributor.address, cxt(1_000_000));
  endpointB = await chainB.serve();
  portB = Number(new URL(endpointB.url).port);
  const payoutChains = [{ chainId: CHAIN_B, rpcUrl: endpointB.url, distributor: fB.distributor.address, privateKey: UPDATER_B_KEY, confirmations: 0, assets: { CXT: fB.cxt, WBNB: fB.wbnb } }];
  h = await startHarness({ env: { PAYOUT_CHAINS: JSON.stringify(payoutChains) } });
  chainA = h.service.chain.chainId;
  cxtA = h.service.chain.cxtToken;
  rpcA = new JsonRpcProvider(h.service.chain.rpcUrl, undefined, { staticNetwork: true });
}, 120_000);
afterAll(async () => {
  rpcA?.destroy();
  await h?.destroy();
  await endpointB?.close().catch(() => undefined);
});

describe('one ledger paying on two chains, through the service', () => {
  it('lists chain B with its distributor and asset addresses, mapped in the ledger at start', async () => {
    const info = await ok(h.request('GET', '/v1/info'), 200);
    expect(info.payoutChains).toEqual([
      { chainId: CHAIN_B, distributor: fB.distributor.address, assets: expect.arrayContaining([{ asset: cxtA, address: fB.cxt }, { asset: h.service.chain.wbnbToken, address: fB.wbnb }]) },
    ]);
    expect(chainA).not.toBe(CHAIN_B);
  });

  let claimedOnA: bigint;
  it('epoch 0: work is paid on chain A, and the account claims it there', async () => {
    h.at(0);
    await ok(h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } }));
    await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'gpu-pc', operator: op.address, signer: nodeSigner.address, hardwareClass: 'gpu' } }));
    await work(0, 1000);
    h.at(1);
    expect((await tick()).failed).toEqual({});
    await passTimelocks();
    expect((await tick()).failed).toEqual({});
    const p = await proofs();
    expect(p).toMatchObject({ payoutChainId: null, active: { seq: 1, chainId: chainA }, chains: [] });
    const leaf = p.active.claims.find((c: Body) => c.token === cxtA);
    await distributorClient(p.active.contract, await rpcA.getSigner(5)).claim({ account: OP, token: cxtA, cumulative: BigInt(leaf.cumulative), proof: leaf.proof });
    claimedOnA = BigInt(leaf.cumulative);
    expect((await tick()).done.claims).toMatch(/1 claim/);
  });

  it('the account switches to chain B with its own signature; a stranger’s signature and a replayed one are refused', async () => {
    const account = await ok(h.request('GET', `/v1/accounts/${OP}`), 200);
    expect(account.payoutChain).toEqual({ chainId: null, nextSequence: 1 });
    const forged = await setPayoutChain(wallet('payout-stranger'), CHAIN_B, 1);
    expect([forged.status, forged.json.code]).toEqual([403, 'SIGNATURE_MISMATCH']);
    expect((await setPayoutChain(op, 56, 1)).json.code).toBe('CHAIN_UNKNOWN');
    await ok(setPayoutChain(op, CHAIN_B, 1));
    expect((await setPayoutChain(op, CHAIN_B, 1)).status).toBe(200); // the same signed request again: one change
    // A change signed with a used sequence (here: back to the primary chain) never counts: that
    // sequence is the key of the change already recorded. One that skips ahead is refused too.
    const stale = await setPayoutChain(op, chainA, 1);
    expect([stale.status, stale.json.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    const ahead = await setPayoutChain(op, chainA, 5);
    expect([ahead.status, ahead.json.code]).toEqual([422, 'PAYOUT_SEQUENCE']);
    expect((await ok(h.request('GET', `/v1/accounts/${OP}`), 200)).payoutChain).toEqual({ chainId: CHAIN_B, nextSequence: 2 });
  });

  it('epoch 1: new rewards accrue on B; each chain publishes its own tree with the same dataHash; the account claims on B', async () => {
    await work(1, 3000);
    h.at(2);
    expect((await tick()).failed).toEqual({});
    await passTimelocks();
    const t = await tick();
    expect(t.failed).toEqual({});
    expect(t.done[`publisher:${CHAIN_B}`]).toMatch(/distribution 2 accepted/);
    const p = await proofs();
    expect(p.payoutChainId).toBe(CHAIN_B);
    const onB = p.chains.find((c: Body) => c.chainId === CHAIN_B);
    expect(onB.active).toMatchObject({ seq: 2, status: 'active', chainId: CHAIN_B, contract: fB.distributor.address, treeAvailable: true });
    // On A the leaf stays where the switch froze it.
    expect(p.active.claims.find((c: Body) => c.token === cxtA).cumulative).toBe(claimedOnA.toString());
    const d2 = await ok(h.request('GET', '/v1/distributions/2'), 200);
    expect(await fB.distributor.root()).toBe(onB.active.root);
    // The distribution shows each tree's own stage; B's tree dump is served beside A's.
    expect(d2).toMatchObject({ status: 'active', published: { chainId: chainA }, chains: [{ chainId: CHAIN_B, status: 'active', root: onB.active.root, published: { chainId: CHAIN_B, contract: fB.distributor.address }, activated: { chainId: CHAIN_B } }] });
    const treeB = await ok(h.request('GET', `/v1/distributions/2/tree?chainId=${CHAIN_B}`), 200);
    expect(treeB.tree[0]).toBe(onB.active.root);
    expect((await ok(h.request('GET', `/v1/distributions/2/tree?chainId=${chainA}`), 200)).tree[0]).toBe(d2.root);
    expect((await h.request('GET', '/v1/distributions/2/tree?chainId=56')).status).toBe(404);
    const proposedB = (await fB.distributor.events({ fromBlock: 0, types: ['RootProposed'] })).at(-1)!;
    expect(proposedB.type === 'RootProposed' && proposedB.dataHash).toBe(d2.logHead);

    const leaf = onB.active.claims.find((c: Body) => c.token === fB.cxt);
    await fB.as(fB.stranger).claim({ account: OP, token: fB.cxt, cumulative: BigInt(leaf.cumulative), proof: leaf.proof });
    expect((await tick()).done[`claims:${CHAIN_B}`]).toMatch(/1 claim/);
    const after = (await proofs()).chains.find((c: Body) => c.chainId === CHAIN_B);
    expect(after.active.claims.find((c: Body) => c.token === fB.cxt).claimed).toBe(leaf.cumulative);
    // The way out of a chain that moved under B's indexer: read B again; nothing is recorded twice.
    expect(await ok(h.request('POST', '/v1/claims/rescan', { token: ADMIN, body: { fromBlock: 0, chainId: CHAIN_B } }), 200)).toEqual({ fromBlock: 0 });
    expect((await h.request('POST', '/v1/claims/rescan', { token: ADMIN, body: { fromBlock: 0, chainId: 56 } })).json.code).toBe('CHAIN_UNKNOWN');
    expect((await tick()).failed).toEqual({});
    const again = (await proofs()).chains.find((c: Body) => c.chainId === CHAIN_B);
    expect(again.active.claims.find((c: Body) => c.token === fB.cxt).claimed).toBe(leaf.cumulative);
  });

  it('claiming the frozen leaf on A again reverts, and the two chains together paid exactly the cumulative allocation', async () => {
    const p = await proofs();
    const frozen = p.active.claims.find((c: Body) => c.token === cxtA);
    await expectRevert(distributorClient(p.active.contract, await rpcA.getSigner(5)).claim({ account: OP, token: cxtA, cumulative: BigInt(frozen.cumulative), proof: frozen.proof }), 'NothingToClaim');
    const paidOnA = await distributorClient(h.service.chain.distributor, rpcA).tokenBalance(cxtA, OP);
    const paidOnB = await fB.balanceOf(fB.cxt, OP);
    expect(paidOnA).toBe(claimedOnA);
    expect(paidOnA + paidOnB).toBe(await cumulativeCxt());
  });

  it('with chain B stopped, chain A still publishes; B’s jobs fail under their own names and /readyz says degraded; B catches up when back', async () => {
    await endpointB.close();
    await work(2, 500);
    h.at(3);
    const t = await tick();
    expect(Object.keys(t.failed).sort()).toEqual([`claims:${CHAIN_B}`, `publisher:${CHAIN_B}`]);
    expect(t.done.publisher).toMatch(/distribution 3 proposed/);
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('degraded');
    expect(ready.json.attention.map((a: Body) => a.condition)).toEqual(expect.arrayContaining([`chain:${CHAIN_B}`, `job:publisher:${CHAIN_B}`]));
    const metrics = (await h.request('GET', '/metrics')).json as string;
    expect(metrics).toContain(`cxt_attention{condition="chain:${CHAIN_B}"} 1`);
    expect(metrics).toContain(`cxt_attention{condition="job:publisher:${CHAIN_B}"} 1`);

    endpointB = await fB.chain.serve(portB);
    // The operator need not wait for a tick: publishing B's tree by hand goes through B's own publisher.
    const wrongSeq = await h.request('POST', '/v1/distributions/2/publish', { token: ADMIN, body: { chainId: CHAIN_B } });
    expect([wrongSeq.status, wrongSeq.json.code]).toEqual([422, 'DISTRIBUTION_STATE']);
    const unknown = await h.request('POST', '/v1/distributions/3/publish', { token: ADMIN, body: { chainId: 56 } });
    expect([unknown.status, unknown.json.code]).toEqual([422, 'CHAIN_UNKNOWN']);
    const byHand = await ok(h.request('POST', '/v1/distributions/3/publish', { token: ADMIN, body: { chainId: CHAIN_B } }));
    expect(byHand).toMatchObject({ status: 'accepted', action: 'published' });
    expect(byHand.distribution).toMatchObject({ seq: 3, status: 'published', published: { chainId: chainA }, chains: [{ chainId: CHAIN_B, status: 'published', published: { chainId: CHAIN_B } }] });
    expect((await tick()).failed).toEqual({});
    await passTimelocks();
    expect((await tick()).failed).toEqual({});
    const onB = (await proofs()).chains.find((c: Body) => c.chainId === CHAIN_B);
    expect(onB.active).toMatchObject({ seq: 3, status: 'active' });
    expect((await h.request('GET', '/readyz')).json.status).toBe('ready');
  });

  it('restarted without chain B in PAYOUT_CHAINS, the service says B’s trees are no longer published', async () => {
    await h.stop();
    h = await startHarness({ dataDir: h.dataDir, clock: h.clock });
    const ready = await h.request('GET', '/readyz');
    expect(ready.json.status).toBe('degraded');
    expect(ready.json.attention).toEqual([
      expect.objectContaining({ condition: `chain:${CHAIN_B}`, detail: `chain ${CHAIN_B} is a payout chain in the ledger but not in PAYOUT_CHAINS: its trees are not published and its claims not indexed until it is listed again` }),
    ]);
  });
});

describe('PAYOUT_CHAINS checked at start', () => {
  const entry = (over: Record<string, unknown>) => JSON.stringify([{ chainId: CHAIN_B, rpcUrl: endpointB.url, distributor: fB.distributor.address, privateKey: UPDATER_B_KEY, confirmations: 0, assets: { CXT: fB.cxt }, ...over }]);
  const startError = async (payoutChains: string): Promise<string> =>
    startHarness({ env: { PAYOUT_CHAINS: payoutChains } }).then(
      async (other) => {
        await other.destroy();
        return 'started';
      },
      (error: Error) => `${error.name}: ${error.message}`,
    );

  // Functions: chain B and its contracts exist only once beforeAll has run.
  const cases: Array<[string, () => Record<string, unknown>, () => string]> = [
    ['a node on another chain', () => ({ chainId: 56 }), () => `ConfigError: PAYOUT_CHAINS lists chain 56 at ${endpointB.url}, but that node serves chain 97.`],
    ['no distributor', () => ({ distributor: `0x${'12'.repeat(20)}` }), () => `ConfigError: PAYOUT_CHAINS: the distributor address 0x${'12'.repeat(20)} holds no contract on chain 97.`],
    ['no token at an asset address', () => ({ assets: { CXT: fB.cxt, WBNB: `0x${'34'.repeat(20)}` } }), () => `ConfigError: PAYOUT_CHAINS: the asset WBNB address 0x${'34'.repeat(20)} holds no contract on chain 97.`],
    ['an asset the registry does not know', () => ({ assets: { DOGE: fB.cxt } }), () => 'ConfigError: PAYOUT_CHAINS chain 97: asset DOGE is neither a registered asset\'s address nor its symbol (register it first: cxt asset register).'],
  ];
  it.each(cases)('%s stops the start with one sentence', async (_what, over, expected) => {
    expect(await startError(entry(over()))).toBe(expected());
  });

  it('the primary chain cannot also be a payout chain', async () => {
    const primary = h.service.chain;
    const error = await startError(JSON.stringify([{ chainId: primary.chainId, rpcUrl: primary.rpcUrl, distributor: primary.distributor, privateKey: UPDATER_B_KEY, assets: { CXT: primary.cxtToken } }]));
    expect(error).toBe(`ConfigError: PAYOUT_CHAINS lists chain ${primary.chainId}, which is the primary chain: accounts paid there need no payout chain.`);
  });

  it('a chain that does not answer does not stop the start: /readyz is degraded, naming it', async () => {
    const other = await startHarness({ env: { PAYOUT_CHAINS: entry({ rpcUrl: 'http://127.0.0.1:9' }) } });
    try {
      const ready = await other.request('GET', '/readyz');
      expect([ready.status, ready.json.status]).toEqual([200, 'degraded']);
      expect(ready.json.attention).toEqual([expect.objectContaining({ condition: `chain:${CHAIN_B}`, detail: expect.stringMatching(/^payout chain 97 \(http:\/\/127\.0\.0\.1:9\) does not answer: /) })]);
    } finally {
      await other.destroy();
    }
  });
});

describe('everyone paid on chain B from the start', () => {
  it('the first distribution has an empty primary tree that nothing publishes, and goes out on B', async () => {
    // A distributor of its own on chain B: the other service's trees are on the first one.
    const fresh = await setUpDistributor(fB.chain);
    await fresh.mint(fresh.cxt, fresh.distributor.address, cxt(1_000_000));
    const payoutChains = [{ chainId: CHAIN_B, rpcUrl: endpointB.url, distributor: fresh.distributor.address, privateKey: UPDATER_B_KEY, confirmations: 0, assets: { CXT: fresh.cxt } }];
    const other = await startHarness({ env: { PAYOUT_CHAINS: JSON.stringify(payoutChains) } });
    try {
      const id = other.service.chain.chainId;
      const [v, o, s] = [wallet('only-b-verifier'), wallet('only-b-operator'), wallet('only-b-signer')];
      other.at(0);
      await ok(other.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: v.address } }));
      await ok(other.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'only-b', operator: o.address, signer: s.address, hardwareClass: 'gpu' } }));
      // Everyone who will be paid in epoch 0 switches first: the operator and the verifier.
      for (const w of [o, v]) {
        const account = w.address.toLowerCase();
        await ok(other.request('POST', `/v1/accounts/${account}/payout-chain`, { body: { chainId: CHAIN_B, sequence: 1, signature: await signPayoutChain(w, id, { account, chainId: CHAIN_B, sequence: 1 }) } }));
      }
      await ok(other.request('POST', '/v1/contributions', { body: await signedContribution(s, id, { contributionId: 'only-b-0', nodeId: 'only-b', epoch: 0, kind: 'compute', units: 10, proofHash: proofHash(10) }) }));
      await ok(other.request('POST', '/v1/verdicts', { body: await signedVerdict(v, id, { contributionId: 'only-b-0', verdict: 'verified' }) }));
      other.at(1);
      const t = await other.service.scheduler.tick();
      expect(t.failed).toEqual({});
      expect(t.done.publisher).toBeUndefined(); // nothing to publish on the primary chain
      expect(t.done[`publisher:${CHAIN_B}`]).toMatch(/distribution 1 proposed/);
      const d1 = await ok(other.request('GET', '/v1/distributions/1'), 200);
      expect(d1).toMatchObject({ leafCount: 0, root: `0x${'0'.repeat(64)}`, totals: [], status: 'created', chains: [{ chainId: CHAIN_B, leafCount: 2, status: 'published' }] });
      expect((await other.request('GET', '/v1/distributions/1/tree')).status).toBe(404);
      expect((await ok(other.request('GET', `/v1/distributions/1/tree?chainId=${CHAIN_B}`), 200)).tree[0]).toBe(d1.chains[0].root);
      const p = await ok(other.request('GET', `/v1/accounts/${o.address.toLowerCase()}/proofs`), 200);
      expect(p).toMatchObject({ active: null, pending: null, chains: [{ chainId: CHAIN_B, pending: { seq: 1, status: 'published', contract: fresh.distributor.address } }] });
      const primaryPublish = await other.request('POST', '/v1/distributions/1/publish', { token: ADMIN });
      expect([primaryPublish.status, primaryPublish.json.code]).toEqual([422, 'DISTRIBUTION_STATE']);
      // The audit re-derives the empty primary tree and B's tree, and finds both chains as the log says.
      const eventsPath = join(other.dataDir, 'events.jsonl');
      await exportLogToFile(other.service.store, eventsPath);
      const report = await runAudit({
        eventsPath,
        chains: [
          { rpcUrl: other.service.chain.rpcUrl, distributor: other.service.chain.distributor },
          { rpcUrl: endpointB.url, distributor: fresh.distributor.address },
        ],
      });
      expect(report.findings).toEqual([]);
      expect(report.verdict).toBe('clean');
    } finally {
      await other.destroy();
    }
  });
});
