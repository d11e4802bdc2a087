/**
 * Command handling: catch up, decide on the current state, append with optimistic concurrency on
 * the global log position (the decision read global state), and retry on conflict.
 * Idempotency: a command whose key already exists returns the original events when it is the same
 * request (DESIGN §3), and is a conflict otherwise.
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { contributionKey, decide, naturalKey, sameRequest, type Command, type DecisionFacts, type Refusal, type StoredEvent } from '../../domain/index.ts';
import { isConcurrencyError, type EventStore } from '../eventStore/port.ts';
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
}

export interface CommandHandler {
  handle(command: Command, options?: { idempotencyKey?: string }): Promise<HandleResult>;
}

export const createCommandHandler = ({ store, ledger, clock, maxAttempts = 20 }: CommandHandlerOptions): CommandHandler => {
  // Commands of this process run one at a time; other processes are handled by the position check.
  let queue: Promise<unknown> = Promise.resolve();

  /** The events of the command first recorded under `key`: its first event and the `key/n` ones after it. */
  const originalEvents = async (first: StoredEvent, key: string): Promise<StoredEvent[]> => {
    const page = await store.readAll({ fromPosition: first.position, maxCount: 1000 });
    return page.filter((e) => e.id === key || e.id.startsWith(`${key}/`));
  };

  /** What the state forgot and a decision needs: whether a verdict's contribution was ever recorded. */
  const factsFor = async (command: Command): Promise<DecisionFacts> => {
    if (command.type !== 'VerifyContribution' && command.type !== 'RejectContribution') return {};
    if (ledger.state.contributions.has(command.contributionId)) return {};
    return { contributionRecordedEarlier: (await store.readById(contributionKey(command.contributionId))) !== undefined };
  };

  const attempt = async (command: Command, key: string, keyIsFresh: boolean): Promise<HandleResult | undefined> => {
    await ledger.catchUp();
    // Through the store's index, so a key is found however old it is (DESIGN §10), not a map in
    // memory; a key made up here a moment ago cannot be there, so that round trip is saved.
    const existing = keyIsFresh ? undefined : await store.readById(key);
    if (existing !== undefined) {
      if (sameRequest(command, existing)) return { status: 'duplicate', events: await originalEvents(existing, key) };
      throw new RequestConflictError(key, existing.position);
    }
    // The log head a close or distribution commits to is the store's, not the caller's.
    const cmd: Command =
      command.type === 'CloseEpoch' || command.type === 'CreateDistribution' ? { ...command, logHead: ledger.headHash } : command;
    const decision = decide(cmd, ledger.state, clock(), await factsFor(cmd));
    if (E.isLeft(decision)) return { status: 'refused', refusal: decision.left };
    const events = toNewEvents(key, decision.right);
    if (E.isLeft(events)) return { status: 'refused', refusal: events.left };
    try {
      const result = await store.append(streamFor(cmd, ledger.state), events.right, {
        expectedPosition: ledger.position,
      });
      await ledger.advance(result.duplicate ? [] : result.events);
      return { status: result.duplicate ? 'duplicate' : 'accepted', events: result.events };
    } catch (error) {
      if (isConcurrencyError(error)) return undefined;
      throw error;
    }
  };

  const run = async (command: Command, key: string, keyIsFresh: boolean): Promise<HandleResult> => {
    for (let i = 0; i < maxAttempts; i++) {
      const result = await attempt(command, key, keyIsFresh);
      if (result) return result;
    }
    throw new Error(`command ${command.type} (${key}) still conflicted after ${maxAttempts} attempts`);
  };

  return {
    handle(command, options = {}) {
      const given = naturalKey(command) ?? options.idempotencyKey;
      const key = given ?? `${command.type}:${randomUUID()}`;
      const next = queue.then(() => run(command, key, given === undefined));
      queue = next.catch(() => undefined);
      return next;
    },
  };
};
