/**
 * Receipts of a close the read models have not written: 503 "retry in a moment" while they catch
 * up, but when the read-model job is failing the answer says so (else it would say "a moment" for ever).
 */
import { describe, expect, it } from 'vitest';
import { initialState } from '../../domain/index.ts';
import { createReceiptQueries, type ReceiptSource } from '../../adapters/service/receiptQueries.ts';
import type { LedgerView } from '../../adapters/service/ledgerView.ts';

const state = { ...initialState(), lastClosedEpoch: 0 };
const view = {
  fresh: async () => state,
  epochRecord: (epoch: number) => (epoch === 0 ? { position: 10, recordedAt: '2026-12-03T00:00:00Z', data: {} } : undefined),
} as unknown as LedgerView;
/** Read models that stopped before the close of epoch 0 (position 10). */
const behind: ReceiptSource = { receipts: async () => [], epochReceipts: async () => [], checkpoint: async () => 5 };
const ACCOUNT = `0x${'11'.repeat(20)}`;

describe('receipts while the read models are behind', () => {
  it('say "retry in a moment" while the job runs, and name the failure when the job fails', async () => {
    let problem: string | undefined;
    const q = createReceiptQueries(view, async () => undefined, behind, () => problem);
    expect(await q.receipt(ACCOUNT, 0)).toEqual({ status: 'catching-up', detail: 'the receipts of epoch 0 are being written; retry in a moment' });
    problem = 'connection terminated unexpectedly';
    expect(await q.receipt(ACCOUNT, 0)).toEqual({
      status: 'catching-up',
      detail: 'the receipts of epoch 0 are not written yet: the read-model job failed on its last tick (connection terminated unexpectedly); see /readyz',
    });
    expect(await q.receipt(ACCOUNT, 1)).toMatchObject({ status: 'not-found' });
  });
});
