/**
 * The ledger: domain state kept current by folding the store's log from where it left off. Command
 * keys are the store's business (its unique event ids), so the ledger keeps no index of them.
 */
import { evolve, initialState, ZERO_HASH, type LedgerState, type StoredEvent } from '../../domain/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import { toDomainEvent } from './eventCodec.ts';

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
}

export const createLedger = (store: EventStore, options: { pageSize?: number } = {}): Ledger => {
  const state = initialState();
  const listeners: Array<(e: StoredEvent, s: LedgerState) => void> = [];
  let position = 0;
  let headHash = ZERO_HASH;
  let running: Promise<void> | undefined;

  const apply = (e: StoredEvent): void => {
    evolve(state, toDomainEvent(e));
    position = e.position;
    headHash = e.hash;
    for (const l of listeners) l(e, state);
  };

  const fold = async (): Promise<void> => {
    const pageSize = options.pageSize ?? 5000;
    for (;;) {
      const page = await store.readAll({ fromPosition: position + 1, maxCount: pageSize });
      for (const e of page) apply(e);
      // A short page reached the head: no need to ask again for an empty one.
      if (page.length < pageSize) return;
    }
  };

  const advanceWith = async (appended: readonly StoredEvent[]): Promise<void> => {
    if (appended.length > 0 && appended[0]!.position === position + 1) for (const e of appended) apply(e);
    else await fold();
  };

  return {
    state,
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
  };
};
