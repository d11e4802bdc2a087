/**
 * Command handling with group commit: commands that arrive while an append is in flight wait in a
 * queue; the next group is taken from its front (domain groupKeys/groupLength: only commands whose
 * decisions cannot affect each other), each is decided on the current state, and the accepted
 * ones are appended in ONE transaction with one expected position (the decisions read global
 * state). A refused command, a duplicate or a conflict is answered on its own and costs the others
 * nothing; a reply is sent only after the transaction that holds its events committed. When
 * another process appended first, the group is decided again on the new state.
 *
 * Idempotency: a command whose key already exists returns the original events when it is the same
 * request (DESIGN §3), and is a conflict otherwise. Keys are looked up through the store's index
 * (DESIGN §10), all of a group's in one call.
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import {
  contributionKey,
  decide,
  groupLength,
  naturalKey,
  sameRequest,
  type Command,
  type CorexEvent,
  type DecisionFacts,
  type Refusal,
  type StoredEvent,
} from '../../domain/index.ts';
import { IdempotencyConflictError, isConcurrencyError, type EventStore, type NewEvent } from '../eventStore/port.ts';
import type { Ledger } from './ledger.ts';
import { toNewEvents } from './eventCodec.ts';
import { streamFor } from './streams.ts';

export type HandleResult =
  | { readonly status: 'accepted'; readonly events: readonly StoredEvent[] }
  | { readonly status: 'duplicate'; readonly events: readonly StoredEvent[] }
  | { readonly status: 'refused'; readonly refusal: Refusal };

export class RequestConflictError extends Error {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly key: string,
    readonly position: number,
  ) {
    super(`request ${key} was already recorded at position ${position} with different content`);
    this.name = 'RequestConflictError';
  }
}

export interface CommandHandlerOptions {
  readonly store: EventStore;
  readonly ledger: Ledger;
  /** Unix seconds; injected so tests and replays control time. */
  readonly clock: () => number;
  readonly maxAttempts?: number;
  /** Most commands decided and appended together (default 5,000: a full batch request and then some). */
  readonly maxGroup?: number;
  /** Told the size of every group appended (metrics). */
  readonly onGroup?: (commands: number, events: number) => void;
}

export interface CommandHandler {
  handle(command: Command, options?: { idempotencyKey?: string }): Promise<HandleResult>;
}

/** Replayed commands whose first events lie this close together are read back in one page. */
const RUN_GAP = 64;
/** …and one page holds at most about this many events. */
const MAX_RUN_EVENTS = 5000;

interface Pending {
  readonly command: Command;
  readonly key: string;
  /** Made up here a moment ago, so it cannot be in the store: no lookup. */
  readonly keyIsFresh: boolean;
  readonly resolve: (result: HandleResult) => void;
  readonly reject: (error: unknown) => void;
}

interface Write {
  readonly item: Pending;
  readonly stream: string;
  readonly events: readonly NewEvent[];
}

/** Another process appended (or wrote one of our ids) between our catch-up and our append. */
const lostRace = (error: unknown): boolean => isConcurrencyError(error) || error instanceof IdempotencyConflictError;

