/** One node: who runs it, its open contributions and verdicts, and its seats in open tasks. */
import { api, type Json } from '../api.ts';
import { el, facts, link, section, table } from '../dom.ts';

export const nodePage = async (nodeId: string): Promise<HTMLElement> => {
  const n = await api(`/v1/nodes/${encodeURIComponent(nodeId)}`);
  return el(
    'div',
    { class: 'page', 'data-page': 'node' },
    el('h1', {}, 'Node ', el('code', {}, n.nodeId)),
    facts([
      ['Operator', link(`#/account/${n.operator}`, n.operator)],
      ['Signer', el('code', {}, n.signer)],
      ['Hardware class', n.hardwareClass],
      ['Region', n.region ?? '—'],
    ]),
    section(
      'Open contributions',
      el('p', {}, 'Settled work leaves the ledger at the close that pays it; the receipts of the operator show it.'),
      table('Contributions not yet settled', ['id', 'epoch', 'kind', 'units', 'status', 'judged in epoch', 'task'], (n.openContributions as Json[]).map((c) => [c.contributionId, String(c.epoch), c.kind, String(c.units), c.status, c.judgedEpoch ?? '—', c.taskId ? link(`#/task/${encodeURIComponent(c.taskId)}`, c.taskId) : '—'])),
    ),
    section(
      'Task seats',
      table('Seats in open tasks', ['task', 'fragment', 'kind', 'units', 'round', 'deadline epoch', 'state'], (n.assignments as Json[]).map((a) => [link(`#/task/${encodeURIComponent(a.taskId)}`, a.taskId), a.fragmentId, a.kind, String(a.units), String(a.round), String(a.deadlineEpoch), a.state])),
    ),
  );
};
