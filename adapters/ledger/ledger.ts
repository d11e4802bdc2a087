/**
 * The ledger: domain state kept current by folding the store's log from where it left off. Command
 * keys are the store's business (its unique event ids), so the ledger keeps no index of them.
 *
 * With a snapshot store it starts from the newest snapshot that verifies against the log and folds
 * only the tail (DESIGN §10), and at each close it folds it keeps the snapshot of the state at the
 * close's logHead — the one whose hash the EpochClosed records — written off the append path.
 */
import { canonicalSnapshot, evolve, initialState, ZERO_HASH, type LedgerState, type StoredEvent } from '../../domain/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import { toDomainEvent } from './eventCodec.ts';
import { latestVerifiedSnapshot } from './snapshotStart.ts';
import type { SnapshotStore } from './snapshotStore.ts';

export interface LedgerOptions {
  readonly pageSize?: number;
  readonly snapshots?: SnapshotStore;
  /** Snapshots kept (default 3); older ones are pruned after each save. */
  readonly snapshotRetention?: number;
  /**
   * While catching up on a long log, closes this far or farther behind the head it saw are not
   * snapshotted (the next ones will be): a full replay should not serialize every old state.
   */
  readonly snapshotWithinEvents?: number;
  /** Told when a kept snapshot is not used or not written (it is skipped, never fatal). */
  readonly onSnapshotProblem?: (message: string) => void;
}

export interface Ledger {
  readonly state: LedgerState;
  /** Position and hash of the last event folded. */
  readonly position: number;
  readonly headHash: string;
  /** Folds every event appended since the last call. */
  catchUp(): Promise<void>;
  /**
   * Folds events this process just appended when they directly follow what is folded (saves
   * reading them back); otherwise catches up from the store.
   */
  advance(appended: readonly StoredEvent[]): Promise<void>;
  /** Called for every event folded, after evolve (projections, metrics). */
  onEvent(listener: (e: StoredEvent, state: LedgerState) => void): void;
  /**
   * Called once, after the start point is chosen and before the first event is folded, with the
   * position of the snapshot started from (0: genesis): listeners that keep records of events fold
   * would otherwise miss the ones the snapshot stands for.
   */
  onStart(listener: (startedAt: number) => Promise<void>): void;
  /** Position of the snapshot this ledger started from (0: genesis). Events up to it were never folded here. */
  readonly startedAt: number;
  /** Resolves when every snapshot queued so far is written (tests, shutdown). */
  snapshotsWritten(): Promise<void>;
}

export const createLedger = (store: EventStore, options: LedgerOptions = {}): Ledger => {
  let state = initialState();
  const listeners: Array<(e: StoredEvent, s: LedgerState) => void> = [];
  const startListeners: Array<(startedAt: number) => Promise<void>> = [];
  let position = 0;
  let headHash = ZERO_HASH;
  let startedAt = 0;
  let started = false;
  let running: Promise<void> | undefined;
  let writes: Promise<void> = Promise.resolve();
  /** Closes at or before this position are not snapshotted (set while catching up on history). */
  let snapshotFrom = 0;
  const problem = (message: string) => options.onSnapshotProblem?.(message);

  /** The state at a close's logHead, when its hash is what the close recorded, goes to the snapshot store. */
  const keepSnapshot = (close: StoredEvent): void => {
    const snapshots = options.snapshots;
    const recorded = close.data.stateHash;
    if (snapshots === undefined || typeof recorded !== 'string' || close.position <= snapshotFrom) return;
    const { parts, hash } = canonicalSnapshot(state);
    if (hash !== recorded) return problem(`the state before the close at position ${close.position} hashes to ${hash}, but the close records ${recorded}: no snapshot kept`);
    const snapshot = { position: close.position - 1, stateHash: hash, parts };
    writes = writes
      .then(() => snapshots.save(snapshot))
      .then(() => snapshots.prune(options.snapshotRetention ?? 3))
      .catch((error: Error) => problem(`the snapshot at position ${snapshot.position} was not written: ${error.message}`));
  };

  const apply = (e: StoredEvent): void => {
    const event = toDomainEvent(e);
    if (event.type === 'EpochClosed') keepSnapshot(e);
    evolve(state, event);
    position = e.position;
    headHash = e.hash;
    for (const l of listeners) l(e, state);
  };

  const start = async (): Promise<void> => {
    const from =
      options.snapshots === undefined
        ? undefined
        : await latestVerifiedSnapshot(store, options.snapshots, (at, reason) => problem(`the snapshot at position ${at} is skipped: ${reason}`));
    if (from !== undefined) {
      state = from.state;
      position = from.position;
      headHash = from.headHash;
      startedAt = from.position;
    }
    if (options.snapshots !== undefined) snapshotFrom = (await store.head()).position - (options.snapshotWithinEvents ?? 100_000);
    for (const l of startListeners) await l(startedAt);
    started = true;
  };

  const fold = async (): Promise<void> => {
    if (!started) await start();
    const pageSize = options.pageSize ?? 5000;
    for (;;) {
      const page = await store.readAll({ fromPosition: position + 1, maxCount: pageSize });
      for (const e of page) apply(e);
      // A short page reached the head: no need to ask again for an empty one.
      if (page.length < pageSize) return;
    }
  };

  const advanceWith = async (appended: readonly StoredEvent[]): Promise<void> => {
    if (started && appended.length > 0 && appended[0]!.position === position + 1) for (const e of appended) apply(e);
    else await fold();
  };

  return {
    get state() {
      return state;
    },
    get startedAt() {
      return startedAt;
    },
    snapshotsWritten: () => writes,
    get position() {
      return position;
    },
    get headHash() {
      return headHash;
    },
    catchUp() {
      // Folds run one after another: a call made after an append always sees that append.
      const next = (running ?? Promise.resolve()).then(fold);
      running = next.catch(() => undefined);
      return next;
    },
    advance(appended) {
      const next = (running ?? Promise.resolve()).then(() => advanceWith(appended));
      running = next.catch(() => undefined);
      return next;
    },
    onEvent: (listener) => {
      listeners.push(listener);
    },
    onStart: (listener) => {
      startListeners.push(listener);
    },
  };
};
