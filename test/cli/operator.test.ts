/**
 * The operator commands (issue 9, "CLI an operator can live with"): `cxt asset register`,
 * `cxt epoch close`, `cxt distribution create|publish|revoke`, run as real processes against a data
 * dir the service wrote (PGlite and its embedded chain journal), with the API's rules and exit codes:
 * 0 done, 1 refused by the rules, 2 usage. A data dir in use by a running service is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployTestToken } from '../../adapters/chain/index.ts';
import { ADMIN, INDEXER, proofHash, signedContribution, signedVerdict, startHarness, wallet } from '../service/harness.ts';
import { assertDistIsCurrent, cxt, firstLine } from './support.ts';

const DAY = 86_400;
const verifier = wallet('cli-op-verifier');
const operator = wallet('cli-op-operator');
const signer = wallet('cli-op-signer');

let dataDir: string;
let usdc: string;
/** The operator commands use the system clock: genesis two days ago, so epochs 0 and 1 have ended. */
const genesis = Math.floor(Date.now() / 1000 / DAY) * DAY - 2 * DAY;
const env = { ...process.env, DATABASE_URL: '', RPC_URL: '' };
const run = (...args: string[]) => cxt([...args, '--data-dir', dataDir], { env });

beforeAll(async () => {
  assertDistIsCurrent();
  dataDir = await mkdtemp(join(tmpdir(), 'cxt-cli-op-'));
  const h = await startHarness({ dataDir, clock: { nowSeconds: genesis + 100 }, params: { genesisTimeSeconds: genesis, timelockSeconds: 60 } });
  const ok = async (p: ReturnType<typeof h.request>) => expect((await p).status).toBeLessThan(300);
  const chainId = h.service.chain.chainId;
  await ok(h.request('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } }));
  await ok(h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'n', operator: operator.address, signer: signer.address, hardwareClass: 'cpu' } }));
  await ok(h.request('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: operator.address, amount: '1000', ref: 'd' } }));
  const c = { contributionId: 'w', nodeId: 'n', epoch: 0, kind: 'data' as const, units: 1, proofHash: proofHash(1) };
  await ok(h.request('POST', '/v1/contributions', { body: await signedContribution(signer, chainId, c) }));
  await ok(h.request('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: 'w', verdict: 'verified' }) }));
  // A token on the embedded chain (journaled, so it is there when the CLI replays the chain).
  usdc = (await deployTestToken(h.service.chain.signer, 'USD Coin', 'USDC', 6)).address;
  await h.stop();
});
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('operator commands on a data dir', () => {
  it('cxt asset register checks the chain: no contract is refused (exit 1), a token is recorded with its symbol', async () => {
    const none = await run('asset', 'register', '--asset', `0x${'0'.repeat(40)}`);
    expect(none.code).toBe(1);
    expect(firstLine(none.stderr)).toMatch(/^refused \(ASSET_NOT_A_CONTRACT\): asset 0x0{40} holds no contract code/);
    const token = await run('asset', 'register', '--asset', usdc);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe(`registered: ${usdc} USDC (6 decimals)\n`);
    expect((await run('asset', 'register', '--asset', usdc)).stdout).toBe(`already registered: ${usdc} USDC (6 decimals)\n`);
  });

  it('cxt epoch close closes every ended epoch in order, and refuses one that has not ended', async () => {
    const closed = await run('epoch', 'close');
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toBe('closed epochs 0, 1\n');
    const early = await run('epoch', 'close', '--epoch', '2');
    expect(early.code).toBe(1);
    expect(firstLine(early.stderr)).toMatch(/^refused \(EPOCH_NOT_ENDED\): epoch 2 ends at /);
    expect((await run('epoch', 'close')).stdout).toBe('no ended epoch was open: nothing to close\n');
  });

  it('cxt distribution create, revoke and publish follow the API', async () => {
    const created = await run('distribution', 'create');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^distribution 1 \(through epoch 1, root 0x[0-9a-f]{64}\): accepted, now created\n$/);
    const revoked = await run('distribution', 'revoke', '--seq', '1', '--reason', 'checked by hand');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/accepted, now revoked/);
    // Nothing left to publish: the only distribution is revoked.
    const nothing = await run('distribution', 'publish');
    expect(nothing.code).toBe(1);
    expect(firstLine(nothing.stderr)).toBe('refused (NOTHING_TO_DISTRIBUTE): there is no distribution to publish');
  });

  it('cxt claims rescan moves the claim indexer back to a block (never before the deployment block)', async () => {
    const r = await run('claims', 'rescan', '--from-block', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^the claim indexer reads from block \d+ at its next step; claims already recorded stay recorded once\n$/);
    const missing = await run('claims', 'rescan');
    expect([missing.code, firstLine(missing.stderr)]).toEqual([2, 'cxt claims rescan: --from-block N is required']);
  });

  it('usage mistakes exit 2 in our own words', async () => {
    const noSeq = await run('distribution', 'revoke');
    expect([noSeq.code, firstLine(noSeq.stderr)]).toEqual([2, 'cxt distribution revoke: --seq N is required']);
    const badSeq = await run('distribution', 'publish', '--seq', '-1');
    expect(badSeq.code).toBe(2);
    expect(firstLine(badSeq.stderr)).toBe('cxt distribution publish: --seq must be a whole number from 1 to 9007199254740991 (got "-1")');
    const valued = await run('distribution', 'publish', '--allow-claim-replay=yes');
    expect(valued.code).toBe(2);
    const badAsset = await run('asset', 'register', '--asset', '0x12');
    expect([badAsset.code, firstLine(badAsset.stderr)]).toEqual([2, 'cxt asset register: --asset 0x12 must be a 0x-prefixed 20-byte hex address']);
  });

  it('cxt account payout-chain records the account’s own signed choice, and refuses any other', async () => {
    // A payout chain whose node is down: the start only warns, and the change is the ledger's business alone.
    const payoutChains = JSON.stringify([{ chainId: 97, rpcUrl: 'http://127.0.0.1:9', distributor: `0x${'12'.repeat(20)}`, privateKey: `0x${'11'.repeat(32)}`, assets: { CXT: `0x${'34'.repeat(20)}` } }]);
    const withChains = { ...env, PAYOUT_CHAINS: payoutChains, OPERATOR_KEY: operator.privateKey, STRANGER_KEY: wallet('cli-op-stranger').privateKey };
    const pay = (...args: string[]) => cxt(['account', 'payout-chain', ...args, '--data-dir', dataDir], { env: withChains });
    const account = operator.address.toLowerCase();
    const unknown = await pay('--chain-id', '56', '--sign-with-env', 'OPERATOR_KEY');
    expect([unknown.code, firstLine(unknown.stderr)]).toEqual([1, 'refused (CHAIN_UNKNOWN): chain 56 is not a configured payout chain (configured: 97 besides the primary one)']);
    const forged = await pay('--chain-id', '97', '--sign-with-env', 'STRANGER_KEY', '--account', account);
    expect([forged.code, firstLine(forged.stderr)]).toEqual([1, expect.stringMatching(/^refused \(SIGNATURE_MISMATCH\): the signature recovers to 0x[0-9a-f]{40}, not to the account /)]);
    const moved = await pay('--chain-id', '97', '--sign-with-env', 'OPERATOR_KEY');
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toBe(`recorded: ${account} is paid on chain 97 from now on (change 1)\n`);
    const replayed = await pay('--chain-id', '97', '--sign-with-env', 'OPERATOR_KEY', '--sequence', '1');
    expect([replayed.code, replayed.stdout]).toEqual([0, `already recorded: ${account} is paid on chain 97 from now on (change 1)\n`]);
    // Each chain's tree is published on its own: chain 56 is not served, chain 97 has no tree yet.
    const publishOn = (chainId: string, ...more: string[]) => cxt(['distribution', 'publish', '--chain-id', chainId, ...more, '--data-dir', dataDir], { env: withChains });
    const notServed = await publishOn('56', '--seq', '1');
    expect([notServed.code, firstLine(notServed.stderr)]).toEqual([1, expect.stringMatching(/^refused \(CHAIN_UNKNOWN\): chain 56 is neither the primary chain/)]);
    const noTree = await publishOn('97');
    expect([noTree.code, firstLine(noTree.stderr)]).toEqual([1, 'refused (NOTHING_TO_DISTRIBUTE): there is no distribution to publish']);
    const usage = await pay('--chain-id', '97', '--signature', `0x${'ab'.repeat(65)}`);
    expect([usage.code, firstLine(usage.stderr)]).toEqual([2, 'cxt account payout-chain: --signature needs the --account and --sequence it was signed with']);
  });

  it('refuses a data dir with no log, and one a running service holds', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cxt-cli-empty-'));
    try {
      const r = await cxt(['epoch', 'close', '--data-dir', empty], { env });
      expect(r.code).toBe(1);
      expect(firstLine(r.stderr)).toMatch(/holds no log yet \(no genesis\)/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    const h = await startHarness({ dataDir, clock: { nowSeconds: genesis + 2 * DAY + 100 }, params: { genesisTimeSeconds: genesis } });
    try {
      const r = await run('epoch', 'close');
      expect(r.code).toBe(1);
      expect(firstLine(r.stderr)).toMatch(/is in use by process \d+/);
    } finally {
      await h.stop();
    }
  });
});
