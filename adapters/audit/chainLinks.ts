/**
 * The hash chain of DESIGN §3, checked line by line in a way that keeps going after a break.
 *
 * The domain's verifier (createChainVerifier) stops at the first fault, which is right for an
 * import but tells an auditor nothing about the rest of the file. Here each event is checked on its
 * own terms — its content against its own hash, its prevHash against the recorded hash of the
 * position before it — and the check then resynchronises on the recorded hash. So:
 * - an edited event is one `chain-altered` finding at its position (its successor still links to
 *   the hash the log records for it);
 * - an edited and re-sealed event is one `chain-link` finding at its successor;
 * - a deleted event is one `chain-gap` finding at the missing position;
 * - two swapped events are one `chain-order` finding at the position that comes late.
 * Hashes of recent positions are kept in a window, so memory stays bounded on any log. The window is
 * a ring indexed by position (no map work per event on an intact log); hashes are indexed by value
 * only once a link has broken, which is when a message needs to name where a prevHash points.
 */
import { ZERO_HASH, hashEnvelope, type StoredEvent } from '../../domain/hashChain.ts';
import type { Finding } from './findings.ts';

/** How far back a late (reordered) event is matched with its neighbours. */
const WINDOW_POSITIONS = 4_096;
/** A jump over more positions than this is reported at once as one range, not tracked one by one. */
const MAX_TRACKED_GAP = 1_000;
/** Missing positions awaited at most; past it the oldest is reported as missing at once. */
const MAX_MISSING = 10_000;

export interface ChainSummary {
  /** True when no event was altered, missing, reordered or linked wrongly. */
  readonly verified: boolean;
  readonly events: number;
  readonly lastPosition: number;
  /** Recorded hash of the highest position: the log head, when verified. */
  readonly headHash: string;
  readonly breaks: number;
  /** The break at the lowest position. */
  readonly firstBreak?: Finding;
}

export interface ChainCheck {
  /** `computedHash`: hashEnvelope(e) when a worker computed it already. */
  push(e: StoredEvent, line: number, computedHash?: string): void;
  /** A line without a readable envelope: it stands for the next position, whose links go unchecked. */
  skipUnreadable(): number;
  /** Reports positions that never appeared. */
  finish(): void;
  summary(): ChainSummary;
}

interface PendingLink {
  readonly position: number;
  readonly prevHash: string;
  readonly line: number;
}

/** The domain's hash; an envelope it cannot hash (not canonicalizable) counts as altered. */
const hashOf = (e: StoredEvent): string => {
  try {
    return hashEnvelope(e);
  } catch {
    return '(cannot be hashed)';
  }
};

/**
 * The recorded hash of each of the last WINDOW_POSITIONS positions seen, one slot per position
 * modulo the window: a slot holds the position it was written for, so a stale one reads as absent.
 */
const createHashWindow = () => {
  const positions = new Float64Array(WINDOW_POSITIONS).fill(-1);
  const hashes = new Array<string>(WINDOW_POSITIONS).fill('');
  return {
    set(position: number, hash: string): void {
      const slot = position % WINDOW_POSITIONS;
      positions[slot] = position;
      hashes[slot] = hash;
    },
    get(position: number): string | undefined {
      const slot = position % WINDOW_POSITIONS;
      return positions[slot] === position ? hashes[slot] : undefined;
    },
    *entries(): Generator<[number, string]> {
      for (let slot = 0; slot < WINDOW_POSITIONS; slot++) if (positions[slot]! >= 0) yield [positions[slot]!, hashes[slot]!];
    },
  };
};

/** A Map that forgets its oldest entries past `limit`. */
const remember = <K, V>(map: Map<K, V>, key: K, value: V, limit: number): void => {
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
};

/** A check that starts after `position`, whose recorded hash is `hash` (a tail audit from a snapshot). */
export interface ChainStart {
  readonly position: number;
  readonly hash: string;
}

