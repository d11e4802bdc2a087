/**
 * A ledger snapshot as a file beside an exported log (`cxt export --snapshot`), the start of a tail
 * audit (`cxt audit --from-snapshot`). JSON lines: first where in the log it stands (`position`, the
 * event it folds last, and that event's `headHash`), the `stateHash` the next EpochClosed records
 * and how many `parts` follow; then the snapshot's canonical parts, one per line (domain/snapshot.ts:
 * a snapshot is never one string, so neither is its file). Nothing in it is trusted: the audit
 * checks it against the log (snapshotAnchor.ts) before it uses it.
 */
import { canonicalSnapshot, restoreSnapshotParts, type LedgerState } from '../../domain/index.ts';
import { writeFileAtomically } from './atomicFile.ts';
import { readLogLines } from './lineReader.ts';

export const SNAPSHOT_FORMAT = 'corex-ledger-snapshot/2';

export interface SnapshotFile {
  readonly position: number;
  readonly headHash: string;
  readonly stateHash: string;
  readonly state: LedgerState;
}

/** Written beside the target and renamed over it, as the export writes its log. */
export const writeSnapshotFile = (path: string, s: { position: number; headHash: string; stateHash: string; parts: readonly string[] }): Promise<void> =>
  writeFileAtomically(path, async (handle) => {
    await handle.write(`${JSON.stringify({ format: SNAPSHOT_FORMAT, position: s.position, headHash: s.headHash, stateHash: s.stateHash, parts: s.parts.length })}\n`);
    for (const part of s.parts) await handle.write(`${part}\n`);
  });

const HASH = /^0x[0-9a-f]{64}$/;

/**
 * The file's snapshot, or why it cannot be one. Its content must restore and hash to the stateHash
 * it claims; whether the log recorded that hash is the anchor's check. Throws only when the file
 * cannot be read at all (the audit then cannot run).
 */
export const readSnapshotFile = async (path: string): Promise<SnapshotFile | string> => {
  const lines = readLogLines(path);
  try {
    return await readFrom(lines);
  } finally {
    await lines.return(undefined);
  }
};

const readFrom = async (lines: ReturnType<typeof readLogLines>): Promise<SnapshotFile | string> => {
  const first = await lines.next();
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(first.done ? '' : first.value.text) as Record<string, unknown>;
  } catch (error) {
    return `its first line is not JSON (${(error as Error).message})`;
  }
  if (o === null || typeof o !== 'object' || o.format !== SNAPSHOT_FORMAT) return `it is not a ${SNAPSHOT_FORMAT} file (its format field is ${JSON.stringify(o?.format)})`;
  const { position, headHash, stateHash } = o;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 1) return `its position ${JSON.stringify(position)} is not a whole number ≥ 1`;
  if (typeof headHash !== 'string' || !HASH.test(headHash)) return `its headHash ${JSON.stringify(headHash)} is not a 32-byte hash`;
  if (typeof stateHash !== 'string' || !HASH.test(stateHash)) return `its stateHash ${JSON.stringify(stateHash)} is not a 32-byte hash`;
  const parts: string[] = [];
  for await (const line of lines) parts.push(line.text);
  if (parts.length !== o.parts) return `it holds ${parts.length} part(s) where its first line announces ${JSON.stringify(o.parts)}`;
  let state: LedgerState;
  try {
    state = restoreSnapshotParts(parts);
  } catch (error) {
    return `its state does not restore: ${(error as Error).message}`;
  }
  const hash = canonicalSnapshot(state).hash;
  if (hash !== stateHash) return `its state hashes to ${hash}, not to the stateHash ${stateHash} it claims`;
  return { position, headHash, stateHash, state };
};
