/**
 * The decisions about a distribution after it was created (DESIGN §6, §9.5): its way on-chain as the
 * publisher observes it (proposed, accepted, revoked) and the claims paid against it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { proposalId, type CommandOf } from './commands.ts';
import { event, type CorexEvent, type EventData } from './events.ts';
import type { LedgerState } from './state.ts';
import { refuse, type Refusal } from './errors.ts';
import { formatUnits, shortAddress } from './units.ts';
import { latestPublishedDistribution, leafKey } from './distribution.ts';
import { chainOfId, distributionOn, latestLiveOn, latestPublishedOn } from './chainDistributions.ts';
import { assetAt, chainLeafWei, claimedOnWei, PRIMARY_CHAIN } from './payoutChains.ts';

type Decision = E.Either<Refusal, CorexEvent[]>;
const ok = (...events: CorexEvent[]): Decision => E.right(events);
const no = (code: Refusal['code'], message: string): Decision => E.left(refuse(code, message));

export const distributionStep = (
  c: CommandOf<'RecordDistributionPublished'> | CommandOf<'ActivateDistribution'> | CommandOf<'RevokeDistribution'>,
  state: LedgerState,
): Decision => {
  const whole = state.distributions.find((x) => x.seq === c.seq);
  if (!whole) return no('DISTRIBUTION_UNKNOWN', `distribution ${c.seq} does not exist`);
  // A payout chain's tree goes its own way on its chain (chainDistributions.ts); the primary one is the distribution.
  if (c.chainId !== undefined && c.type !== 'RecordDistributionPublished' && !state.payoutChains.has(c.chainId))
    return no('CHAIN_UNKNOWN', `chain ${c.chainId} is not a configured payout chain; the primary chain's stages carry no chainId`);
  const chain = chainOfId(state, c.chainId);
  // Revoked whole (no chainId) even when its primary tree is empty: that revokes every tree.
  const d = chain === PRIMARY_CHAIN && c.type === 'RevokeDistribution' ? whole : distributionOn(whole, chain);
  if (!d)
    return no('DISTRIBUTION_UNKNOWN', `distribution ${c.seq} has no tree ${chain === PRIMARY_CHAIN ? 'on the primary chain' : `on chain ${c.chainId}`} (no account had a leaf there)`);
  const where = chain === PRIMARY_CHAIN ? '' : ` on chain ${c.chainId}`;
  switch (c.type) {
    case 'RecordDistributionPublished': {
      const { type: _type, ...data } = c;
      if (d.status === 'created') return ok(event('DistributionPublished', data));
      // Cumulative, so the latest live distribution alone can be proposed again where the chain
      // does not hold it (another chain or contract, or a chain that started over).
      if ((d.status === 'published' || d.status === 'active') && latestLiveOn(state, chain)?.seq === d.seq) {
        const p = d.published;
        if (p && proposalId(p) === proposalId(c) && p.contract === c.contract && p.chainId === c.chainId)
          return no('DISTRIBUTION_STATE', `distribution ${c.seq} is already recorded as proposed in ${c.txHash}`);
        return ok(event('DistributionPublished', data));
      }
      return no('DISTRIBUTION_STATE', `distribution ${c.seq} is ${d.status}${where}; only a created one, or the latest live one again, can be published`);
    }
    case 'ActivateDistribution': {
      const { type: _type, proposal: _proposal, ...data } = c;
      return d.status === 'published'
        ? ok(event('DistributionActivated', data))
        : no('DISTRIBUTION_STATE', `distribution ${c.seq} is ${d.status}${where}; only a published one can be activated`);
    }
    case 'RevokeDistribution': {
      const { type: _type, ...data } = c;
      if (chain !== PRIMARY_CHAIN) {
        // A tree is revoked alone only as the guardian of its chain did it; before any proposal the distribution is revoked whole.
        if (d.status === 'published' && c.txHash !== undefined) return ok(event('DistributionRevoked', data));
        return no('DISTRIBUTION_STATE', `distribution ${c.seq} is ${d.status}${where}; a chain's tree is revoked alone only when its guardian revoked the proposal there`);
      }
      // Revoking a distribution whole revokes every tree: not once one of them is on its chain.
      const onItsChain = whole.chains?.find((t) => t.status !== undefined);
      if (d.status === 'created' && onItsChain === undefined) return ok(event('DistributionRevoked', data));
      if (d.status === 'created')
        return no('DISTRIBUTION_STATE', `distribution ${c.seq}'s tree on chain ${onItsChain!.chainId} is ${onItsChain!.status}; it cannot be revoked whole`);
      // A proposal on-chain is withdrawn by the guardian there; the ledger records the revocation it saw.
      if (d.status === 'published' && c.txHash !== undefined) return ok(event('DistributionRevoked', data));
      return no(
        'DISTRIBUTION_STATE',
        d.status === 'published'
          ? `distribution ${c.seq} is proposed on-chain; the guardian revokes it there (revokePendingRoot) and the publisher records it`
          : `distribution ${c.seq} is ${d.status}; only a created one can be revoked`,
      );
    }
  }
};

/**
 * Claims are paid against an on-chain root, so none may exceed the leaf of the latest published
 * distribution. On a payout chain the bound is the account's leaf there in the ledger (at least
 * the published one, which that chain's contract enforces): claims on each chain stay within that
 * chain's leaf, and the leaves of all chains add up to the entitlement, so nothing is paid twice.
 */
