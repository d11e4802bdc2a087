/**
 * Pro-rata sharing with floors. What the floors leave over is not allocated: for CXT it stays
 * unminted (DESIGN §4), for revenue it goes to the buyback budget (DESIGN §5).
 */

/**
 * Share `poolWei` by weight: floor(pool · w / Σw) each. Zero weights get nothing and are left out;
 * a pool with zero total weight allocates nothing. Keys keep their insertion order.
 */
export const proRata = <K>(poolWei: bigint, weights: ReadonlyMap<K, bigint>): Map<K, bigint> => {
  let total = 0n;
  for (const w of weights.values()) {
    if (w < 0n) throw new RangeError('weights must not be negative');
    total += w;
  }
  const shares = new Map<K, bigint>();
  if (total === 0n || poolWei <= 0n) return shares;
  for (const [key, w] of weights) {
    if (w === 0n) continue;
    const share = (poolWei * w) / total;
    if (share > 0n) shares.set(key, share);
  }
  return shares;
};

/** One line of an epoch's allocations: an amount of `token` owed to `account`. */
export interface Allocation {
  readonly account: string;
  readonly token: string;
  readonly amountWei: bigint;
}

/** Adds into a (account, token) keyed ledger; used to merge pools into one allocation list. */
export const addAllocation = (ledger: Map<string, Allocation>, account: string, token: string, amountWei: bigint): void => {
  if (amountWei === 0n) return;
  const key = `${account}|${token}`;
  const prev = ledger.get(key);
  ledger.set(key, { account, token, amountWei: (prev?.amountWei ?? 0n) + amountWei });
};

/** Canonical order: by account, then token (both lowercase hex), so hashes do not depend on iteration order. */
export const sortAllocations = (allocations: Iterable<Allocation>): Allocation[] =>
  [...allocations].sort((a, b) =>
    a.account < b.account ? -1 : a.account > b.account ? 1 : a.token < b.token ? -1 : a.token > b.token ? 1 : 0,
  );
