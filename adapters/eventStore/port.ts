/**
 * The event store port. Every adapter (memory, PostgreSQL/PGlite, EventStoreDB) passes the same
 * contract suite (test/eventStore/contract.ts).
 *
 * - Streams are versioned from 1; `no_stream` means version 0.
 * - Positions in the global log are 1-based and gap-free: appends are serialized by one global lock.
 * - Idempotency by event id: re-appending ids that exist with the same type, stream and data returns
 *   the original events (`duplicate: true`); the same id with anything different is a conflict.
 * - Every stored event is sealed into the hash chain of DESIGN §3 under the append lock.
 */
import type { StoredEvent } from '../../domain/hashChain.ts';

export type { StoredEvent };

export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface NewEvent {
  readonly id: string;
  readonly type: string;
  /** JSON form of the event data (amounts as decimal strings). */
  readonly data: Record<string, unknown>;
}

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
  /**
   * Global optimistic concurrency: the append fails with WrongExpectedPositionError unless the log
   * head is still at this position. Command handlers that decide on global state use it.
   */
  readonly expectedPosition?: number;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendManyOptions {
  /** As in AppendOptions: the head must still be here, checked once for the whole call. */
  readonly expectedPosition?: number;
}

export interface AppendResult {
  readonly events: readonly StoredEvent[];
  /** Version of the stream after the append (or of the original append for a duplicate). */
  readonly streamVersion: number;
  /** Global position of the last event written (or found, for a duplicate). */
  readonly lastPosition: number;
  /** True when every id already existed with the same content and nothing was written. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First stream version to return, inclusive (default 1). */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** First global position to return, inclusive (default 1). */
  readonly fromPosition?: number;
  /** Page size (default 1000). */
  readonly maxCount?: number;
}

export interface LogHead {
  /** 0 for an empty log. */
  readonly position: number;
  /** ZERO_HASH for an empty log. */
  readonly hash: string;
}

export interface EventStore {
  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams' events in ONE transaction under one lock (group commit): all are written or
   * none, at consecutive positions in the order given. Each write is an idempotent replay on its
   * own (its result is `duplicate`, nothing of it written) or new; a changed event or a write that
   * only partly overlaps stored ids is a conflict for the whole call. `expectedVersion` is checked
   * against the stream as the writes before it in the call leave it; `expectedPosition` once,
   * when anything is new. `append` is this with one write.
   */
  appendMany(writes: readonly StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * The event with this id, however old (DESIGN §10: uniqueness of ids is the store's job, so a
   * command key is found through the store's own index, not a map in memory that grows with history).
   */
  readById(id: string): Promise<StoredEvent | undefined>;
  /** The stored events having any of these ids, by id (one round trip on SQL, for a group of commands). */
  readByIds(ids: readonly string[]): Promise<Map<string, StoredEvent>>;
  head(): Promise<LogHead>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${stream} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class WrongExpectedPositionError extends Error {
  readonly code = 'WRONG_EXPECTED_POSITION';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the log head is at position ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedPositionError';
  }
}

export class IdempotencyConflictError extends Error {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly position: number | undefined,
  ) {
    super(
      position === undefined
        ? `event id ${eventId} appears twice in one append`
        : `event id ${eventId} was already recorded at position ${position} with different content`,
    );
    this.name = 'IdempotencyConflictError';
  }
}

export const isConcurrencyError = (e: unknown): e is WrongExpectedVersionError | WrongExpectedPositionError =>
  e instanceof WrongExpectedVersionError || e instanceof WrongExpectedPositionError;
