/**
 * One ledger, several chains (issue 15): where each account's rewards are payable.
 *
 * Every account pays out on the primary chain (the one genesis' CXT token lives on) until it sets
 * another configured chain (PayoutChainSet). Entitlements stay ONE cumulative amount per (account,
 * token) — the ledger's — and are split into a leaf per chain:
 * - on the chain the account accrues on for that token, the leaf is the rest: cumulative − the
 *   leaves frozen on every other chain;
 * - on any other chain it is the amount frozen there when the account left it.
 * A switch freezes the old chain's leaf at its value and makes the new chain the rest, so the new
 * chain's leaf starts at what it already held (0, or its own frozen amount when the account comes
 * back) and grows with every later allocation. Hence, exactly and by construction:
 *   Σ over chains of leaf(chain, account, token) = cumulative(account, token),
 * and no leaf ever decreases (cumulative only grows, frozen leaves do not move). A token the payout
 * chain has no address for accrues on the primary chain until that chain maps it (ConfigureChain
 * adding the address freezes the primary leaf the same way). Nothing is payable twice: a claim on
 * one chain is bounded by that chain's leaf, and the leaves add up to the entitlement.
 */
import type { AccountState, LedgerState } from './state.ts';
import type { LeafValue } from './merkle/index.ts';

/** The chain key of the primary chain; other chains are keyed by their decimal chain id. */
export const PRIMARY_CHAIN = 'primary';
export type ChainKey = string;

export const chainKey = (chainId: number | undefined): ChainKey => (chainId === undefined ? PRIMARY_CHAIN : String(chainId));

/** A configured payout chain: the address there of each logical asset (an asset's primary-chain address). */
export interface PayoutChain {
  readonly chainId: number;
  readonly assets: Map<string, string>;
}

/** Where `account`'s allocations in `token` accrue now. */
export const accrualChain = (state: LedgerState, a: AccountState, token: string): ChainKey => {
  if (a.payoutChainId === undefined) return PRIMARY_CHAIN;
  return state.payoutChains.get(a.payoutChainId)?.assets.has(token) ? chainKey(a.payoutChainId) : PRIMARY_CHAIN;
};

/** The leaf of (account, token) on `chain`, in the token's base units (0 when it has none there). */
export const chainLeafWei = (state: LedgerState, a: AccountState, chain: ChainKey, token: string): bigint => {
  const frozen = a.frozenLeavesWei;
  if (chain !== accrualChain(state, a, token)) return frozen?.get(chain)?.get(token) ?? 0n;
  let rest = a.cumulativeWei.get(token) ?? 0n;
  if (frozen) for (const [k, leaves] of frozen) if (k !== chain) rest -= leaves.get(token) ?? 0n;
  return rest;
};

/**
 * Applies a change of where accounts accrue (a PayoutChainSet, or a chain newly mapping assets)
 * while keeping every leaf: for each token whose accrual chain moves, the old chain's leaf is
 * frozen at its value and the new chain's frozen amount (if any) becomes part of the rest it now
 * holds. `change` runs once, between reading every account's leaves and moving them.
 */
export const moveAccrual = (state: LedgerState, accounts: readonly AccountState[], change: () => void): void => {
  const before = accounts.map((a) => {
    const byToken = new Map<string, { chain: ChainKey; leafWei: bigint }>();
    for (const token of a.cumulativeWei.keys()) {
      const chain = accrualChain(state, a, token);
      byToken.set(token, { chain, leafWei: chainLeafWei(state, a, chain, token) });
    }
    return byToken;
  });
  change();
  accounts.forEach((a, i) => {
    for (const [token, was] of before[i]!) {
      const now = accrualChain(state, a, token);
      if (now === was.chain) continue;
      const frozen = (a.frozenLeavesWei ??= new Map());
      let old = frozen.get(was.chain);
      if (!old) frozen.set(was.chain, (old = new Map()));
      if (was.leafWei > 0n) old.set(token, was.leafWei);
      frozen.get(now)?.delete(token);
      for (const [k, leaves] of frozen) if (leaves.size === 0) frozen.delete(k);
    }
    if (a.frozenLeavesWei?.size === 0) a.frozenLeavesWei = undefined;
  });
};

/** Chains that hold a leaf of `a` in some token: the primary, its payout chain, and every chain it left with a frozen leaf. */
export const chainsOf = (a: AccountState): ChainKey[] => {
  const keys = new Set<ChainKey>([PRIMARY_CHAIN, chainKey(a.payoutChainId)]);
  for (const k of a.frozenLeavesWei?.keys() ?? []) keys.add(k);
  return [...keys];
};

