/**
 * A log of many contributions generated page by page, never kept (test/ledger/beyondMapLimit.test.ts):
 * contributions spread over the nodes and epochs, one in 256 verified, the rest expiring unjudged
 * at the end of their verification window; each close decided by the domain on the state it closes.
 * It stands in for an event store's readAll (the only call a catch-up makes); hashes are distinct
 * stand-ins, since the chain check is not what it is for.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ReadAllOptions } from '../../adapters/eventStore/port.ts';
import { decide, defaultParams, encodeEventData, initialState, type CorexEvent, type LedgerState, type StoredEvent } from '../../domain/index.ts';

const VERIFIED_ONE_IN = 256;
export const manyParams = defaultParams();
const params = manyParams;
const epochStart = (e: number) => params.genesisTimeSeconds + e * params.epochLengthSeconds;
const hex = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const hash = (position: number) => `0x${position.toString(16).padStart(64, '0')}`;
const VERIFIER = hex(1);

type Step = { readonly event: CorexEvent; readonly atSeconds: number } | { readonly close: number };

/** The history in log order; a close is a marker, decided when it is reached on the state then. */
function* history({ contributions, epochs, nodes }: LogShape): Generator<Step> {
  const perEpoch = Math.ceil(contributions / epochs);
  const at0 = epochStart(0) - 10;
  const genesis = decide({ type: 'ConfigureProtocol', params }, initialState(), at0);
  if (E.isLeft(genesis)) throw new Error(genesis.left.message);
  for (const event of genesis.right) yield { event, atSeconds: at0 };
  yield { event: { type: 'VerifierRegistered', data: { verifier: VERIFIER } }, atSeconds: at0 };
  for (let n = 0; n < nodes; n++)
    yield { event: { type: 'NodeRegistered', data: { nodeId: `n${n}`, operator: hex(1000 + n), signer: hex(100_000 + n), hardwareClass: 'gpu' } }, atSeconds: at0 };
  let id = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const at = epochStart(epoch) + 60;
    for (let i = 0; i < perEpoch && id < contributions; i++, id++) {
      const contributionId = `c${id}`;
      const nodeId = `n${id % nodes}`;
      yield { event: { type: 'ContributionRecorded', data: { contributionId, nodeId, epoch, kind: 'compute', units: 1 + (id % 97), proofHash: hash(id + 1) } }, atSeconds: at };
      if (id % VERIFIED_ONE_IN === 0) yield { event: { type: 'ContributionVerified', data: { contributionId, nodeId, verifier: VERIFIER, epoch } }, atSeconds: at };
    }
    yield { close: epoch };
  }
}

const envelope = (event: CorexEvent, position: number, atSeconds: number, key: string): StoredEvent => ({
  id: key,
  type: event.type,
  stream: 'generated',
  streamVersion: position,
  position,
  recordedAt: new Date(atSeconds * 1000).toISOString(),
  data: encodeEventData(event),
  prevHash: hash(position - 1),
  hash: hash(position),
});

/**
 * The log as pages. Each close is either decided on `closes.stateBefore()` — the state of whoever
 * folds the pages, as the service decides it on its folded ledger, so a page ends before each
 * close — or taken as recorded in an earlier pass (`closes.recorded`), as an auditor reads it.
 */
export interface LogShape {
  readonly contributions: number;
  readonly epochs: number;
  readonly nodes: number;
}

export const generatedLog = (shape: LogShape, closesFrom: { readonly stateBefore: () => LedgerState } | { readonly recorded: readonly StoredEvent[][] }) => {
  const steps = history(shape);
  const closes: StoredEvent[][] = [];
  let position = 0;
  let pending: StoredEvent[] = [];
  const next = (maxCount: number): StoredEvent[] => {
    const page = pending.splice(0, maxCount);
    while (page.length < maxCount) {
      const step = steps.next();
      if (step.done) {
        done = true;
        break;
      }
      if ('close' in step.value) {
        if (page.length > 0 && !('recorded' in closesFrom)) {
          // Decide the close only once the state has folded everything before it.
          pendingClose = step.value.close;
          break;
        }
        page.push(...closeEvents(step.value.close));
        continue;
      }
      page.push(envelope(step.value.event, ++position, step.value.atSeconds, `e${position}`));
    }
    return page;
  };
  let pendingClose: number | undefined;
  let done = false;
  const closeEvents = (epoch: number): StoredEvent[] => {
    if ('recorded' in closesFrom) {
      const recorded = closesFrom.recorded[epoch]!;
      position += recorded.length;
      return [...recorded];
    }
    const at = epochStart(epoch + 1) + 5;
    const d = decide({ type: 'CloseEpoch', epoch, logHead: hash(position) }, closesFrom.stateBefore(), at);
    if (E.isLeft(d)) throw new Error(`close ${epoch}: ${d.left.message}`);
    const sealed = d.right.map((ev, i) => envelope(ev, ++position, at, i === 0 ? `epoch:${epoch}` : `epoch:${epoch}/${i}`));
    closes.push(sealed);
    return sealed;
  };
  return {
    closes,
    get done() {
      return done && pending.length === 0 && pendingClose === undefined;
    },
    readAll: async ({ maxCount = 5000 }: ReadAllOptions = {}): Promise<StoredEvent[]> => {
      if (pendingClose !== undefined) {
        const epoch = pendingClose;
        pendingClose = undefined;
        pending.push(...closeEvents(epoch));
      }
      return next(maxCount);
    },
  };
};

