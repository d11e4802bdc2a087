/**
 * The decisions about a distribution after it was created (DESIGN §6, §9.5): its way on-chain as the
 * publisher observes it (proposed, accepted, revoked) and the claims paid against it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { proposalId, type CommandOf } from './commands.ts';
import { event, type CorexEvent } from './events.ts';
import type { LedgerState } from './state.ts';
import { refuse, type Refusal } from './errors.ts';
import { formatUnits, shortAddress } from './units.ts';
import { latestLiveDistribution, latestPublishedDistribution, leafKey } from './distribution.ts';

type Decision = E.Either<Refusal, CorexEvent[]>;
const ok = (...events: CorexEvent[]): Decision => E.right(events);
const no = (code: Refusal['code'], message: string): Decision => E.left(refuse(code, message));

export const distributionStep = (
  c: CommandOf<'RecordDistributionPublished'> | CommandOf<'ActivateDistribution'> | CommandOf<'RevokeDistribution'>,
  state: LedgerState,
): Decision => {
  const d = state.distributions.find((x) => x.seq === c.seq);
  if (!d) return no('DISTRIBUTION_UNKNOWN', `distribution ${c.seq} does not exist`);
  switch (c.type) {
    case 'RecordDistributionPublished': {
      const { type: _type, ...data } = c;
      if (d.status === 'created') return ok(event('DistributionPublished', data));
      // Cumulative, so the latest live distribution alone can be proposed again where the chain
      // does not hold it (another chain or contract, or a chain that started over).
      if ((d.status === 'published' || d.status === 'active') && latestLiveDistribution(state)?.seq === d.seq) {
        const p = d.published;
        if (p && proposalId(p) === proposalId(c) && p.contract === c.contract && p.chainId === c.chainId)
          return no('DISTRIBUTION_STATE', `distribution ${c.seq} is already recorded as proposed in ${c.txHash}`);
        return ok(event('DistributionPublished', data));
      }
      return no('DISTRIBUTION_STATE', `distribution ${c.seq} is ${d.status}; only a created one, or the latest live one again, can be published`);
    }
    case 'ActivateDistribution': {
      const { type: _type, proposal: _proposal, ...data } = c;
      return d.status === 'published'
        ? ok(event('DistributionActivated', data))
        : no('DISTRIBUTION_STATE', `distribution ${c.seq} is ${d.status}; only a published one can be activated`);
    }
    case 'RevokeDistribution': {
      const { type: _type, ...data } = c;
      if (d.status === 'created') return ok(event('DistributionRevoked', data));
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

/** Claims are paid against an on-chain root, so none may exceed the leaf of the latest published distribution. */
export const recordClaim = (c: CommandOf<'RecordClaim'>, state: LedgerState): Decision => {
  const published = latestPublishedDistribution(state);
  const ceiling = (published && state.liveLeaves.get(published.seq)?.get(leafKey(c.account, c.token))) ?? 0n;
  const claimed = state.accounts.get(c.account)?.claimedWei.get(c.token) ?? 0n;
  if (claimed + c.amount > ceiling)
    return no(
      'CLAIM_EXCEEDS_ENTITLEMENT',
      `claim of ${formatUnits(c.amount)} by ${shortAddress(c.account)} in token ${shortAddress(c.token)} would exceed its leaf ${formatUnits(ceiling)} ` +
        `in the latest published distribution${published ? ` (${published.seq})` : ''} (already claimed ${formatUnits(claimed)})`,
    );
  const { type: _type, ...data } = c;
  return ok(event('RewardsClaimed', data));
};

