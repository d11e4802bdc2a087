/**
 * The audit's replay: every event of the file decoded and folded through domain/ alone, into the
 * audit's own LedgerState from nothing — never the service's tables or projections. Closes and
 * distributions are re-derived on the way (epochAudit.ts, distributionAudit.ts). An event that
 * cannot be decoded is a finding and is not folded; one the domain throws on is a finding too, and
 * the replay goes on with the next. Each event's recordedAt is checked on the state before it
 * (recordingTime.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import { chainKey, decodeEvent, evolve, initialState, isEventType, type ChainKey, type CorexEvent, type LedgerState, type StoredEvent } from '../../domain/index.ts';
import { checkRecordedClaim, createDistributionAudit, type DistributionRecord } from './distributionAudit.ts';
import { createEpochAudit } from './epochAudit.ts';
import type { Finding } from './findings.ts';
import { createRecordingTimeAudit } from './recordingTime.ts';
import { createTaskAudit } from './taskAudit.ts';
import type { EpochRow } from './rows.ts';

export interface RecordedClaim {
  /** Where it was claimed: the primary chain, or a payout chain's id (RewardsClaimed.chainId). */
  readonly chain: ChainKey;
  readonly account: string;
  readonly token: string;
  readonly amountWei: bigint;
  readonly blockNumber: number;
  readonly position: number;
  readonly line: number;
}

export interface ReplayOptions {
  readonly report: (f: Finding) => void;
  /** Per audited chain id, the "account|token" leaves claimed there, whose recomputed cumulative each distribution keeps. */
  readonly claimPairs?: ReadonlyMap<number, ReadonlySet<string>>;
  /** Keep every RewardsClaimed by chain and "txHash:logIndex", to match them with each chain's Claimed logs. */
  readonly keepClaims?: boolean;
  /** The state to replay onto (a verified snapshot's, for a tail audit); default: genesis. */
  readonly from?: LedgerState;
  /** Hashes each close's state elsewhere (epochAudit.ts); default: here, in order. */
  readonly stateHashLater?: (state: LedgerState) => Promise<string>;
}

export interface Replay {
  apply(e: StoredEvent, line: number): void;
  finish(): void;
  /** Resolves once every deferred check is done (stateHashLater). */
  settled(): Promise<void>;
  readonly state: LedgerState;
  readonly epochs: readonly EpochRow[];
  readonly distributions: readonly DistributionRecord[];
  readonly eventsByType: ReadonlyMap<string, number>;
  /** By chain, then by "txHash:logIndex": block numbers and logs of different chains are never compared. */
  readonly recordedClaims: ReadonlyMap<ChainKey, ReadonlyMap<string, RecordedClaim>>;
}

export const createReplay = ({ report, claimPairs, keepClaims = false, from, stateHashLater }: ReplayOptions): Replay => {
  const state = from ?? initialState();
  const epochs = createEpochAudit(state, report, stateHashLater ? { stateHashLater } : {});
  const distributions = createDistributionAudit(state, report, claimPairs);
  const times = createRecordingTimeAudit(state, report);
  const tasks = createTaskAudit(state, report);
  const eventsByType = new Map<string, number>();
  const recordedClaims = new Map<ChainKey, Map<string, RecordedClaim>>();
  const claimsOn = (chain: ChainKey): Map<string, RecordedClaim> => {
    let claims = recordedClaims.get(chain);
    if (!claims) recordedClaims.set(chain, (claims = new Map()));
    return claims;
  };

  const decode = (e: StoredEvent, line: number): CorexEvent | undefined => {
    const decoded = decodeEvent(e.type, e.data);
    if (E.isRight(decoded)) return decoded.right;
    const known = isEventType(e.type);
    report({
      kind: known ? 'bad-data' : 'unknown-type',
      line,
      position: e.position,
      field: known ? decoded.left.map((f) => f.field).join(', ') : 'type',
      found: known ? JSON.stringify(e.data) : e.type,
      message: known
        ? `${e.type} at position ${e.position} does not decode: ${decoded.left.map((f) => `${f.field} ${f.message}`).join('; ')}`
        : `event at position ${e.position} has type ${JSON.stringify(e.type)}, which is not a known event type`,
    });
    return undefined;
  };

  const fold = (e: StoredEvent, line: number, ev: CorexEvent): void => {
    switch (ev.type) {
      case 'EpochClosed':
        tasks.otherEvent(line);
        // Before the close is folded: its reassignments, failures and settlements come from the state it closes.
        tasks.closing(e, ev.data);
        return epochs.close(e, line, ev.data);
      case 'FragmentAssigned':
      case 'FragmentAccepted':
      case 'FragmentFailed':
      case 'TaskSettled':
        epochs.otherEvent(line);
        tasks.derived(e, line, ev);
        evolve(state, ev);
        return;
      case 'TaskPosted':
        epochs.otherEvent(line);
        tasks.posted(e, line, ev.data);
        evolve(state, ev);
        return;
      case 'TierChanged':
        epochs.tierChanged(e, line, ev.data);
        evolve(state, ev);
        return;
      case 'DistributionCreated':
        epochs.otherEvent(line);
        tasks.otherEvent(line);
        return distributions.created(e, line, ev.data);
      case 'RewardsClaimed':
        epochs.otherEvent(line);
        tasks.otherEvent(line);
        evolve(state, ev);
        checkRecordedClaim(state, e, line, ev.data, report);
        if (keepClaims)
          // As evolve reads it: a chainId, whichever, names the payout chain claimed on.
          claimsOn(chainKey(ev.data.chainId)).set(`${ev.data.txHash}:${ev.data.logIndex}`, {
            chain: chainKey(ev.data.chainId),
            account: ev.data.account,
            token: ev.data.token,
            amountWei: ev.data.amount,
            blockNumber: ev.data.blockNumber,
            position: e.position,
            line,
          });
        return;
      case 'ContributionRecorded':
        epochs.otherEvent(line);
        tasks.result(e, line, ev.data);
        evolve(state, ev);
        return;
      default:
        epochs.otherEvent(line);
        tasks.otherEvent(line);
        evolve(state, ev);
    }
  };

  return {
    state,
    epochs: epochs.rows,
    distributions: distributions.records,
    eventsByType,
    recordedClaims,
    apply(e, line) {
      // Unknown types share one counter: a hostile file must not grow this map line by line.
      const type = isEventType(e.type) ? e.type : '(unknown type)';
      eventsByType.set(type, (eventsByType.get(type) ?? 0) + 1);
      const ev = decode(e, line);
      try {
        times.check(e, line, ev);
        if (ev !== undefined) fold(e, line, ev);
      } catch (error) {
        report({ kind: 'replay-error', line, position: e.position, message: `${e.type} at position ${e.position} cannot be replayed: ${(error as Error).message}` });
      }
    },
    finish: () => {
      epochs.otherEvent();
      tasks.otherEvent();
    },
    settled: () => epochs.settled(),
  };
};