export const recordClaim = (c: CommandOf<'RecordClaim'>, state: LedgerState): Decision => {
  const { type: _type, ...data } = c;
  if (c.chainId !== undefined) return recordChainClaim(c, c.chainId, state, data);
  const published = latestPublishedDistribution(state);
  const ceiling = (published && state.liveLeaves.get(published.seq)?.get(leafKey(c.account, c.token))) ?? 0n;
  const a = state.accounts.get(c.account);
  const claimed = a ? claimedOnWei(a, PRIMARY_CHAIN, c.token) : 0n;
  if (claimed + c.amount > ceiling)
    return no(
      'CLAIM_EXCEEDS_ENTITLEMENT',
      `claim of ${formatUnits(c.amount)} by ${shortAddress(c.account)} in token ${shortAddress(c.token)} would exceed its leaf ${formatUnits(ceiling)} ` +
        `in the latest published distribution${published ? ` (${published.seq})` : ''} (already claimed ${formatUnits(claimed)})`,
    );
  return ok(event('RewardsClaimed', data));
};

const recordChainClaim = (c: CommandOf<'RecordClaim'>, chainId: number, state: LedgerState, data: EventData<'RewardsClaimed'>): Decision => {
  if (!state.payoutChains.has(chainId)) return no('CHAIN_UNKNOWN', `chain ${chainId} is not a configured payout chain; claims on the primary chain carry no chainId`);
  const chain = String(chainId);
  const asset = assetAt(state, chainId, c.token);
  const a = state.accounts.get(c.account);
  const ceiling = asset !== undefined && a !== undefined && latestPublishedOn(state, chain) !== undefined ? chainLeafWei(state, a, chain, asset) : 0n;
  const claimed = asset !== undefined && a !== undefined ? claimedOnWei(a, chain, asset) : 0n;
  if (claimed + c.amount > ceiling)
    return no(
      'CLAIM_EXCEEDS_ENTITLEMENT',
      `claim of ${formatUnits(c.amount)} by ${shortAddress(c.account)} in token ${shortAddress(c.token)} on chain ${chainId} would exceed its leaf there ` +
        `${formatUnits(ceiling)} (already claimed there ${formatUnits(claimed)}${asset === undefined ? '; the chain maps no asset to that token' : ''})`,
    );
  return ok(event('RewardsClaimed', data));
};
