/**
 * Command handling with group commit: commands that arrive while an append is in flight wait in a
 * queue; the next group is taken from its front (domain groupKey/groupLength: only commands whose
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

  /**
   * The events of the command first recorded under `key`: its first event and the `key/n` ones
   * right after it (one append, so contiguous), read in small pages: most commands have one to three.
   */
  const originalEvents = async (first: StoredEvent, key: string): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for (let from = first.position, pageSize = 4; ; from += pageSize, pageSize *= 4) {
      const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
      for (const e of page) {
        if (e.id !== key && !e.id.startsWith(`${key}/`)) return events;
        events.push(e);
      }
      if (page.length < pageSize) return events;
    }
  };

  /** Stored events under the items' keys, one store call for the group. */
  const storedUnder = async (items: readonly Pending[]): Promise<Map<string, StoredEvent>> => {
    const keys = items.filter((p) => !p.keyIsFresh).map((p) => p.key);
    if (keys.length === 0) return new Map();
    if (keys.length === 1) {
      const found = await store.readById(keys[0]!);
      return new Map(found ? [[keys[0]!, found]] : []);
    }
    return store.readByIds(keys);
  };

  /** What the state forgot and a verdict needs: whether its contribution was ever recorded (one store call for the group). */
  const factsFor = async (commands: readonly Command[]): Promise<(c: Command) => DecisionFacts> => {
    const forgotten = commands.flatMap((c) =>
      (c.type === 'VerifyContribution' || c.type === 'RejectContribution') && !ledger.state.contributions.has(c.contributionId)
        ? [contributionKey(c.contributionId)]
        : [],
    );
    const recorded = forgotten.length === 0 ? new Map<string, StoredEvent>() : await store.readByIds(forgotten);
    return (c) =>
      (c.type === 'VerifyContribution' || c.type === 'RejectContribution') && !ledger.state.contributions.has(c.contributionId)
        ? { contributionRecordedEarlier: recorded.has(contributionKey(c.contributionId)) }
        : {};
  };

  /** Answers what needs no append (replays, conflicts, refusals) and returns the rest as writes. */
  const decideAll = async (items: readonly Pending[]): Promise<Write[]> => {
    const stored = await storedUnder(items);
    const fresh = items.filter((p) => !stored.has(p.key));
    // The log head a close or distribution commits to is the store's, not the caller's.
    const commands = fresh.map(({ command: c }): Command => (c.type === 'CloseEpoch' || c.type === 'CreateDistribution' ? { ...c, logHead: ledger.headHash } : c));
    const facts = await factsFor(commands);
    const now = clock();
    for (const item of items) {
      const existing = stored.get(item.key);
      if (existing === undefined) continue;
      if (!sameRequest(item.command, existing)) item.reject(new RequestConflictError(item.key, existing.position));
      else
        await originalEvents(existing, item.key).then(
          (events) => item.resolve({ status: 'duplicate', events }),
          (error: unknown) => item.reject(error),
        );
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