export const createChainCheck = (report: (f: Finding) => void, from: ChainStart = { position: 0, hash: ZERO_HASH }): ChainCheck => {
  const hashAt = createHashWindow();
  // Built at the first broken link (from the window), kept from then on.
  let positionOf: Map<string, number> | undefined;
  const indexByHash = (): Map<string, number> => {
    if (positionOf) return positionOf;
    positionOf = new Map();
    for (const [position, hash] of [...hashAt.entries()].sort((a, b) => a[0] - b[0])) remember(positionOf, hash, position, WINDOW_POSITIONS);
    return positionOf;
  };
  const missing = new Map<number, number>();
  const waitingFor = new Map<number, PendingLink>();
  let highest = from.position;
  let events = 0;
  let breaks = 0;
  let firstBreak: Finding | undefined;

  const fault = (f: Finding): void => {
    breaks++;
    if (!firstBreak || (f.position ?? 0) < (firstBreak.position ?? 0)) firstBreak = f;
    report(f);
  };

  const checkLink = (position: number, prevHash: string, line: number, expected: string): void => {
    if (prevHash === expected) return;
    const linked = indexByHash().get(prevHash);
    fault({
      kind: 'chain-link',
      line,
      position,
      field: 'prevHash',
      expected,
      found: prevHash,
      message:
        linked !== undefined
          ? `event at position ${position} links to the event at position ${linked}, not to position ${position - 1}: events were reordered, deleted or inserted`
          : `event at position ${position} does not link to position ${position - 1}: its prevHash matches no event before it (the event before it was edited and re-sealed, or this one was inserted)`,
    });
  };

  const reportMissing = (position: number): void => {
    const line = missing.get(position)!;
    missing.delete(position);
    fault({ kind: 'chain-gap', line, position, message: `position ${position} is missing (the log skips it at line ${line}): an event was deleted` });
  };

  const checkOrder = (e: StoredEvent, line: number): void => {
    if (e.position === highest + 1) return;
    if (e.position > highest + 1) {
      const from = highest + 1;
      const to = e.position - 1;
      if (to - from + 1 > MAX_TRACKED_GAP)
        fault({ kind: 'chain-gap', line, position: from, message: `positions ${from} to ${to} are missing: the log jumps to ${e.position} at line ${line}` });
      else for (let p = from; p <= to; p++) missing.set(p, line);
      while (missing.size > MAX_MISSING) reportMissing(missing.keys().next().value as number);
      return;
    }
    const lateBy = missing.has(e.position);
    missing.delete(e.position);
    fault({
      kind: 'chain-order',
      line,
      position: e.position,
      field: 'position',
      expected: String(highest + 1),
      found: String(e.position),
      message: lateBy
        ? `event at position ${e.position} comes at line ${line}, after position ${highest}: events were swapped or reordered`
        : `position ${e.position} appears again at line ${line}, after position ${highest}: an event was duplicated or inserted`,
    });
  };

  return {
    push(e, line, computedHash) {
      events++;
      const recomputed = computedHash ?? hashOf(e);
      if (recomputed !== e.hash)
        fault({
          kind: 'chain-altered',
          line,
          position: e.position,
          field: 'hash',
          expected: recomputed,
          found: e.hash,
          message: `event at position ${e.position} (${e.type}) was altered: its content hashes to ${recomputed}, the log records ${e.hash}`,
        });
      checkOrder(e, line);
      const predecessor = e.position - 1 === from.position ? from.hash : hashAt.get(e.position - 1);
      if (predecessor !== undefined) checkLink(e.position, e.prevHash, line, predecessor);
      else remember(waitingFor, e.position - 1, { position: e.position, prevHash: e.prevHash, line }, WINDOW_POSITIONS);
      const successor = waitingFor.get(e.position);
      if (successor) {
        waitingFor.delete(e.position);
        checkLink(successor.position, successor.prevHash, successor.line, e.hash);
      }
      hashAt.set(e.position, e.hash);
      if (positionOf) remember(positionOf, e.hash, e.position, WINDOW_POSITIONS);
      highest = Math.max(highest, e.position);
    },
    skipUnreadable: () => ++highest,
    finish() {
      for (const position of [...missing.keys()]) reportMissing(position);
    },
    summary: () => ({
      verified: breaks === 0,
      events,
      lastPosition: highest,
      headHash: hashAt.get(highest) ?? (highest === from.position ? from.hash : ZERO_HASH),
      breaks,
      ...(firstBreak ? { firstBreak } : {}),
    }),
  };
};
