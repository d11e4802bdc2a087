/**
 * Distribution trees for reads: each saved dump is loaded once (loadMerkleDump rebuilds it and
 * proves every node), indexed by account, and kept for the few distributions reads ask about
 * (the active and the pending one), so a proof lookup is a map hit plus log2(n) node reads.
 */
import { loadMerkleDump, PRIMARY_CHAIN, type ChainKey, type DistributionState, type MerkleTree, type StandardMerkleDump } from '../../domain/index.ts';

export interface IndexedTree {
  readonly seq: number;
  readonly tree: MerkleTree;
  readonly dump: StandardMerkleDump;
  /** Value indices of each account's leaves (one per token). */
  readonly byAccount: ReadonlyMap<string, readonly number[]>;
}

/** An account's leaves in a tree, each with its proof, as claim() takes them (amounts as decimal strings). */
export const leavesOf = (tree: IndexedTree | undefined, account: string): { token: string; cumulative: string; proof: string[] }[] =>
  (tree?.byAccount.get(account) ?? []).map((i) => {
    const v = tree!.tree.values[i]!;
    return { token: v.token, cumulative: v.amount.toString(), proof: tree!.tree.proof(i) };
  });

/** The dump of `d` as `chain` sees it (distributionOn; default the primary chain). */
export type DumpSource = (d: DistributionState, chain?: ChainKey) => Promise<StandardMerkleDump | undefined>;

export interface TreeCache {
  /** The tree of `d` on `chain` (default the primary chain), or undefined when no dump is available for it. */
  get(d: DistributionState, chain?: ChainKey): Promise<IndexedTree | undefined>;
}

const indexTree = (seq: number, dump: StandardMerkleDump): IndexedTree => {
  const tree = loadMerkleDump(dump);
  const byAccount = new Map<string, number[]>();
  tree.values.forEach((v, i) => {
    const list = byAccount.get(v.account);
    if (list) list.push(i);
    else byAccount.set(v.account, [i]);
  });
  return { seq, tree, dump, byAccount };
};

export const createTreeCache = (source: DumpSource, capacity = 4): TreeCache => {
  // Promises are cached, so concurrent first requests for one tree load it once.
  const entries = new Map<string, Promise<IndexedTree | undefined>>();
  return {
    get(d, chain = PRIMARY_CHAIN) {
      // Keyed by tree hash too: a rebuilt dump for the same seq would be a different tree.
      const key = `${chain}:${d.seq}:${d.treeHash}`;
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = source(d, chain).then((dump) => (dump === undefined ? undefined : indexTree(d.seq, dump)));
        // A failed or missing load is not cached: the dump may be saved a moment later.
        entry.then((t) => t ?? entries.delete(key), () => entries.delete(key));
        entries.set(key, entry);
        while (entries.size > capacity) entries.delete(entries.keys().next().value!);
      } else {
        entries.delete(key);
        entries.set(key, entry); // most recently used last
      }
      return entry;
    },
  };
};
