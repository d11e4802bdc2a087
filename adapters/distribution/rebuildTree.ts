/**
 * Rebuilds the tree of a recorded distribution when its saved dump is missing (say the process
 * stopped between recording DistributionCreated and saving the dump). Its leaves are the
 * cumulative allocations as they stood when it was recorded: the ledger's current ones while no
 * epoch has closed since, otherwise those of the log replayed up to that event.
 */
import {
  buildMerkleTree,
  chainLeaves,
  dumpMerkleTree,
  evolve,
  initialState,
  merkleTreeHash,
  naturalKey,
  PRIMARY_CHAIN,
  type ChainKey,
  type DistributionState,
  type LedgerState,
  type StandardMerkleDump,
} from '../../domain/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import { readAllPages } from '../eventStore/shared.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { toDomainEvent } from '../ledger/eventCodec.ts';

/** The ledger state just before the event at `position`. */
const stateBefore = async (store: EventStore, position: number): Promise<LedgerState> => {
  const state = initialState();
  for await (const page of readAllPages(store, 1)) {
    for (const e of page) {
      if (e.position >= position) return state;
      evolve(state, toDomainEvent(e));
    }
  }
  return state;
};

const leavesStateFor = async (d: DistributionState, ledger: Ledger, store: EventStore | undefined): Promise<LedgerState> => {
  // Cumulative allocations change only when an epoch closes.
  if (ledger.state.lastClosedEpoch === d.throughEpoch) return ledger.state;
  const created = await store?.readById(naturalKey({ type: 'CreateDistribution', throughEpoch: d.throughEpoch, logHead: d.logHead })!);
  if (store === undefined || created === undefined)
    throw new Error(
      `the tree of distribution ${d.seq} is not saved and epochs have closed since epoch ${d.throughEpoch}: ` +
        'rebuilding it needs the event store to replay the log up to its creation',
    );
  return stateBefore(store, created.position);
};

/**
 * The dump of `d` (as `chain` sees it, distributionOn), proven equal to what DistributionCreated
 * recorded for that chain's tree (root and tree hash).
 */
export const rebuildDistributionDump = async (d: DistributionState, ledger: Ledger, store?: EventStore, chain: ChainKey = PRIMARY_CHAIN): Promise<StandardMerkleDump> => {
  const state = await leavesStateFor(d, ledger, store);
  // That chain's tree, as planDistribution built it: accounts paid on other chains keep only their frozen leaves on this one.
  const dump = dumpMerkleTree(buildMerkleTree(chainLeaves(state, chain)));
  const treeHash = merkleTreeHash(dump);
  if (dump.tree[0] !== d.root || treeHash !== d.treeHash)
    throw new Error(`the rebuilt ${chain === PRIMARY_CHAIN ? '' : `chain ${chain} `}tree of distribution ${d.seq} has root ${String(dump.tree[0])} and hash ${treeHash}, but the log recorded ${d.root} and ${d.treeHash}`);
  return dump;
};
