/**
 * An in-memory stand-in for the part of the EventStoreDB client the adapter uses (readStream,
 * appendToStream, dispose), with the server's semantics for expected revisions and missing streams and
 * the client's own error classes. It lets the EventStoreDB adapter's logic (revision arithmetic,
 * catch-up, retries after losing a race to another process) run here, where no server is available;
 * eventstoredb.test.ts still runs the contract against a real server when EVENTSTORE_URL is set.
 */
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type EventStoreDBClient,
  type ReadStreamOptions,
} from '@eventstore/db-client';

interface FakeRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly isJson: true;
  readonly created: Date;
  readonly metadata: undefined;
}

export interface FakeEventStoreDb {
  /** A client of the shared fake server; several clients behave like several processes. */
  client(): EventStoreDBClient;
  /** How many appends the server refused for a wrong expected revision. */
  readonly refusedAppends: () => number;
}

const revisionMatches = (expected: AppendExpectedRevision, records: readonly FakeRecord[] | undefined): boolean => {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return records === undefined;
  if (expected === STREAM_EXISTS) return records !== undefined;
  return records !== undefined && BigInt(records.length - 1) === expected;
};

/** Every call yields to the event loop first, as a network round trip would, so callers interleave. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export const createFakeEventStoreDb = (): FakeEventStoreDb => {
  const streams = new Map<string, FakeRecord[]>();
  let refused = 0;

  const readStream = (name: string, { fromRevision = START, direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions = {}) =>
    (async function* () {
      await tick();
      const records = streams.get(name);
      if (!records) throw new StreamNotFoundError(undefined, name);
      const backwards = direction === BACKWARDS;
      const start = fromRevision === START ? 0 : fromRevision === END ? (backwards ? records.length - 1 : records.length) : Number(fromRevision);
      let yielded = 0;
      for (let i = start; i >= 0 && i < records.length && yielded < Number(maxCount); i += backwards ? -1 : 1, yielded++)
        yield { event: records[i] };
    })();

  const appendToStream = async (name: string, events: EventData | EventData[], { expectedRevision = ANY }: { expectedRevision?: AppendExpectedRevision } = {}) => {
    await tick();
    const records = streams.get(name);
    if (!revisionMatches(expectedRevision, records)) {
      refused++;
      throw new WrongExpectedVersionError(undefined, {
        streamName: name,
        expected: expectedRevision,
        current: records === undefined ? NO_STREAM : BigInt(records.length - 1),
      });
    }
    const target = records ?? [];
    for (const e of Array.isArray(events) ? events : [events]) {
      // The body crosses the wire as JSON.
      const data: unknown = JSON.parse(JSON.stringify(e.data));
      target.push({ streamId: name, id: e.id, revision: BigInt(target.length), type: e.type, data, isJson: true, created: new Date(), metadata: undefined });
    }
    streams.set(name, target);
    return { success: true, nextExpectedRevision: BigInt(target.length - 1) };
  };

  return {
    client: () => ({ readStream, appendToStream, dispose: async () => undefined }) as unknown as EventStoreDBClient,
    refusedAppends: () => refused,
  };
};
