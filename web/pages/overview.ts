/** The network at a glance: supply against the cap, emission by pool, revenue, staking, the next close, distributions, the log head. */
import { api, type Json } from '../api.ts';
import { lineChart, stackedBars, toPlot } from '../charts.ts';
import type { Context } from '../context.ts';
import { el, facts, link, section, table } from '../dom.ts';
import { amount, duration, percent, shortHex } from '../format.ts';

/** The window the charts show: the last year of daily epochs is still readable on a phone. */
const CHART_EPOCHS = 365;

export const distributionStatus = (d: Json, nowSeconds: number): string => {
  if (d.status === 'published' && d.published) {
    const left = Number(d.published.validAt) - nowSeconds;
    return left > 0 ? `pending on-chain, timelock ${duration(left)} left` : 'pending on-chain, timelock passed (accepted at the next tick)';
  }
  return { created: 'created, not yet proposed', active: 'active: claimable', revoked: 'revoked', superseded: 'superseded' }[d.status as string] ?? d.status;
};

export const overview = async (ctx: Context): Promise<HTMLElement> => {
  const supply = await api('/v1/supply');
  const from = Math.max(0, supply.lastClosedEpoch - CHART_EPOCHS + 1);
  const [epochs, distributions, assets] = await Promise.all([
    api(`/v1/epochs?fromEpoch=${from}&limit=${CHART_EPOCHS}`),
    api('/v1/distributions'),
    api('/v1/assets').catch(() => ({ assets: [] })),
  ]);
  const { info } = ctx;
  const cxt = ctx.token(info.contracts.cxtToken);
  const closes = epochs.epochs as Json[];
  const xs = closes.map((e) => e.epoch as number);
  // Minted before the window, so the line is the supply itself and not just the window's sum.
  let mintedSoFar = BigInt(supply.minted) - closes.reduce((a, e) => a + BigInt(e.minted), 0n);
  const mintedLine = closes.map((e) => toPlot((mintedSoFar += BigInt(e.minted)), cxt.decimals));
  const nowSeconds: number = info.nowSeconds;
  const latest = (distributions.distributions as Json[]).at(-1);
  const anchored = [...(distributions.distributions as Json[])].reverse().find((d) => d.published);

  const page = el('div', { class: 'page', 'data-page': 'overview' }, el('h1', {}, 'Corex network'));
  page.append(
    section(
      'Supply',
      facts([
        ['Max supply', amount(supply.maxSupply, cxt.symbol, cxt.decimals)],
        ['Minted', amount(supply.minted, cxt.symbol, cxt.decimals)],
        ['Burned', amount(supply.burned, cxt.symbol, cxt.decimals)],
        ['Circulating', amount(supply.circulating, cxt.symbol, cxt.decimals)],
        ['Staked', amount(supply.staked, cxt.symbol, cxt.decimals)],
        ['Staking ratio', percent(BigInt(supply.staked), BigInt(supply.circulating))],
        ['Stakers', String(supply.stakers)],
      ], { 'data-testid': 'supply' }),
      closes.length > 0
        ? lineChart(`Minted supply against the cap, epochs ${xs[0]}–${xs.at(-1)} (${cxt.symbol}; minted is ${percent(BigInt(supply.minted), BigInt(supply.maxSupply))} of the cap)`, xs, [{ name: 'minted', values: mintedLine }], [{ name: 'max supply', values: [toPlot(supply.maxSupply, cxt.decimals)] }])
        : el('p', {}, 'No epoch has closed yet.'),
    ),
    section(
      'Emission per epoch',
      closes.length > 0
        ? stackedBars(`Minted per epoch by pool (${cxt.symbol})`, xs, (['compute', 'staking', 'verification'] as const).map((pool) => ({ name: pool, values: closes.map((e) => toPlot(e.pools[pool].minted, cxt.decimals)) })))
        : el('p', {}, 'No epoch has closed yet.'),
    ),
    section(
      'Revenue',
      table(
        'Revenue by asset since genesis',
        ['asset', 'gross', 'fees', 'providers', 'stakers', 'buyback budget', 'buyback spent'],
        (assets.assets as Json[]).map((a) => {
          const t = ctx.token(a.asset);
          return [t.symbol, amount(a.gross, t.symbol, t.decimals), amount(a.fees, t.symbol, t.decimals), amount(a.provider, t.symbol, t.decimals), amount(a.stakers, t.symbol, t.decimals), amount(a.buybackBudget, t.symbol, t.decimals), amount(a.buybackSpent, t.symbol, t.decimals)];
        }),
      ),
    ),
    section(
      'Epochs and distributions',
      facts([
        ['Current epoch', link(`#/epoch/${info.currentEpoch}`, String(info.currentEpoch))],
        ['Next close', `${new Date(info.currentEpochEndsAt * 1000).toISOString().replace('.000', '')} (in ${duration(info.currentEpochEndsAt - nowSeconds)})`],
        ['Last closed epoch', supply.lastClosedEpoch >= 0 ? link(`#/epoch/${supply.lastClosedEpoch}`, String(supply.lastClosedEpoch)) : 'none'],
        ['Latest distribution', latest ? el('span', {}, link(`#/distributions`, `#${latest.seq}`), ` through epoch ${latest.throughEpoch}: `, el('span', { 'data-testid': 'latest-status' }, distributionStatus(latest, nowSeconds))) : 'none yet'],
        ['Log head', `position ${info.logHead.position}, ${shortHex(info.logHead.hash)}`],
        ['Head anchored on-chain', anchored ? `${shortHex(anchored.logHead)} (distribution #${anchored.seq}, the root's dataHash)` : 'none yet'],
      ]),
    ),
  );
  return page;
};
