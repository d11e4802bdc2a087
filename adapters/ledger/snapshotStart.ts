/**
 * Where a ledger starts (DESIGN §10): from the newest kept snapshot that verifies against the log,
 * else from genesis. A snapshot verifies when the event after its position is an EpochClosed whose
 * stateHash and logHead are the snapshot's hash and the hash of the event at its position, and its
 * content, restored and re-serialized, hashes to that stateHash — so a damaged or edited snapshot
 * is never used, only reported and skipped.
 */
import { canonicalSnapshot, restoreSnapshotParts, snapshotAnchorProblem, type LedgerState } from '../../domain/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import type { SnapshotStore, StoredSnapshot } from './snapshotStore.ts';

export interface SnapshotStart {
  readonly state: LedgerState;
  readonly position: number;
  readonly headHash: string;
}

/** Why a snapshot is not used, or the start it gives. */
export const verifySnapshot = async (store: Pick<EventStore, 'readAll'>, snapshot: StoredSnapshot): Promise<SnapshotStart | string> => {
  const [atHead, close] = await store.readAll({ fromPosition: snapshot.position, maxCount: 2 });
  const problem = snapshotAnchorProblem(snapshot, atHead, close);
  if (problem !== undefined) return problem;
  let state: LedgerState;
  try {
    state = restoreSnapshotParts(snapshot.parts);
  } catch (error) {
    return `its content does not restore: ${(error as Error).message}`;
  }
  const hash = canonicalSnapshot(state).hash;
  if (hash !== snapshot.stateHash) return `its content hashes to ${hash}, not to the recorded stateHash ${snapshot.stateHash}`;
  // Vouched for: the log has the event at the snapshot's position.
  return { state, position: snapshot.position, headHash: atHead!.hash };
};

/**
 * The newest snapshot that verifies (whose close lies at or before `throughPosition`, when given);
 * each one skipped is reported with its reason.
 */
export const latestVerifiedSnapshot = async (
  store: Pick<EventStore, 'readAll'>,
  snapshots: SnapshotStore,
  onSkipped: (position: number, reason: string) => void,
  throughPosition = Infinity,
): Promise<(SnapshotStart & { readonly stored: StoredSnapshot }) | undefined> => {
  for (const position of await snapshots.positions()) {
    if (position + 1 > throughPosition) continue;
    const snapshot = await snapshots.load(position);
    if (snapshot === undefined) continue;
    const start = await verifySnapshot(store, snapshot);
    if (typeof start !== 'string') return { ...start, stored: snapshot };
    onSkipped(position, start);
  }
  return undefined;
};
