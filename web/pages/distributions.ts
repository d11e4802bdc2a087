/** Every distribution: root, what it includes, its on-chain status and the log head it anchors. */
import { api, type Json } from '../api.ts';
import type { Context } from '../context.ts';
import { el, link, table } from '../dom.ts';
import { amount, shortHex } from '../format.ts';
import { distributionStatus } from './overview.ts';

export const distributionsPage = async (ctx: Context): Promise<HTMLElement> => {
  const { distributions } = await api('/v1/distributions');
  const now: number = ctx.info.nowSeconds;
  return el(
    'div',
    { class: 'page', 'data-page': 'distributions' },
    el('h1', {}, 'Distributions'),
    table(
      'Distributions, newest first',
      ['seq', 'through epoch', 'status', 'root', 'leaves', 'totals', 'log head (dataHash)'],
      [...(distributions as Json[])].reverse().map((d) => [
        `#${d.seq}`,
        link(`#/epoch/${d.throughEpoch}`, String(d.throughEpoch)),
        distributionStatus(d, now),
        el('code', { title: d.root }, shortHex(d.root)),
        String(d.leafCount),
        el('span', {}, ...(d.totals as Json[]).flatMap((t, i) => [i > 0 ? ', ' : '', amount(t.cumulative, ctx.token(t.token).symbol, ctx.token(t.token).decimals)])),
        el('code', { title: d.logHead }, shortHex(d.logHead)),
      ]),
    ),
  );
};
