/**
 * Payout chains (issue 15) as operators and claimers see them. A payout chain that does not answer
 * is not a reason to take the service out of rotation — it delays only its own trees — so it is
 * an attention condition (`chain:<id>`, /readyz "degraded", cxt_attention), not a failed check. So
 * is a chain the ledger pays on that PAYOUT_CHAINS no longer lists: nobody publishes its trees.
 */
import type { LedgerState } from '../../domain/index.ts';
import type { AttentionBoard } from './attention.ts';
import type { PayoutChainRuntime } from './payoutChainRuntime.ts';

/** Sets or clears each chain's condition; `check` resolves 'ok' or the failure's sentence. */
export const notePayoutChains = async (
  attention: AttentionBoard,
  chains: readonly PayoutChainRuntime[],
  state: LedgerState,
  check: (work: Promise<unknown>, what: string) => Promise<string>,
): Promise<void> => {
  const served = new Set(chains.map((c) => c.chainId));
  const answers = await Promise.all(chains.map((c) => check(c.ping(), `payout chain ${c.chainId}`)));
  chains.forEach((c, i) => {
    if (answers[i] === 'ok') attention.clear(`chain:${c.chainId}`);
    else attention.set(`chain:${c.chainId}`, `payout chain ${c.chainId} (${c.rpcUrl}) does not answer: ${answers[i]}; its trees and claims wait, the other chains go on`);
  });
  for (const chainId of state.payoutChains.keys())
    if (!served.has(chainId))
      attention.set(`chain:${chainId}`, `chain ${chainId} is a payout chain in the ledger but not in PAYOUT_CHAINS: its trees are not published and its claims not indexed until it is listed again`);
};

/** For /v1/info: where each payout chain's distributor is and which asset it pays at which address. */
export const describePayoutChains = (chains: readonly PayoutChainRuntime[], state: LedgerState): unknown[] =>
  chains.map((c) => ({
    chainId: c.chainId,
    distributor: c.distributor,
    assets: [...(state.payoutChains.get(c.chainId)?.assets ?? new Map<string, string>())].map(([asset, address]) => ({ asset, address })),
  }));
