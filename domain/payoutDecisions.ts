/**
 * Decisions about payout chains (payoutChains.ts): configuring a chain's asset addresses, and an
 * account choosing the chain its rewards are payable on.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.ts';
import { event, type CorexEvent } from './events.ts';
import type { LedgerState } from './state.ts';
import { refuse, type Refusal } from './errors.ts';
import { shortAddress } from './units.ts';

type Decision = E.Either<Refusal, CorexEvent[]>;

const chainName = (chainId: number | null): string => (chainId === null ? 'the primary chain' : `chain ${chainId}`);

/** Additive: a new chain, or addresses of assets it did not map yet; an address once given never changes (leaves name it). */
export const configureChain = (c: CommandOf<'ConfigureChain'>, state: LedgerState): Decision => {
  const known = state.payoutChains.get(c.chainId);
  // The primary chain's trees are published there already: as a payout chain too, its proposals would mean two things.
  const primary = state.distributions.find((d) => d.published?.chainId === c.chainId);
  if (primary !== undefined)
    return E.left(refuse('INVALID_CONFIG', `chain ${c.chainId} is the primary chain (distribution ${primary.seq} was published there); accounts paid there need no payout chain`));
  const seen = new Set<string>();
  // Two assets at one address would put two leaves for one (account, token) in that chain's tree.
  const taken = new Map<string, string>([...(known?.assets ?? [])].map(([asset, address]) => [address, asset]));
  const added = [];
  for (const { asset, address } of c.assets) {
    if (!state.assetRegistry.has(asset)) return E.left(refuse('ASSET_UNKNOWN', `asset ${asset} is not registered; register it before mapping it to chain ${c.chainId}`));
    if (seen.has(asset)) return E.left(refuse('INVALID_CONFIG', `asset ${asset} is mapped twice in one request`));
    seen.add(asset);
    const existing = known?.assets.get(asset);
    if (existing !== undefined && existing !== address)
      return E.left(refuse('CHAIN_ASSET_FIXED', `asset ${shortAddress(asset)} is already ${shortAddress(existing)} on chain ${c.chainId}; leaves name it, so it cannot change`));
    if (existing === undefined) {
      const other = taken.get(address);
      if (other !== undefined) return E.left(refuse('INVALID_CONFIG', `address ${shortAddress(address)} on chain ${c.chainId} is already asset ${shortAddress(other)}'s`));
      taken.set(address, asset);
      added.push({ asset, address });
    }
  }
  if (known !== undefined && added.length === 0) return E.left(refuse('CHAIN_UNCHANGED', `chain ${c.chainId} already maps every asset given`));
  return E.right([event('ChainConfigured', { chainId: c.chainId, assets: added })]);
};

export const setPayoutChain = (c: CommandOf<'SetPayoutChain'>, state: LedgerState, epoch: number): Decision => {
  if (c.chainId !== null && !state.payoutChains.has(c.chainId))
    return E.left(refuse('CHAIN_UNKNOWN', `chain ${c.chainId} is not a configured payout chain (configured: ${[...state.payoutChains.keys()].join(', ') || 'none'} besides the primary one)`));
  const a = state.accounts.get(c.account);
  const expected = (a?.payoutSequence ?? 0) + 1;
  if (c.sequence !== expected)
    return E.left(refuse('PAYOUT_SEQUENCE', `payout change ${c.sequence} of ${shortAddress(c.account)} is not the next one (${expected}): a signature counts once`));
  const current = a?.payoutChainId ?? null;
  if (current === c.chainId) return E.left(refuse('PAYOUT_CHAIN_UNCHANGED', `${shortAddress(c.account)} is already paid on ${chainName(current)}`));
  return E.right([event('PayoutChainSet', { account: c.account, chainId: c.chainId, sequence: c.sequence, epoch })]);
};
