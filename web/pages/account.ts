/** One account: stake, tier, what it can claim (and a Claim button with a wallet), and why it got what it got, epoch by epoch. */
import { api, type Json } from '../api.ts';
import { claimTransactionData, type ClaimLeaf } from '../claimCalldata.ts';
import { stackedBars, toPlot } from '../charts.ts';
import type { Context } from '../context.ts';
import { el, facts, link, section, table } from '../dom.ts';
import { amount, percent } from '../format.ts';
import { connect, sendAndWait, wallet } from '../wallet.ts';

/** The receipts shown: the latest this many epochs (the CSV has every one). */
const RECEIPT_PAGE = 1000;
const STAKE_PAGE = 20;
const STAKE_CHANGE: Record<string, string> = { StakeDeposited: 'deposit', UnstakeRequested: 'unstake request', StakeWithdrawn: 'withdrawal' };

const receiptRows = (ctx: Context, receipts: Json[]) =>
  receipts.flatMap((r) =>
    (r.totals as Json[]).map((t) => {
      const token = ctx.token(t.token);
      const cxt = t.token === ctx.info.contracts.cxtToken;
      const part = (v: string | undefined) => amount(v ?? '0', token.symbol, token.decimals);
      const revenue = (r.revenue as Json[]).filter((x) => x.asset === t.token);
      const tasks = (r.tasks as Json[]).filter((x) => x.asset === t.token);
      const sum = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n);
      return [
        link(`#/epoch/${r.epoch}`, String(r.epoch)),
        token.symbol,
        cxt ? part(r.compute?.paid) : '—',
        cxt ? part(r.staking?.paid) : '—',
        cxt ? part(r.verification?.paid) : '—',
        part(sum(revenue.flatMap((x) => [x.provider, x.stakers])).toString()),
        part(sum(tasks.flatMap((x) => [x.pay, x.refund])).toString()),
        el('strong', { 'data-testid': `receipt-total-${r.epoch}-${t.token}` }, part(t.amount)),
      ];
    }),
  );

/** The compute part of the newest receipt, spelled out: why this operator got its share. */
const explain = (ctx: Context, r: Json): HTMLElement | null => {
  if (!r.compute) return null;
  const cxt = ctx.token(ctx.info.contracts.cxtToken);
  const c = r.compute;
  return el(
    'p',
    { class: 'explain' },
    `Epoch ${r.epoch}: ${c.nodes.length} node(s) did verified work at tier ${c.tierBps / 100} %; with the stake boost that is ${percent(BigInt(c.boostedWeight), BigInt(c.totalBoostedWeight))} of all boosted weight, so the compute pool of `,
    amount(c.pool, cxt.symbol, cxt.decimals),
    ' paid ',
    amount(c.paid, cxt.symbol, cxt.decimals),
    '.',
  );
};

