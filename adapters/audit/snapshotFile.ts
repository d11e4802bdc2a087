/**
 * A ledger snapshot as a file beside an exported log (`cxt export --snapshot`), the start of a tail
 * audit (`cxt audit --from-snapshot`). One JSON object: where in the log it stands (`position`, the
 * event it folds last, and that event's `headHash`), the `stateHash` the next EpochClosed records,
 * and the canonical snapshot itself under `state`. Nothing in it is trusted: the audit checks it
 * against the log (snapshotAnchor.ts) before it uses it.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { canonicalSnapshot, restoreSnapshot, type LedgerState } from '../../domain/index.ts';

export const SNAPSHOT_FORMAT = 'corex-ledger-snapshot/1';

export interface SnapshotFile {
  readonly position: number;
  readonly headHash: string;
  readonly stateHash: string;
  readonly state: LedgerState;
}

/** Written beside the target and renamed over it, as the export writes its log. */
export const writeSnapshotFile = async (path: string, s: { position: number; headHash: string; stateHash: string; text: string }): Promise<void> => {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      // The snapshot text is already canonical JSON: spliced in, never re-serialized.
      await handle.write(`{"format":"${SNAPSHOT_FORMAT}","position":${s.position},"headHash":"${s.headHash}","stateHash":"${s.stateHash}","state":${s.text}}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

const HASH = /^0x[0-9a-f]{64}$/;

/**
 * The file's snapshot, or why it cannot be one. Its content must restore and hash to the stateHash
 * it claims; whether the log recorded that hash is the anchor's check. Throws only when the file
 * cannot be read at all (the audit then cannot run).
 */
export const readSnapshotFile = async (path: string): Promise<SnapshotFile | string> => {
  const text = await readFile(path, 'utf8');
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return `it is not JSON (${(error as Error).message})`;
  }
  if (o === null || typeof o !== 'object' || o.format !== SNAPSHOT_FORMAT) return `it is not a ${SNAPSHOT_FORMAT} file (its format field is ${JSON.stringify(o?.format)})`;
  const { position, headHash, stateHash } = o;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 1) return `its position ${JSON.stringify(position)} is not a whole number ≥ 1`;
  if (typeof headHash !== 'string' || !HASH.test(headHash)) return `its headHash ${JSON.stringify(headHash)} is not a 32-byte hash`;
  if (typeof stateHash !== 'string' || !HASH.test(stateHash)) return `its stateHash ${JSON.stringify(stateHash)} is not a 32-byte hash`;
  let state: LedgerState;
  try {
    state = restoreSnapshot(o.state as Record<string, unknown>);
  } catch (error) {
    return `its state does not restore: ${(error as Error).message}`;
  }
  const hash = canonicalSnapshot(state).hash;
  if (hash !== stateHash) return `its state hashes to ${hash}, not to the stateHash ${stateHash} it claims`;
  return { position, headHash, stateHash, state };
};
