/**
 * Issue 13's acceptance, in Debian's Chromium (playwright-core) against the real service (PGlite
 * and the embedded chain, as `cxt serve` composes them, on a real socket): the overview, a link
 * through the last close to an account, the receipt numbers against the API's, and a Claim with an
 * injected EIP-1193 wallet — a hardhat account over the embedded JSON-RPC — after which the ERC-20
 * balances rose by exactly the claimable amounts and the page says so. Every page is screenshotted
 * (out/dashboard/), its charts drawn, no console errors, nothing wider than a phone.
 */
import { mkdirSync } from 'node:fs';
import { Contract, JsonRpcProvider } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cxt } from '../../domain/index.ts';
import { ADMIN, BILLING, INDEXER, chainForward, proofHash, signedContribution, signedVerdict, startHarness, wallet, type Harness } from '../service/harness.ts';
import { browserChecksEnabled, launchChromium } from '../support/chromium.ts';

const enabled = browserChecksEnabled('dashboard');
const SHOTS = new URL('../../out/dashboard/', import.meta.url).pathname;

type Body = Record<string, any>;
const signers = [wallet('dash-signer-0'), wallet('dash-signer-1'), wallet('dash-signer-2')];
const verifier = wallet('dash-verifier');

let h: Harness;
let rpc: JsonRpcProvider;
let browser: Browser;
let page: Page;
/** A hardhat account: the injected wallet signs as it, and it is the account that earns. */
let claimant: string;
const problems: string[] = [];

const ok = async (method: string, url: string, options: Parameters<Harness['request']>[2] = {}, status = 201): Promise<Body> => {
  const r = await h.request(method, url, options);
  expect(r.status, `${url}: ${JSON.stringify(r.json)}`).toBe(status);
  return r.json as Body;
};

const balanceOf = async (token: string, account: string): Promise<bigint> =>
  (await new Contract(token, ['function balanceOf(address) view returns (uint256)'], rpc).getFunction('balanceOf')(account)) as bigint;

/** Screenshot of the page as shown, and of each chart: a blank chart compresses to almost nothing. */
const shoot = async (name: string): Promise<void> => {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  for (const [i, chart] of (await page.locator('svg.chart').all()).entries()) {
    const png = await chart.screenshot({ path: `${SHOTS}${name}-chart-${i}.png` });
    expect(png.length, `${name} chart ${i}`).toBeGreaterThan(1200);
  }
  expect(problems.join("\n"), `console errors on ${name}`).toBe("");
};

const openHash = async (hash: string, pageName: string) => {
  await page.goto(`${h.service.url}/${hash}`);
  await page.waitForSelector(`[data-page="${pageName}"]`);
};