export const createCommandHandler = ({ store, ledger, clock, maxAttempts = 20, maxGroup = 5000, onGroup }: CommandHandlerOptions): CommandHandler => {
  const queue: Pending[] = [];
  let draining = false;

  /** A command's events are its first one (id `key`) and the `key/n` ones right after it: one append, so contiguous. */
  const ofCommand = (key: string) => (e: StoredEvent) => e.id === key || e.id.startsWith(`${key}/`);

  /** The events of the command first recorded under `key`, read in growing pages (most commands have one to three). */
  const originalEvents = async (first: StoredEvent, key: string): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for (let from = first.position, pageSize = 4; ; from += pageSize, pageSize *= 4) {
      const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
      for (const e of page) {
        if (!ofCommand(key)(e)) return events;
        events.push(e);
      }
      if (page.length < pageSize) return events;
    }
  };

  /**
   * The original events of many replayed commands (a batch sent again): the log around their
   * first events is read in runs, one page per run of nearby positions, instead of a read each.
   * A command whose events run past its page is read on its own.
   */
  const originalsOf = async (replays: ReadonlyArray<{ readonly key: string; readonly first: StoredEvent }>): Promise<Map<string, StoredEvent[]>> => {
    const found = new Map<string, StoredEvent[]>();
    const sorted = [...replays].sort((a, b) => a.first.position - b.first.position);
    for (let i = 0; i < sorted.length; ) {
      const from = sorted[i]!.first.position;
      let j = i + 1;
      while (j < sorted.length && sorted[j]!.first.position - sorted[j - 1]!.first.position <= RUN_GAP && sorted[j]!.first.position - from < MAX_RUN_EVENTS) j++;
      const run = sorted.slice(i, j);
      const page = await store.readAll({ fromPosition: from, maxCount: run.at(-1)!.first.position - from + RUN_GAP });
      for (const { key, first } of run) {
        const events: StoredEvent[] = [];
        let k = first.position - from;
        while (k < page.length && ofCommand(key)(page[k]!)) events.push(page[k++]!);
        found.set(key, k < page.length ? events : await originalEvents(first, key));
      }
      i = j;
    }
    return found;
  };

  /** Stored events under the items' keys, one store call for the group. */
  const storedUnder = (items: readonly Pending[]): Promise<Map<string, StoredEvent>> => {
    const keys = items.filter((p) => !p.keyIsFresh).map((p) => p.key);
    return keys.length === 0 ? Promise.resolve(new Map()) : store.readByIds(keys);
  };

  /** A verdict whose contribution the state no longer holds: the store says whether it was ever recorded. */
  const forgottenVerdict = (c: Command): string | undefined =>
    (c.type === 'VerifyContribution' || c.type === 'RejectContribution') && !ledger.state.contributions.has(c.contributionId)
      ? contributionKey(c.contributionId)
      : undefined;

  /** What the state forgot and a decision needs, for the whole group in one store call. */
  const factsFor = async (commands: readonly Command[]): Promise<(c: Command) => DecisionFacts> => {
    const forgotten = commands.flatMap((c) => forgottenVerdict(c) ?? []);
    const recorded = forgotten.length === 0 ? new Map<string, StoredEvent>() : await store.readByIds(forgotten);
    return (c) => {
      const key = forgottenVerdict(c);
      return key === undefined ? {} : { contributionRecordedEarlier: recorded.has(key) };
    };
  };

  /** Answers what needs no append (replays, conflicts, refusals) and returns the rest as writes. */
  const decideAll = async (items: readonly Pending[]): Promise<Write[]> => {
    const stored = await storedUnder(items);
    const fresh = items.filter((p) => !stored.has(p.key));
    // The log head a close or distribution commits to is the store's, not the caller's.
    // A task's salt is the head it is decided on (PostTask runs alone), so no caller can choose it.
    const commands = fresh.map(({ command: c }): Command =>
      c.type === 'CloseEpoch' || c.type === 'CreateDistribution' ? { ...c, logHead: ledger.headHash } : c.type === 'PostTask' ? { ...c, salt: ledger.headHash } : c,
    );
    const facts = await factsFor(commands);
    const now = clock();
    const replays: Array<{ readonly item: Pending; readonly key: string; readonly first: StoredEvent }> = [];
    for (const item of items) {
      const first = stored.get(item.key);
      if (first === undefined) continue;
      if (sameRequest(item.command, first)) replays.push({ item, key: item.key, first });
      else item.reject(new RequestConflictError(item.key, first.position));
    }
    if (replays.length > 0) {
      const originals = await originalsOf(replays);
      for (const { item, key } of replays) item.resolve({ status: 'duplicate', events: originals.get(key)! });
    }
    const writes: Write[] = [];
    fresh.forEach((item, i) => {
      const command = commands[i]!;
      try {
        const decision = E.chain((events: readonly CorexEvent[]) => toNewEvents(item.key, events))(decide(command, ledger.state, now, facts(command)));
        if (E.isLeft(decision)) return item.resolve({ status: 'refused', refusal: decision.left });
        writes.push({ item, stream: streamFor(command, ledger.state), events: decision.right });
      } catch (error) {
        item.reject(error);
      }
    });
    return writes;
  };

  /** One try at a group: the items to try again (another process got in first), or none. */
  const attempt = async (items: readonly Pending[]): Promise<readonly Pending[]> => {
    await ledger.catchUp();
    const writes = await decideAll(items);
    if (writes.length === 0) return [];
    try {
      const results = await store.appendMany(
        writes.map(({ stream, events }) => ({ stream, events })),
        { expectedPosition: ledger.position },
      );
      const appended = results.flatMap((r) => (r.duplicate ? [] : r.events));
      onGroup?.(writes.length, appended.length);
      await ledger.advance(appended);
      writes.forEach(({ item }, i) => item.resolve({ status: results[i]!.duplicate ? 'duplicate' : 'accepted', events: results[i]!.events }));
      return [];
    } catch (error) {
      if (lostRace(error)) return writes.map((w) => w.item);
      throw error;
    }
  };

  const run = async (group: readonly Pending[]): Promise<void> => {
    let open = group;
    try {
      for (let i = 0; i < maxAttempts && open.length > 0; i++) open = await attempt(open);
      for (const item of open) item.reject(new Error(`command ${item.command.type} (${item.key}) still conflicted after ${maxAttempts} attempts`));
    } catch (error) {
      // Settling twice is a no-op: the ones already answered keep their answer.
      for (const item of open) item.reject(error);
    }
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) await run(queue.splice(0, groupLength(queue, maxGroup, (p) => p.command)));
    draining = false;
  };

  return {
    handle(command, options = {}) {
      const given = naturalKey(command) ?? options.idempotencyKey;
      const key = given ?? `${command.type}:${randomUUID()}`;
      return new Promise<HandleResult>((resolve, reject) => {
        queue.push({ command, key, keyIsFresh: given === undefined, resolve, reject });
        if (draining) return;
        draining = true;
        // After this tick: commands submitted together (a batch request) form one group.
        queueMicrotask(() => void drain());
      });
    },
  };
};
