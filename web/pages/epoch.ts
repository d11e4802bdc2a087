/** One epoch: its close as recorded (budget, pools, revenue split), or its window while open. */
import { api, type Json } from '../api.ts';
import type { Context } from '../context.ts';
import { el, facts, link, section, table } from '../dom.ts';
import { amount, shortHex } from '../format.ts';

const RECIPIENTS_PAGE = 100;

/** Who the close paid, a page at a time, each linked to its account and receipt. */
const recipients = async (ctx: Context, epoch: number): Promise<HTMLElement> => {
  const body = el('tbody');
  const more = el('button', { type: 'button' }, 'Show more');
  const load = async (after: string | null) => {
    const page = await api(`/v1/epochs/${epoch}/receipts?limit=${RECIPIENTS_PAGE}${after ? `&after=${after}` : ''}`);
    for (const r of page.receipts as Json[])
      body.append(
        el(
          'tr',
          {},
          el('td', {}, link(`#/account/${r.account}`, r.account)),
          el('td', {}, ...(r.totals as Json[]).flatMap((t, i) => [i > 0 ? ', ' : '', amount(t.amount, ctx.token(t.token).symbol, ctx.token(t.token).decimals)])),
        ),
      );
    more.hidden = page.next === null;
    more.onclick = () => void load(page.next);
  };
  await load(null);
  return section(
    'Recipients',
    el('div', { class: 'table-wrap' }, el('table', { 'data-testid': 'recipients' }, el('caption', {}, 'What the close allocated to each account (its receipt explains why)'), el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'account'), el('th', { scope: 'col' }, 'allocated'))), body)),
    more,
  );
};

export const epochPage = async (ctx: Context, epoch: number): Promise<HTMLElement> => {
  const e = await api(`/v1/epochs/${epoch}`);
  const cxt = ctx.token(ctx.info.contracts.cxtToken);
  const c = (v: string) => amount(v, cxt.symbol, cxt.decimals);
  const nav = el('nav', { 'aria-label': 'Epochs' }, epoch > 0 ? link(`#/epoch/${epoch - 1}`, `← epoch ${epoch - 1}`) : null, ' ', link(`#/epoch/${epoch + 1}`, `epoch ${epoch + 1} →`));
  if (e.status !== 'closed')
    return el('div', { class: 'page', 'data-page': 'epoch' }, el('h1', {}, `Epoch ${epoch}`), nav, facts([['Status', e.status], ['Starts', e.startsAt ? new Date(e.startsAt * 1000).toISOString() : '—'], ['Ends', e.endsAt ? new Date(e.endsAt * 1000).toISOString() : '—']]));
  return el(
    'div',
    { class: 'page', 'data-page': 'epoch' },
    el('h1', {}, `Epoch ${epoch}`),
    nav,
    facts([
      ['Status', 'closed'],
      ['Budget', c(e.budget)],
      ['Minted', c(e.minted)],
      ['Recipients', String(e.recipients)],
      ['Recorded at', `${e.recordedAt} (log position ${e.position})`],
      ['Log head at the close', el('code', { title: e.logHead }, shortHex(e.logHead))],
    ]),
    section('Pools', table('Emission by pool', ['pool', 'budget', 'minted'], (['compute', 'staking', 'verification'] as const).map((p) => [p, c(e.pools[p].budget), c(e.pools[p].minted)]))),
    await recipients(ctx, epoch),
    section(
      'Revenue',
      table('Revenue split by asset', ['asset', 'gross', 'fees', 'providers', 'stakers', 'buyback'], (e.revenue as Json[]).map((r) => {
        const t = ctx.token(r.asset);
        const m = (v: string) => amount(v, t.symbol, t.decimals);
        return [t.symbol, m(r.gross), m(r.fees), m(r.provider), m(r.stakers), m(r.buyback)];
      })),
    ),
  );
};
