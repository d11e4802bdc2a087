/** One task: its terms, each fragment's seats and results, and once settled, who was paid and the refund. */
import { api, type Json } from '../api.ts';
import type { Context } from '../context.ts';
import { el, facts, link, section, table } from '../dom.ts';
import { amount } from '../format.ts';

export const taskPage = async (ctx: Context, taskId: string): Promise<HTMLElement> => {
  const t = await api(`/v1/tasks/${encodeURIComponent(taskId)}`);
  const token = ctx.token(t.asset);
  const money = (v: string) => amount(v, token.symbol, token.decimals);
  return el(
    'div',
    { class: 'page', 'data-page': 'task' },
    el('h1', {}, 'Task ', el('code', {}, t.taskId)),
    facts([
      ['Status', t.status],
      ['Initiator', link(`#/account/${t.initiator}`, t.initiator)],
      ['Kind', t.kind],
      ['Budget', money(t.budget)],
      ['Redundancy / quorum', `${t.redundancy} / ${t.quorum}`],
      ['Posted in epoch', link(`#/epoch/${t.postedEpoch}`, String(t.postedEpoch))],
      ['Deadline epoch', String(t.deadlineEpoch)],
    ]),
    section(
      'Fragments',
      table('Fragments, their seats and results', ['fragment', 'class', 'units', 'status', 'round', 'seats', 'results'], (t.fragments as Json[]).map((f) => [
        f.fragmentId,
        f.hardwareClass,
        String(f.units),
        f.status,
        String(f.round),
        el('span', {}, ...(f.seats as Json[]).flatMap((s, i) => [i > 0 ? ', ' : '', link(`#/node/${encodeURIComponent(s.nodeId)}`, s.nodeId)])),
        String((f.results as Json[]).length),
      ])),
    ),
    t.settlement
      ? section(
          'Settlement',
          facts([
            ['Settled in epoch', link(`#/epoch/${t.settlement.epoch}`, String(t.settlement.epoch))],
            ['Fee', money(t.settlement.fee)],
            ['Refund to the initiator', money(t.settlement.refund)],
          ]),
          table('Paid to node operators', ['account', 'amount'], (t.settlement.nodePay as Json[]).map((p) => [link(`#/account/${p.account}`, p.account), money(p.amount)])),
        )
      : null,
  );
};