const claimPanel = (ctx: Context, address: string, proofs: Json): HTMLElement => {
  const status = el('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'claim-status' });
  const active = proofs.active as Json | null;
  const due = (active?.claims as Json[] | undefined)?.filter((c) => BigInt(c.cumulative) > BigInt(c.claimed)) ?? [];
  const button = el('button', { type: 'button', 'data-testid': 'claim' }, due.length > 1 ? `Claim ${due.length} tokens` : 'Claim');
  const w = wallet();
  if (due.length === 0 || !active) {
    button.disabled = true;
    status.textContent = active ? 'Nothing to claim in the active distribution.' : 'No distribution is active yet.';
  } else if (!w) {
    button.disabled = true;
    status.textContent = 'Connect an EIP-1193 wallet (e.g. a browser extension) to claim; anyone may send the claim, the tokens always go to this account.';
  }
  button.addEventListener('click', async () => {
    if (!w || !active) return;
    button.disabled = true;
    try {
      const from = await connect(w);
      const leaves: ClaimLeaf[] = due.map((c) => ({ account: address, token: c.token, cumulative: c.cumulative, proof: c.proof }));
      status.textContent = 'Waiting for the wallet…';
      await sendAndWait(w, { from, to: active.contract, data: claimTransactionData(leaves), chainId: ctx.info.chain.chainId }, (hash) => {
        status.textContent = `Sent ${hash}; waiting for it to be mined…`;
      });
      status.textContent = 'Mined; waiting for the service to index the claim…';
      const want = new Map(due.map((c) => [c.token, c.cumulative as string]));
      for (;;) {
        const a = await api(`/v1/accounts/${address}`);
        const done = (a.tokens as Json[]).filter((t) => want.has(t.token) && t.claimed === want.get(t.token));
        if (done.length === want.size) {
          status.replaceChildren('Claimed ', ...done.flatMap((t, i) => [i > 0 ? ', ' : '', amount((BigInt(t.claimed) - BigInt(due.find((d) => d.token === t.token)!.claimed)).toString(), ctx.token(t.token).symbol, ctx.token(t.token).decimals)]), '.');
          status.setAttribute('data-claimed', 'true');
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (error) {
      status.textContent = `The claim failed: ${(error as Error).message}`;
      button.disabled = false;
    }
  });
  return el('div', { class: 'claim' }, button, status);
};

export const accountPage = async (ctx: Context, address: string): Promise<HTMLElement> => {
  const [a, proofs, receipts, stake] = await Promise.all([
    api(`/v1/accounts/${address}`),
    api(`/v1/accounts/${address}/proofs`),
    api(`/v1/accounts/${address}/epochs?fromEpoch=${Math.max(0, Number(ctx.info.lastClosedEpoch) - RECEIPT_PAGE + 1)}&limit=${RECEIPT_PAGE}`),
    api(`/v1/accounts/${address}/stake?limit=${STAKE_PAGE}`),
  ]);
  const cxt = ctx.token(ctx.info.contracts.cxtToken);
  const list = receipts.receipts as Json[];
  const cxtOf = (r: Json, pick: (r: Json) => string | undefined) => toPlot(pick(r) ?? '0', cxt.decimals);
  return el(
    'div',
    { class: 'page', 'data-page': 'account' },
    el('h1', {}, 'Account ', el('code', {}, address)),
    section(
      'Stake',
      facts([
        ['Bonded', amount(a.bondedStake, cxt.symbol, cxt.decimals)],
        ['Active (earning this epoch)', amount(a.activeStake, cxt.symbol, cxt.decimals)],
        ['Unbonding', amount(a.unbondingStake, cxt.symbol, cxt.decimals)],
        ['Withdrawable', amount(a.withdrawableStake, cxt.symbol, cxt.decimals)],
        ['Tier', a.tier],
        ['Governance weight', amount(a.governanceWeight, 'votes', cxt.decimals)],
        ['Nodes', a.nodeIds.length === 0 ? 'none' : el('span', {}, ...a.nodeIds.flatMap((n: string, i: number) => [i > 0 ? ', ' : '', link(`#/node/${encodeURIComponent(n)}`, n)]))],
      ]),
      table(
        `Stake history${stake.next ? ` (the first ${STAKE_PAGE} changes)` : ''}`,
        ['epoch', 'change', 'amount', 'released in epoch'],
        (stake.changes as Json[]).map((c) => [String(c.epoch), STAKE_CHANGE[c.type] ?? c.type, amount(c.amount, cxt.symbol, cxt.decimals), c.releaseEpoch === undefined ? '—' : String(c.releaseEpoch)]),
        { 'data-testid': 'stake-history' },
      ),
    ),
    section(
      'Rewards',
      table(
        'Per token: allocated so far, in the active distribution, claimed on-chain and claimable now',
        ['token', 'allocated', 'in active distribution', 'claimed', 'claimable'],
        (a.tokens as Json[]).map((t) => {
          const token = ctx.token(t.token);
          return [token.symbol, amount(t.cumulativeAllocated, token.symbol, token.decimals), amount(t.activeDistributionCumulative, token.symbol, token.decimals), el('span', { 'data-testid': `claimed-${t.token}` }, amount(t.claimed, token.symbol, token.decimals)), el('span', { 'data-testid': `claimable-${t.token}` }, amount(t.claimable, token.symbol, token.decimals))];
        }),
      ),
      claimPanel(ctx, address, proofs),
    ),
    section(
      'Receipts',
      el('p', {}, `What each close paid this account, and from which pool (the latest ${RECEIPT_PAGE.toLocaleString('en')} epochs at most). `, link(`/v1/accounts/${address}/epochs.csv`, 'Download every epoch as CSV'), '.'),
      list.length > 0
        ? stackedBars(`${cxt.symbol} paid per epoch by pool`, list.map((r) => r.epoch), [
            { name: 'compute', values: list.map((r) => cxtOf(r, (x) => x.compute?.paid)) },
            { name: 'staking', values: list.map((r) => cxtOf(r, (x) => x.staking?.paid)) },
            { name: 'verification', values: list.map((r) => cxtOf(r, (x) => x.verification?.paid)) },
          ])
        : el('p', {}, 'No receipt yet: nothing has been paid to this account.'),
      list.length > 0 ? explain(ctx, list.at(-1)!) : null,
      table('Receipts by epoch and token', ['epoch', 'token', 'compute', 'staking', 'verification', 'revenue', 'tasks', 'total'], receiptRows(ctx, list), { 'data-testid': 'receipts' }),
    ),
  );
};