describe.skipIf(!enabled)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    rpc = new JsonRpcProvider(h.service.chain.rpcUrl, undefined, { staticNetwork: true });
    claimant = ((await rpc.send('eth_accounts', [])) as string[])[7]!.toLowerCase();
    const chainId = h.service.chain.chainId;
    const wbnb = h.service.chain.wbnbToken!;
    const operators = [claimant, wallet('dash-op-1').address, wallet('dash-op-2').address];

    h.at(0);
    await ok('POST', '/v1/verifiers', { token: ADMIN, body: { verifier: verifier.address } });
    for (let i = 0; i < 3; i++) await ok('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: `dash-gpu-${i}`, operator: operators[i], signer: signers[i]!.address, hardwareClass: 'gpu' } });
    await ok('POST', '/v1/stake/deposits', { token: INDEXER, body: { account: claimant, amount: cxt(2_000).toString(), ref: 'dash-stake:0' } });
    for (const epoch of [0, 1]) {
      if (epoch === 1) {
        h.at(1);
        expect((await h.service.scheduler.tick()).failed).toEqual({});
      }
      for (let i = 0; i < 3; i++) {
        const id = `dash-w${epoch}-${i}`;
        const units = 100 * (i + 1) + epoch;
        await ok('POST', '/v1/contributions', { body: await signedContribution(signers[i]!, chainId, { contributionId: id, nodeId: `dash-gpu-${i}`, epoch, kind: 'compute', units, proofHash: proofHash(units) }) });
        await ok('POST', '/v1/verdicts', { body: await signedVerdict(verifier, chainId, { contributionId: id, verdict: 'verified' }) });
      }
      await ok('POST', '/v1/revenue', { token: BILLING, body: { revenueId: `dash-rev-${epoch}`, source: 'api', asset: wbnb, gross: '5000000000000000000', provider: claimant } });
    }
    await ok('POST', '/v1/tasks', {
      token: BILLING,
      body: { taskId: 'dash-task', initiator: wallet('dash-buyer').address, kind: 'training', asset: wbnb, budget: '1000000', fragments: [{ fragmentId: 'f0', units: 10, hardwareClass: 'gpu' }], redundancy: 3, quorum: 2, deadlineEpoch: 3 },
    });
    // Epoch 1 closes; distribution 2 (through epoch 1) is proposed, then accepted after the timelock.
    h.at(2);
    expect((await h.service.scheduler.tick()).failed).toEqual({});
    // Distribution 1 is accepted after its timelock, then 2 is proposed and accepted after its own.
    for (let i = 0; i < 3; i++) {
      await chainForward(h, 3601);
      h.clock.nowSeconds += 3601;
      expect((await h.service.scheduler.tick()).failed).toEqual({});
    }
    const distributions = (await ok('GET', '/v1/distributions', {}, 200)).distributions as Body[];
    expect(distributions.at(-1)).toMatchObject({ throughEpoch: 1, status: 'active' });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // The test wallet: EIP-1193 in the page, every call sent to the embedded chain's JSON-RPC, where
    // the hardhat account is unlocked and signs.
    await page.exposeFunction('__walletRpc', (method: string, params: unknown[]) => rpc.send(method, params));
    await page.addInitScript((account: string) => {
      const w = globalThis as unknown as { ethereum: unknown; __walletRpc: (m: string, p: unknown[]) => Promise<unknown> };
      w.ethereum = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) =>
          method === 'eth_requestAccounts' || method === 'eth_accounts' ? [account] : w.__walletRpc(method, params ?? []),
      };
    }, claimant);
  });

  afterAll(async () => {
    await browser?.close();
    rpc?.destroy();
    await h?.destroy();
  });

  it('the overview shows supply against the cap, emission by pool, revenue, staking and the latest distribution', async () => {
    await openHash('', 'overview');
    const supply = await ok('GET', '/v1/supply', {}, 200);
    expect(await page.locator('[data-testid="supply"] .amount').first().getAttribute('data-wei')).toBe(supply.maxSupply);
    expect(await page.locator('path.series[data-series="minted"]').getAttribute('d')).toMatch(/^M[\d.,]+ L[\d.,]+/);
    expect(await page.locator('line.reference[data-series="max supply"]').count()).toBe(1);
    expect(await page.locator('rect.bar').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('latest-status').textContent()).toBe('active: claimable');
    await shoot('overview');
  });

  it('follows links from the overview through the last close to the account', async () => {
    await page.getByRole('link', { name: '1', exact: true }).first().click();
    await page.waitForSelector('[data-page="epoch"]');
    await shoot('epoch');
    await page.locator('[data-testid="recipients"]').getByRole('link', { name: claimant }).click();
    await page.waitForSelector('[data-page="account"]');
    expect(page.url()).toContain(`#/account/${claimant}`);
  });

  it('the account page shows the receipts exactly as the API does', async () => {
    const receipts = (await ok('GET', `/v1/accounts/${claimant}/epochs`, {}, 200)).receipts as Body[];
    expect(receipts.map((r) => r.epoch)).toEqual([0, 1]);
    for (const r of receipts)
      for (const t of r.totals as Body[])
        expect(await page.getByTestId(`receipt-total-${r.epoch}-${t.token}`).locator('.amount').getAttribute('data-wei'), `epoch ${r.epoch} ${t.token}`).toBe(t.amount);
    const account = await ok('GET', `/v1/accounts/${claimant}`, {}, 200);
    for (const t of account.tokens as Body[]) expect(await page.getByTestId(`claimable-${t.token}`).locator('.amount').getAttribute('data-wei')).toBe(t.claimable);
    expect(await page.locator('rect.bar').count()).toBeGreaterThanOrEqual(2);
    const stake = page.getByTestId('stake-history').locator('tbody tr');
    expect(await stake.count()).toBe(1);
    expect(await stake.locator('.amount').getAttribute('data-wei')).toBe(cxt(2_000).toString());
    await shoot('account');
  });

  it('Claim with the injected wallet: the ERC-20 balances rise by exactly the claimable amounts, and the page shows it claimed', async () => {
    const account = await ok('GET', `/v1/accounts/${claimant}`, {}, 200);
    const due = (account.tokens as Body[]).filter((t) => BigInt(t.claimable) > 0n);
    expect(due.map((t) => t.token).sort()).toEqual([h.service.chain.cxtToken, h.service.chain.wbnbToken].sort());
    const before = await Promise.all(due.map((t) => balanceOf(t.token, claimant)));
    await page.getByTestId('claim').click();
    await page.getByTestId('claim-status').filter({ hasText: /Mined|Claimed/ }).waitFor({ timeout: 30_000 });
    // The claim indexer runs on the scheduler's tick.
    for (let i = 0; i < 20 && (await page.getByTestId('claim-status').getAttribute('data-claimed')) !== 'true'; i++) {
      await h.service.scheduler.tick();
      await page.waitForTimeout(500);
    }
    expect(await page.getByTestId('claim-status').getAttribute('data-claimed')).toBe('true');
    const after = await Promise.all(due.map((t) => balanceOf(t.token, claimant)));
    due.forEach((t, i) => expect(after[i]! - before[i]!, t.token).toBe(BigInt(t.claimable)));
    const shown = await page.getByTestId('claim-status').locator('.amount').evaluateAll((els) => els.map((e) => e.getAttribute('data-wei')).sort());
    expect(shown).toEqual(due.map((t) => t.claimable).sort());
    await page.reload();
    await page.waitForSelector('[data-page="account"]');
    for (const t of due) expect(await page.getByTestId(`claimed-${t.token}`).locator('.amount').getAttribute('data-wei')).toBe(t.claimable);
    expect(await page.getByTestId('claim').isDisabled()).toBe(true);
    await shoot('account-claimed');
  });

  it('the node, task and distributions pages; the search box by keyboard', async () => {
    await openHash('#/node/dash-gpu-0', 'node');
    expect(await page.getByRole('link', { name: 'dash-task' }).count()).toBeGreaterThan(0);
    await shoot('node');
    await page.getByRole('link', { name: 'dash-task' }).first().click();
    await page.waitForSelector('[data-page="task"]');
    expect(await page.locator('h1').textContent()).toBe('Task dash-task');
    await shoot('task');
    await openHash('#/distributions', 'distributions');
    expect(await page.locator('tbody tr').count()).toBe(2);
    await shoot('distributions');
    await page.getByLabel('Find').focus();
    await page.keyboard.type('dash-gpu-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-page="node"]');
    expect(await page.locator('h1').textContent()).toBe('Node dash-gpu-1');
  });

  it('reads on a phone: no page is wider than 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of [['', 'overview'], [`#/account/${claimant}`, 'account'], ['#/epoch/1', 'epoch'], ['#/task/dash-task', 'task']] as const) {
      await openHash(hash, name);
      expect(await page.locator('html').evaluate((e) => e.scrollWidth), name).toBeLessThanOrEqual(390);
      await shoot(`phone-${name}`);
    }
  });
});
