/**
 * A signed PayoutChain change (issue 15), checked the same way wherever it arrives (the API's
 * POST /v1/accounts/:address/payout-chain, `cxt account payout-chain`): the signature must
 * recover to the account itself, and the signed EVM chain id becomes the ledger's payout chain —
 * none (null) when it is the primary chain's own id.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from '../../domain/index.ts';
import type { PayoutChainMessage, Recovered } from './eip712.ts';

export type PayoutChainRejection =
  /** The signature cannot be used at all (a 400 on `signature`). */
  | { readonly kind: 'unusable'; readonly message: string }
  /** A valid signature by another key (403 SIGNATURE_MISMATCH). */
  | { readonly kind: 'mismatch'; readonly message: string };

export const payoutChainCommand = (primaryChainId: number, m: PayoutChainMessage, recovered: Recovered): E.Either<PayoutChainRejection, Command> => {
  if (!recovered.ok) return E.left({ kind: 'unusable', message: recovered.message });
  if (recovered.signer !== m.account)
    return E.left({ kind: 'mismatch', message: `the signature recovers to ${recovered.signer}, not to the account ${m.account}: only the account chooses its payout chain` });
  return E.right({ type: 'SetPayoutChain', account: m.account, chainId: m.chainId === primaryChainId ? null : m.chainId, sequence: m.sequence });
};
