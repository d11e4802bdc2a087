/**
 * An account chooses the chain its rewards are payable on (issue 15), signing EIP-712
 * `PayoutChain` itself: no operator can move someone's payouts. The signed chain id is an EVM
 * chain id, the primary chain's own one to come back; the ledger's sequence makes each signature
 * count once (a replayed one is refused PAYOUT_SEQUENCE, or answered as the same request).
 *
 * Statuses as for the other signed writes: an unusable signature is a 400 naming `signature`, a
 * valid one by another key 403 SIGNATURE_MISMATCH, an unknown chain 422 CHAIN_UNKNOWN.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { commandOutcome, refusedWith, sendOutcome } from '../commandReply.ts';
import { payoutChainDigest } from '../eip712.ts';
import { payoutChainCommand } from '../payoutChainRequest.ts';
import type { HttpDeps } from '../ports.ts';
import { problems } from '../problem.ts';
import { bodies, params } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';
import type { SignatureRecovery } from '../signatureRecovery.ts';

export const registerPayoutChainWrites = (app: FastifyInstance, deps: HttpDeps, signatures: SignatureRecovery): void => {
  defineRoute(app, deps.tokens, {
    method: 'POST',
    url: '/v1/accounts/:address/payout-chain',
    tag: 'accounts',
    summary: 'Choose the chain the account’s rewards are payable on, signed (EIP-712 `PayoutChain`) by the account',
    description:
      'Rewards allocated from then on accrue on the chosen chain; the leaf on the chain left is frozen and stays claimable there. ' +
      'GET /v1/accounts/:address gives payoutChain.nextSequence; GET /v1/info lists the payout chains.',
    params: params.address,
    body: bodies.payoutChain,
    responses: { 201: 'Recorded: the PayoutChainSet event', 200: 'Idempotent replay: the event of the original request' },
    handler: async ({ params: p, body }, _req, reply) => {
      const message = { account: p.address, chainId: body.chainId, sequence: body.sequence };
      const checked = payoutChainCommand(deps.chainId, message, await signatures.recover(payoutChainDigest(deps.chainId, message), body.signature));
      if (E.isLeft(checked))
        return sendOutcome(
          reply,
          refusedWith(checked.left.kind === 'unusable' ? problems.invalidRequest([{ field: 'signature', message: checked.left.message }]) : problems.forbidden(checked.left.message, 'SIGNATURE_MISMATCH')),
        );
      return sendOutcome(reply, await commandOutcome(deps.commands, checked.right));
    },
  });
};
