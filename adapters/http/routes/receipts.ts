/**
 * Reward receipts (issue 13): why an account got what it got at one close — read from the
 * receipts table the read models keep, which takes them from the close's own settlement.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpDeps, Lookup } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { params, queries, withOpaqueNext } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

/** The read models follow the ledger by one scheduler tick: a receipt being written is worth a retry. */
const RETRY_AFTER_SECONDS = 2;

const answer = (reply: FastifyReply, r: Lookup) => {
  if (r.status === 'ok') return r.body;
  if (r.status === 'not-found') return sendProblem(reply, problems.notFound(r.detail));
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return sendProblem(reply, problems.unavailable(r.detail));
};

export const registerReceipts = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens, queries: q } = deps;

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address/epochs/:epoch',
    tag: 'accounts',
    summary: 'The account’s reward receipt for a closed epoch: how the settlement paid it, and the leaf (with proof) it rolls into',
    description:
      'Compute: work per node, tier bps, weight and boosted weight against the close’s total; staking: active stake against the total; verdicts paid; revenue shares per asset; task pay and refunds; stake slashed; totals per token (the close’s allocation to the account, exactly). `distribution` is the distribution to claim it through: the active one if it includes the epoch, else the pending one if it does, else null (the epoch rolls into a later one). An account the close did not pay answers an empty receipt.',
    params: params.accountEpoch,
    responses: { 200: 'The receipt' },
    handler: async ({ params: p }, _req, reply) => answer(reply, await q.receipt(p.address, p.epoch)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/epochs/:epoch/receipts',
    tag: 'epochs',
    summary: 'The receipts of every account a close paid or slashed, in address order, paged',
    description: 'Their totals add up to the close’s allocations: minted CXT, and per revenue asset its provider and staker shares plus task pay and refunds.',
    params: params.epoch,
    query: queries.page,
    responses: { 200: 'Receipts; `next` is the cursor of the following page, or null' },
    handler: async ({ params: p, query }, _req, reply) => {
      const r = await q.epochReceipts(p.epoch, query.after, query.limit ?? 100);
      return answer(reply, r.status === 'ok' ? { status: 'ok', body: withOpaqueNext(r.body) } : r);
    },
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address/epochs',
    tag: 'accounts',
    summary: 'The account’s reward receipts, ascending by epoch, paged (epochs it was not paid in are left out)',
    description: '`nextFromEpoch` continues the walk (null at the end); `receiptsThroughEpoch` is the last close the receipts table holds.',
    params: params.address,
    query: queries.epochs,
    responses: { 200: 'Receipts' },
    handler: ({ params: p, query }) => q.receipts(p.address, query.fromEpoch ?? 0, query.limit ?? 100),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address/epochs.csv',
    tag: 'accounts',
    summary: 'Every receipt of the account as CSV: one line per epoch and token, amounts in base units',
    description: 'Columns: epoch, token, compute, staking, verification, revenue_provider, revenue_stakers, task_pay, task_refund, slashed, total.',
    params: params.address,
    responses: { 200: 'text/csv' },
    handler: async ({ params: p }, _req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cxt-receipts-${p.address}.csv"`)
        .send(Readable.from(await q.receiptsCsv(p.address))),
  });
};
