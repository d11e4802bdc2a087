/**
 * What reads are answered from: the in-memory ledger (the same fold every decision uses), caught
 * up from the store before answering, plus the records the ledger state does not keep (each
 * EpochClosed and each distribution's lifecycle events, as stored JSON).
 *
 * Catch-ups are coalesced: however many requests arrive while a fold is running, they share at
 * most one follow-up fold, which starts after they arrived and so sees every event committed
 * before them. That is read-your-writes across processes at one store query per burst of reads.
 * When no other process can write (PGlite: the data dir is claimed by this process), every append
 * is this process's own and is folded by the command handler before it answers, so reads need no
 * store query at all.
 */
import type { LedgerState, StoredEvent } from '../../domain/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { EventStore } from '../eventStore/port.ts';

export interface StoredRecord {
  readonly position: number;
  readonly recordedAt: string;
  readonly data: Record<string, unknown>;
}

export interface StageRecords {
  published?: StoredRecord;
  activated?: StoredRecord;
  revoked?: StoredRecord;
}

export interface DistributionRecord extends StageRecords {
  readonly created: StoredRecord;
  /** Issue 15: each payout chain's tree goes its own way; its stages, by chain id. */
  readonly chains: Map<number, StageRecords>;
}

export interface LedgerView {
  readonly ledger: Ledger;
  /** The ledger caught up with everything committed before the call. */
  fresh(): Promise<LedgerState>;
  epochRecord(epoch: number): StoredRecord | undefined;
  /** Closed epochs from `fromEpoch` on, ascending. */
  epochRecords(fromEpoch: number, limit: number): StoredRecord[];
  distributionRecord(seq: number): DistributionRecord | undefined;
}

const recordOf = (e: StoredEvent): StoredRecord => ({ position: e.position, recordedAt: e.recordedAt, data: e.data });

export interface LedgerViewOptions {
  /** False when this process is the only writer of the store. */
  readonly otherWriters: boolean;
  /**
   * A ledger started from a snapshot never folds the events before it: their records are read from
   * here once, before the tail is folded (the `epochs` and `distributions` streams).
   */
  readonly store: Pick<EventStore, 'readStream'>;
}

/** Must be created before the ledger's first catch-up: it sees only events folded after it. */
export const createLedgerView = (ledger: Ledger, { otherWriters, store }: LedgerViewOptions): LedgerView => {
  const epochs: StoredRecord[] = [];
  const distributions = new Map<number, DistributionRecord>();

  /**
   * Where a stage event belongs: the distribution's own record, or its tree on a payout chain. A
   * publication names its chain either way; a chain id the ledger pays on as a payout chain is never
   * one the primary chain published on (ConfigureChain refuses it), so today's state tells them apart
   * even for events folded before a snapshot.
   */
  const stagesOf = (e: StoredEvent): StageRecords => {
    const d = distributions.get(Number(e.data.seq))!;
    const chainId = e.data.chainId === undefined ? undefined : Number(e.data.chainId);
    if (chainId === undefined || !ledger.state.payoutChains.has(chainId)) return d;
    let stages = d.chains.get(chainId);
    if (!stages) d.chains.set(chainId, (stages = {}));
    return stages;
  };

  const record = (e: StoredEvent): void => {
    switch (e.type) {
      case 'EpochClosed':
        // Epochs close in order from 0, so the array index is the epoch.
        epochs[Number(e.data.epoch)] = recordOf(e);
        break;
      case 'DistributionCreated':
        distributions.set(Number(e.data.seq), { created: recordOf(e), chains: new Map() });
        break;
      case 'DistributionPublished':
        stagesOf(e).published = recordOf(e);
        break;
      case 'DistributionActivated':
        stagesOf(e).activated = recordOf(e);
        break;
      case 'DistributionRevoked':
        stagesOf(e).revoked = recordOf(e);
        break;
      default:
        break;
    }
  };
  ledger.onEvent(record);
  ledger.onStart(async (startedAt) => {
    if (startedAt > 0) await recordEarlier(store, startedAt, record);
  });

  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const fresh = (): Promise<void> => {
    if (inFlight === undefined) {
      inFlight = ledger.catchUp().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    }
    // The running fold may have read the log before this caller arrived: wait for one that starts later.
    next ??= inFlight
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return fresh();
      });
    return next;
  };

  return {
    ledger,
    fresh: async () => {
      if (otherWriters) await fresh();
      return ledger.state;
    },
    epochRecord: (epoch) => epochs[epoch],
    epochRecords: (fromEpoch, limit) => epochs.slice(fromEpoch, fromEpoch + limit).filter((r) => r !== undefined),
    distributionRecord: (seq) => distributions.get(seq),
  };
};

/**
 * Records what happened up to `before`, read from the two streams it lives in. Each stream is in log
 * order, which is all a distribution's lifecycle needs; nothing is held but the records themselves
 * (the `epochs` stream also carries every TierChanged, which `record` ignores).
 */
const recordEarlier = async (store: Pick<EventStore, 'readStream'>, before: number, record: (e: StoredEvent) => void): Promise<void> => {
  for (const stream of ['epochs', 'distributions']) {
    for (let fromVersion = 1; ; ) {
      const page = await store.readStream(stream, { fromVersion, maxCount: 1000 });
      for (const e of page) if (e.position <= before) record(e);
      if (page.length < 1000 || page[page.length - 1]!.position > before) break;
      fromVersion = page[page.length - 1]!.streamVersion + 1;
    }
  }
};
