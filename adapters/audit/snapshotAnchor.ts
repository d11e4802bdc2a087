/**
 * Where a tail audit starts (`cxt audit --from-snapshot`): a snapshot file is used only when the
 * log itself vouches for it. Its content must hash to its stateHash (snapshotFile.ts); the log's
 * line at its position must be an intact envelope whose hash is the snapshot's headHash; and the
 * line after it must be the EpochClosed that records exactly that stateHash and logHead. The
 * audit then checks the chain from that hash on and replays from that state; the EpochClosed
 * itself is the first event audited, so its stateHash is re-derived from the snapshot's state.
 */
import { hashEnvelope, snapshotAnchorProblem } from '../../domain/index.ts';
import { parseEnvelopeLine } from './envelope.ts';
import { findLineAtPosition } from './seekPosition.ts';
import { readSnapshotFile, type SnapshotFile } from './snapshotFile.ts';

export interface TailStart extends SnapshotFile {
  /** Byte offset of the first line audited: the one after the snapshot's position. */
  readonly startByte: number;
}

/** The verified start, or why the snapshot is not used. */
export const anchorSnapshot = async (eventsPath: string, snapshotPath: string): Promise<TailStart | string> => {
  const snapshot = await readSnapshotFile(snapshotPath);
  if (typeof snapshot === 'string') return snapshot;
  const { position, headHash } = snapshot;
  const anchor = await findLineAtPosition(eventsPath, position);
  if (anchor === undefined) return `the log has no line at its position ${position}`;
  const atHead = parseEnvelopeLine(anchor.text);
  if (!atHead.ok) return `the log's line at position ${position} is not an envelope: ${atHead.message}`;
  if (atHead.envelope.hash !== headHash) return `the log records hash ${atHead.envelope.hash} at position ${position}, the snapshot claims ${headHash}`;
  if (hashEnvelope(atHead.envelope) !== headHash) return `the log's event at position ${position} was altered: its content does not hash to ${headHash}`;
  const next = await findLineAtPosition(eventsPath, position + 1);
  const close = next === undefined ? undefined : parseEnvelopeLine(next.text);
  const problem = snapshotAnchorProblem(snapshot, atHead.envelope, close?.ok ? close.envelope : undefined);
  if (problem !== undefined) return problem;
  return { ...snapshot, startByte: anchor.end };
};
