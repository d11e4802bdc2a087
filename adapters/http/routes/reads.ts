/** Public reads: accounts and their proofs, epochs, supply, distributions and their trees. */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { params, queries } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

export const registerReads = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens, queries: q } = deps;

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address',
    tag: 'accounts',
    summary: 'Stake, tier, tenure, governance weight, and per token: cumulative allocated, in the active distribution, claimed, claimable',
    description: 'claimable = cumulative in the active distribution − claimed on-chain (as indexed). An address never seen answers zeros.',
    params: params.address,
    responses: { 200: 'The account' },
    handler: ({ params: p }) => q.account(p.address),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/accounts/:address/proofs',
    tag: 'accounts',
    summary: 'Merkle proofs of the account’s leaves in the active and the pending distribution, ready for claim(); per payout chain (chains[]) the same on that chain',
    params: params.address,
    responses: { 200: 'Proofs per distribution and token' },
    handler: ({ params: p }) => q.proofs(p.address),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/epochs',
    tag: 'epochs',
    summary: 'Closed epochs as recorded (budget, minted, pools, revenue split, allocations hash)',
    query: queries.epochs,
    responses: { 200: 'Closed epochs, ascending' },
    handler: ({ query }) => q.epochs(query.fromEpoch ?? 0, query.limit ?? 100),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/epochs/:epoch',
    tag: 'epochs',
    summary: 'One epoch: its close as recorded, or its time window while open',
    params: params.epoch,
    responses: { 200: 'The epoch' },
    handler: ({ params: p }) => q.epoch(p.epoch),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/supply',
    tag: 'supply',
    summary: 'Max supply, minted, burned, circulating, remaining, staked',
    responses: { 200: 'Supply in base units' },
    handler: () => q.supply(),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/distributions',
    tag: 'distributions',
    summary: 'Every distribution with its status and chain records',
    responses: { 200: 'Distributions, by seq' },
    handler: () => q.distributions(),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/distributions/:seq',
    tag: 'distributions',
    summary: 'One distribution',
    params: params.seq,
    responses: { 200: 'The distribution' },
    handler: async ({ params: p }, _req, reply) =>
      (await q.distribution(p.seq)) ?? sendProblem(reply, problems.notFound(`distribution ${p.seq} does not exist`)),
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/distributions/:seq/tree',
    tag: 'distributions',
    summary: 'The distribution’s tree as OpenZeppelin’s StandardMerkleTree dump (format standard-v1)',
    description:
      'Loads with `StandardMerkleTree.load(dump)`; its keccak256 over RFC 8785 JSON is the recorded treeHash. ' +
      '`?chainId=` a payout chain’s id gives the distribution’s tree on that chain (issue 15).',
    params: params.seq,
    query: queries.tree,
    responses: { 200: 'The standard-v1 dump' },
    handler: async ({ params: p, query }, _req, reply) =>
      (await q.tree(p.seq, query.chainId === deps.chainId ? undefined : query.chainId)) ??
      sendProblem(reply, problems.notFound(`distribution ${p.seq} does not exist or has no tree available${query.chainId === undefined ? '' : ` on chain ${query.chainId}`}`)),
  });
};