/** For the invariants: Σ over chains of the leaves of (account, token) ≠ its cumulative — the first such pair, or undefined. */
export const payoutSplitMismatch = (state: LedgerState): { account: string; token: string; leavesWei: bigint; cumulativeWei: bigint } | undefined => {
  for (const a of state.accounts.values()) {
    if (a.payoutChainId === undefined && a.frozenLeavesWei === undefined) continue;
    for (const [token, cumulativeWei] of a.cumulativeWei) {
      let leavesWei = 0n;
      for (const chain of chainsOf(a)) {
        const leaf = chainLeafWei(state, a, chain, token);
        if (leaf < 0n) return { account: a.account, token, leavesWei: leaf, cumulativeWei };
        leavesWei += leaf;
      }
      if (leavesWei !== cumulativeWei) return { account: a.account, token, leavesWei, cumulativeWei };
    }
  }
  return undefined;
};

/**
 * Every positive leaf of `account` on `chain`, in the account's token order, tokens at their
 * addresses on that chain (on the primary chain they keep their own). Most accounts never leave the
 * primary chain: there their leaves are their cumulative amounts, and nothing of theirs is elsewhere.
 */
export const accountChainLeaves = (state: LedgerState, a: AccountState, chain: ChainKey): LeafValue[] => {
  const neverMoved = a.payoutChainId === undefined && a.frozenLeavesWei === undefined;
  if (chain !== PRIMARY_CHAIN && (neverMoved || (a.payoutChainId !== Number(chain) && !a.frozenLeavesWei?.has(chain)))) return [];
  const addresses = chain === PRIMARY_CHAIN ? undefined : state.payoutChains.get(Number(chain))?.assets;
  const leaves: LeafValue[] = [];
  for (const [token, cumulative] of a.cumulativeWei) {
    const amount = neverMoved ? cumulative : chainLeafWei(state, a, chain, token);
    // A leaf exists on a chain only for a token it maps (accrual moves there only then).
    if (amount > 0n) leaves.push({ account: a.account, token: addresses === undefined ? token : addresses.get(token)!, amount });
  }
  return leaves;
};

/**
 * The leaves payable on `chain`, the tree a distribution would commit to there: every positive
 * leaf, sorted by account then token address.
 */
export const chainLeaves = (state: LedgerState, chain: ChainKey): LeafValue[] => {
  if (chain !== PRIMARY_CHAIN && !state.payoutChains.has(Number(chain))) return [];
  const leaves: LeafValue[] = [];
  for (const account of [...state.accounts.keys()].sort()) {
    const own = accountChainLeaves(state, state.accounts.get(account)!, chain);
    own.sort((x, y) => (x.token < y.token ? -1 : x.token > y.token ? 1 : 0));
    leaves.push(...own);
  }
  return leaves;
};

/** Every chain that may hold leaves: the primary one and each configured payout chain. */
export const payoutChainKeys = (state: LedgerState): ChainKey[] => [PRIMARY_CHAIN, ...[...state.payoutChains.keys()].sort((a, b) => a - b).map(String)];

/** The logical asset (its primary-chain address) that `address` is on payout chain `chainId`, if any. */
export const assetAt = (state: LedgerState, chainId: number, address: string): string | undefined => {
  for (const [asset, there] of state.payoutChains.get(chainId)?.assets ?? []) if (there === address) return asset;
  return undefined;
};

/** What `a` claimed in `asset` on `chain`: on a payout chain its own record; on the primary chain the rest of claimedWei. */
export const claimedOnWei = (a: AccountState, chain: ChainKey, asset: string): bigint => {
  if (chain !== PRIMARY_CHAIN) return a.chainClaimedWei?.get(chain)?.get(asset) ?? 0n;
  let claimed = a.claimedWei.get(asset) ?? 0n;
  for (const byAsset of a.chainClaimedWei?.values() ?? []) claimed -= byAsset.get(asset) ?? 0n;
  return claimed;
};

/** For evolve: a claim on `chain` (already mapped to its asset) counts in the account's total and in that chain's record. */
export const addClaim = (a: AccountState, chain: ChainKey, asset: string, amountWei: bigint): void => {
  a.claimedWei.set(asset, (a.claimedWei.get(asset) ?? 0n) + amountWei);
  if (chain === PRIMARY_CHAIN) return;
  const claims = (a.chainClaimedWei ??= new Map());
  let byAsset = claims.get(chain);
  if (!byAsset) claims.set(chain, (byAsset = new Map()));
  byAsset.set(asset, (byAsset.get(asset) ?? 0n) + amountWei);
};

/** Σ over accounts of what the ledger recorded as claimed on `chain` of the token at `address` there: a lower bound of the chain's own figure. */
export const claimedOnChainWei = (state: LedgerState, chain: ChainKey, address: string): bigint => {
  const asset = chain === PRIMARY_CHAIN ? address : assetAt(state, Number(chain), address);
  if (asset === undefined) return 0n;
  let total = 0n;
  for (const a of state.accounts.values()) total += claimedOnWei(a, chain, asset);
  return total;
};
