/**
 * Receipt read model: each close's reward receipts (domain/receipts.ts) as JSON documents, one per
 * account and epoch, amounts as decimal strings. The fold takes them from the very Settlement the
 * close applies, on the state just before it is applied, so a receipt is never computed apart from
 * the allocation it explains.
 */
import type { RewardReceipt } from '../domain/index.ts';

export type ReceiptDocument = Record<string, unknown>;

const s = (v: bigint): string => v.toString();

export const receiptDocument = (r: RewardReceipt): ReceiptDocument => ({
  account: r.account,
  epoch: r.epoch,
  compute: r.compute && {
    nodes: r.compute.nodes.map((n) => ({ nodeId: n.nodeId, units: n.units, weight: s(n.weight) })),
    tierBps: r.compute.tierBps,
    weight: s(r.compute.weight),
    boostedWeight: s(r.compute.boostedWeight),
    totalBoostedWeight: s(r.compute.totalBoostedWeight),
    pool: s(r.compute.poolWei),
    paid: s(r.compute.paidWei),
  },
  staking: r.staking && {
    activeStake: s(r.staking.activeStakeWei),
    totalActiveStake: s(r.staking.totalActiveStakeWei),
    pool: s(r.staking.poolWei),
    paid: s(r.staking.paidWei),
  },
  verification: r.verification && {
    verdicts: r.verification.verdicts,
    totalVerdicts: r.verification.totalVerdicts,
    pool: s(r.verification.poolWei),
    paid: s(r.verification.paidWei),
  },
  revenue: r.revenue.map((x) => ({ asset: x.asset, provider: s(x.providerWei), stakers: s(x.stakersWei) })),
  tasks: r.tasks.map((x) => ({ taskId: x.taskId, asset: x.asset, pay: s(x.payWei), refund: s(x.refundWei) })),
  slashed: s(r.slashedWei),
  totals: r.totals.map((x) => ({ token: x.token, amount: s(x.amountWei) })),
});

/** What an account that the close neither paid nor slashed gets: a receipt of nothing. */
export const emptyReceiptDocument = (account: string, epoch: number): ReceiptDocument => ({
  account,
  epoch,
  compute: null,
  staking: null,
  verification: null,
  revenue: [],
  tasks: [],
  slashed: '0',
  totals: [],
});

/** One CSV line per (epoch, token) an account was paid in, plus slashes (in the CXT line). */
export const RECEIPT_CSV_COLUMNS = [
  'epoch',
  'token',
  'compute',
  'staking',
  'verification',
  'revenue_provider',
  'revenue_stakers',
  'task_pay',
  'task_refund',
  'slashed',
  'total',
] as const;

export const receiptCsvLines = (doc: ReceiptDocument, cxtToken: string): string[][] => {
  const d = doc as {
    epoch: number;
    compute: { paid: string } | null;
    staking: { paid: string } | null;
    verification: { paid: string } | null;
    revenue: { asset: string; provider: string; stakers: string }[];
    tasks: { asset: string; pay: string; refund: string }[];
    slashed: string;
    totals: { token: string; amount: string }[];
  };
  const tokens = new Set(d.totals.map((t) => t.token));
  if (d.slashed !== '0') tokens.add(cxtToken);
  const sum = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n).toString();
  return [...tokens].sort().map((token) => {
    const cxt = token === cxtToken;
    const revenue = d.revenue.filter((r) => r.asset === token);
    const tasks = d.tasks.filter((t) => t.asset === token);
    return [
      String(d.epoch),
      token,
      cxt ? (d.compute?.paid ?? '0') : '0',
      cxt ? (d.staking?.paid ?? '0') : '0',
      cxt ? (d.verification?.paid ?? '0') : '0',
      sum(revenue.map((r) => r.provider)),
      sum(revenue.map((r) => r.stakers)),
      sum(tasks.map((t) => t.pay)),
      sum(tasks.map((t) => t.refund)),
      cxt ? d.slashed : '0',
      d.totals.find((t) => t.token === token)?.amount ?? '0',
    ];
  });
};
