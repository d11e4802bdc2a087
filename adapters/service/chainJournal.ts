/**
 * Persistence for the embedded EVM, which lives only in memory: every state-changing JSON-RPC
 * request is appended to a journal in the data dir together with the timestamp of the block it
 * produced, and a restart replays the journal into a fresh chain, pinning each block to its
 * original timestamp. Same requests, same order, same timestamps → the same chain: addresses,
 * roots, claimed amounts, balances, even transaction hashes (checked by the restart test).
 *
 * Mutating requests are serialized here so a block's timestamp is read before anyone else mines.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Eip1193Provider } from 'ethers';

/** Methods that change chain state; everything else (calls, reads, estimates) is not journaled. */
const MUTATING = new Set([
  'eth_sendTransaction',
  'eth_sendRawTransaction',
  'evm_mine',
  'hardhat_mine',
  'evm_increaseTime',
  'evm_setNextBlockTimestamp',
  'evm_snapshot',
  'evm_revert',
  'hardhat_setBalance',
  'hardhat_setCode',
  'hardhat_setNonce',
  'hardhat_setStorageAt',
  'hardhat_impersonateAccount',
  'hardhat_stopImpersonatingAccount',
]);
/** On replay, time moves only by the recorded block timestamps, never by a second offset. */
const TIME_SHIFTS = new Set(['evm_increaseTime', 'evm_setNextBlockTimestamp']);

export interface JournalHeader {
  readonly version: 1;
  /** Genesis block time of the chain, ISO 8601. */
  readonly initialDate: string;
  readonly chainId: number;
}

interface JournalEntry {
  readonly method: string;
  readonly params: unknown;
  /** Timestamp of the latest block after the request (unix seconds). */
  readonly timestamp: number;
}

export interface ChainJournal {
  readonly header: JournalHeader;
  /** Entries recorded by earlier runs, to replay. */
  readonly entries: readonly JournalEntry[];
  /** Wraps the chain's provider so every state change is recorded. */
  wrap(inner: Eip1193Provider): Eip1193Provider;
  /** Re-applies the earlier runs' entries to a fresh chain started from `header.initialDate`. */
  replay(inner: Eip1193Provider): Promise<{ replayed: number; failed: number }>;
}

const latestTimestamp = async (p: Eip1193Provider): Promise<number> => {
  const block = (await p.request({ method: 'eth_getBlockByNumber', params: ['latest', false] })) as { timestamp: string };
  return Number(BigInt(block.timestamp));
};

const readJournal = (path: string): { header: JournalHeader; entries: JournalEntry[] } | undefined => {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const [first, ...rest] = lines;
  if (first === undefined) return undefined;
  const entries: JournalEntry[] = [];
  for (const line of rest) {
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      break; // a torn last line from a crash mid-write: everything before it is intact
    }
  }
  return { header: JSON.parse(first) as JournalHeader, entries };
};

/** Opens (or, with `fresh`, starts) the journal at `path`. */
export const openChainJournal = (path: string, fresh: JournalHeader): ChainJournal => {
  const existing = readJournal(path);
  if (existing === undefined) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(fresh)}\n`, { mode: 0o600 });
  }
  const header = existing?.header ?? fresh;
  const entries = existing?.entries ?? [];
  const record = (entry: JournalEntry) => appendFileSync(path, `${JSON.stringify(entry)}\n`);
  let queue: Promise<unknown> = Promise.resolve();

  return {
    header,
    entries,
    wrap: (inner) => ({
      request: (args) => {
        if (!MUTATING.has(args.method)) return inner.request(args);
        const run = async () => {
          try {
            return await inner.request(args);
          } finally {
            // Recorded even when the request failed: a reverted transaction is still mined.
            record({ method: args.method, params: args.params ?? [], timestamp: await latestTimestamp(inner) });
          }
        };
        const next = queue.then(run, run);
        queue = next.catch(() => undefined);
        return next;
      },
    }),
    async replay(inner) {
      let failed = 0;
      for (const entry of entries) {
        if (TIME_SHIFTS.has(entry.method)) continue;
        // Blocks may share a second (allowBlocksWithSameTimestamp), so an equal timestamp is pinned too.
        if (entry.timestamp >= (await latestTimestamp(inner)))
          await inner.request({ method: 'evm_setNextBlockTimestamp', params: [entry.timestamp] });
        await inner.request({ method: entry.method, params: entry.params as unknown[] }).catch(() => failed++);
      }
      return { replayed: entries.length, failed };
    },
  };
};
