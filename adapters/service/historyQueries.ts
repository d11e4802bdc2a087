/**
 * Reads of what the ledger state has let go of (README, "Closing the books"), answered from the
 * log through the store's own indexes — never a scan: a contribution's events by their ids (the
 * natural keys its commands were written under), revenue and burns from the treasury stream, an
 * account's stake history from its stream, each paged by stream version.
 */
import { contributionKey, verdictKey as verdictKeyOf, type LedgerState } from '../../domain/index.ts';
import type { EventStore, StoredEvent } from '../eventStore/port.ts';
import { TREASURY_STREAM, accountStream } from '../ledger/streams.ts';
import { cursorKey } from './cursor.ts';
import type { Json } from '../http/ports.ts';

export type HistoryStore = Pick<EventStore, 'readByIds' | 'readStream'>;

const REVENUE_TYPES = new Set(['RevenueRecorded', 'TokensBurned']);
const STAKE_TYPES = new Set(['StakeDeposited', 'UnstakeRequested', 'StakeWithdrawn']);

/** What a record shows of its envelope: where it is in the log, and when it was written. */
const at = (e: StoredEvent) => ({ position: e.position, recordedAt: e.recordedAt });

/** Cursors carry the last stream version of a page. */
const versionAfter = (after: string | undefined): number => (after === undefined ? 0 : Number(cursorKey(after)));

/**
 * A page of one stream's events of some types. Streams hold other events too (the treasury
 * registers assets), so pages are read until `limit` matching events or the stream's end.
 */
const streamPage = async (store: HistoryStore, stream: string, types: ReadonlySet<string>, after: string | undefined, limit: number) => {
  const out: StoredEvent[] = [];
  let from = versionAfter(after) + 1;
  let more = false;
  for (;;) {
    const page = await store.readStream(stream, { fromVersion: from, maxCount: Math.max(limit, 100) });
    for (const e of page) {
      if (!types.has(e.type)) continue;
      if (out.length === limit) {
        more = true;
        break;
      }
      out.push(e);
    }
    if (more || page.length === 0) break;
    from = page[page.length - 1]!.streamVersion + 1;
  }
  return { events: out, next: more ? JSON.stringify([String(out[out.length - 1]!.streamVersion)]) : null };
};

export const createHistoryQueries = (store: HistoryStore) => ({
  /** An open contribution from the ledger; a settled one from its recorded and verdict events. */
  async contribution(state: LedgerState, contributionId: string): Promise<Json | undefined> {
    const open = state.contributions.get(contributionId);
    const recordedKey = contributionKey(contributionId);
    const verdictKey = verdictKeyOf(contributionId);
    const found = await store.readByIds([recordedKey, verdictKey]);
    const recorded = found.get(recordedKey);
    if (!recorded) return undefined;
    const verdict = found.get(verdictKey);
    const data = recorded.data as Json;
    const verdictJson = verdict ? { type: verdict.type, ...(verdict.data as Json), ...at(verdict) } : null;
    const base = {
      contributionId,
      nodeId: data.nodeId,
      epoch: data.epoch,
      kind: data.kind,
      units: data.units,
      proofHash: data.proofHash,
      taskId: data.taskId ?? null,
      fragmentId: data.fragmentId ?? null,
      recorded: at(recorded),
      verdict: verdictJson,
    };
    if (open) return { ...base, status: open.status, settledEpoch: null };
    // Gone from the state: settled by a close. Verified work is paid by the first close at or after its verdict.
    if (verdict?.type === 'ContributionVerified') return { ...base, status: 'paid', settledEpoch: (verdict.data as Json).epoch };
    if (verdict?.type === 'ContributionRejected') return { ...base, status: 'rejected', settledEpoch: (verdict.data as Json).epoch };
    return { ...base, status: 'expired', settledEpoch: null };
  },

  async revenue(after: string | undefined, limit: number): Promise<Json> {
    const page = await streamPage(store, TREASURY_STREAM, REVENUE_TYPES, after, limit);
    return { records: page.events.map((e) => ({ type: e.type, ...(e.data as Json), ...at(e) })), next: page.next };
  },

  async stakeHistory(account: string, after: string | undefined, limit: number): Promise<Json> {
    const page = await streamPage(store, accountStream(account), STAKE_TYPES, after, limit);
    return { account, changes: page.events.map((e) => ({ type: e.type, ...(e.data as Json), ...at(e) })), next: page.next };
  },
});

export type HistoryQueries = ReturnType<typeof createHistoryQueries>;
