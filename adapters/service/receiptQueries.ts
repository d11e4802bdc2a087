/**
 * Reward receipts as the HTTP API reads them (issue 13): from the read models' receipts table, which
 * follows the ledger by a scheduler tick — so a closed epoch whose receipts are not written yet is a
 * retry (503), never a wrong zero — with the distribution leaf each epoch's allocation rolls into.
 */
import { genesisParams, type DistributionState, type LedgerState } from '../../domain/index.ts';
import { RECEIPT_CSV_COLUMNS, emptyReceiptDocument, receiptCsvLines } from '../../projections/index.ts';
import type { Json, Lookup, QueryPort } from '../http/ports.ts';
import { cursorKey } from './cursor.ts';
import { activeDistribution, pendingDistribution } from './liveDistributions.ts';
import type { LedgerView } from './ledgerView.ts';
import { leavesOf, type IndexedTree } from './treeCache.ts';

/** The receipts table of the read models, and how far those tables are. */
export interface ReceiptSource {
  receipts(address: string, fromEpoch: number, limit: number): Promise<Record<string, unknown>[]>;
  epochReceipts(epoch: number, afterAddress: string, limit: number): Promise<Record<string, unknown>[]>;
  checkpoint(): Promise<number>;
}

const CSV_PAGE = 1000;

export const createReceiptQueries = (
  view: LedgerView,
  treeOf: (d: DistributionState | undefined) => Promise<IndexedTree | undefined>,
  receiptTable: ReceiptSource | undefined,
  readModelsProblem: () => string | undefined = () => undefined,
): Pick<QueryPort, 'receipt' | 'receipts' | 'epochReceipts' | 'receiptsCsv'> => {
  /** The last closed epoch whose receipts the read models hold (they follow the ledger by a tick). */
  const receiptsThroughEpoch = async (state: LedgerState): Promise<number> => {
    const checkpoint = receiptTable ? await receiptTable.checkpoint() : 0;
    let epoch = state.lastClosedEpoch;
    while (epoch >= 0 && (view.epochRecord(epoch)?.position ?? Infinity) > checkpoint) epoch -= 1;
    return epoch;
  };

  /** Why a closed epoch's receipts cannot be read yet (not closed: 404; being written: 503), or undefined. */
  const receiptsNotReady = async (state: LedgerState, epoch: number): Promise<Lookup | undefined> => {
    if (view.epochRecord(epoch) === undefined) return { status: 'not-found', detail: `epoch ${epoch} is not closed: its receipts are written at its close` };
    if ((await receiptsThroughEpoch(state)) < epoch) {
      // A job failing for good would otherwise answer "retry in a moment" for ever.
      const problem = readModelsProblem();
      return {
        status: 'catching-up',
        detail:
          problem === undefined
            ? `the receipts of epoch ${epoch} are being written; retry in a moment`
            : `the receipts of epoch ${epoch} are not written yet: the read-model job failed on its last tick (${problem}); see /readyz`,
      };
    }
    return undefined;
  };

  /**
   * The leaf the epoch's allocation rolls into and can be claimed through: the active distribution
   * if it includes the epoch, else the pending one if it does, else none yet. Only these two, the
   * trees the cache keeps: an older distribution's leaf is superseded, and loading its tree (every
   * node rebuilt and proved) on a public read of any old epoch would be the costliest request there is.
   */
  const rollsInto = async (state: LedgerState, epoch: number, address: string): Promise<Json | null> => {
    const d = [activeDistribution(state), pendingDistribution(state)].find((x) => x !== undefined && x.throughEpoch >= epoch);
    if (d === undefined) return null;
    const tree = await treeOf(d);
    return {
      seq: d.seq,
      status: d.status,
      throughEpoch: d.throughEpoch,
      root: d.root,
      contract: d.published?.contract ?? null,
      treeAvailable: tree !== undefined,
      leaves: leavesOf(tree, address),
    };
  };

  return {
    async receipt(address, epoch) {
      const state = await view.fresh();
      const notReady = await receiptsNotReady(state, epoch);
      if (notReady) return notReady;
      const [doc] = (await receiptTable?.receipts(address, epoch, 1)) ?? [];
      const receipt = doc !== undefined && doc['epoch'] === epoch ? doc : emptyReceiptDocument(address, epoch);
      return { status: 'ok', body: { ...receipt, distribution: await rollsInto(state, epoch, address) } };
    },

    async receipts(address, fromEpoch, limit) {
      const state = await view.fresh();
      const throughEpoch = await receiptsThroughEpoch(state);
      const rows = (await receiptTable?.receipts(address, fromEpoch, limit + 1)) ?? [];
      const page = rows.slice(0, limit).filter((r) => Number(r['epoch']) <= throughEpoch);
      return {
        account: address,
        receiptsThroughEpoch: throughEpoch,
        receipts: page,
        nextFromEpoch: rows.length > limit ? Number(rows[limit]!['epoch']) : null,
      };
    },

    async epochReceipts(epoch, after, limit) {
      const state = await view.fresh();
      const notReady = await receiptsNotReady(state, epoch);
      if (notReady) return notReady;
      const rows = (await receiptTable?.epochReceipts(epoch, cursorKey(after), limit + 1)) ?? [];
      const page = rows.slice(0, limit);
      return { status: 'ok', body: { epoch, receipts: page, next: rows.length > limit ? JSON.stringify([page.at(-1)!['account']]) : null } };
    },

    async receiptsCsv(address) {
      const state = await view.fresh();
      const throughEpoch = await receiptsThroughEpoch(state);
      const cxtToken = genesisParams(state)?.cxtToken ?? '';
      // A page of receipts at a time: the answer streams, it is never held whole in memory.
      return (async function* lines() {
        yield `${RECEIPT_CSV_COLUMNS.join(',')}\n`;
        for (let from = 0; from <= throughEpoch; ) {
          const rows = (await receiptTable?.receipts(address, from, CSV_PAGE)) ?? [];
          let chunk = '';
          for (const r of rows) if (Number(r['epoch']) <= throughEpoch) for (const line of receiptCsvLines(r, cxtToken)) chunk += `${line.join(',')}\n`;
          if (chunk) yield chunk;
          if (rows.length < CSV_PAGE) break;
          from = Number(rows[rows.length - 1]!['epoch']) + 1;
        }
      })();
    },
  };
};
