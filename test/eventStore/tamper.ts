/**
 * Tampering with the events table behind the store's back (raw SQL, as an attacker with database
 * access would) must be caught by verifyStoreChain, at the right position; an edited ledger snapshot
 * beside the log must be found by its verification against the log, and skipped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashEnvelope, sealEnvelope } from '../../domain/hashChain.ts';
import type { PostgresEventStore } from '../../adapters/eventStore/postgresEventStore.ts';
import { verifyStoreChain } from '../../adapters/eventStore/shared.ts';
import { newEvent } from './contract.ts';
import { createCommandHandler, createLedger, createSqlSnapshotStore, latestVerifiedSnapshot } from '../../adapters/ledger/index.ts';
import { canonicalSnapshot, restoreSnapshotParts } from '../../domain/index.ts';
import { driveHistory } from '../support/history.ts';

export interface SqlStoreUnderTest {
  readonly store: PostgresEventStore;
  readonly cleanup: () => Promise<void>;
}

export const tamperSuite = (name: string, open: () => Promise<SqlStoreUnderTest>): void => {
  describe(`tamper evidence: ${name}`, () => {
    let subject: SqlStoreUnderTest;
    let store: PostgresEventStore;
    const sql = (text: string, params: unknown[] = []) => store.db.query(text.replaceAll('EVENTS', store.tables.events), params);

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      for (let i = 1; i <= 10; i++) await store.append(`account-${i % 3}`, [newEvent(`e${i}`, { amount: `${i}000000000000000000` })]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: 10 });
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('detects an edited amount where it was edited', async () => {
      await sql(`update EVENTS set data = jsonb_set(data, '{amount}', '"999000000000000000000"') where position = 5`);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: false, count: 4, fault: { position: 5, kind: 'hash-mismatch' } });
    });

    it('detects an edit whose own hash was recomputed, at the next event', async () => {
      const [row5] = await store.readAll({ fromPosition: 5, maxCount: 1 });
      const forged = { ...row5!, data: { amount: '999000000000000000000' } };
      await sql(`update EVENTS set data = $1::jsonb, hash = $2 where position = 5`, [JSON.stringify(forged.data), hashEnvelope(forged)]);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: false, count: 5, fault: { position: 6, kind: 'broken-link' } });
    });

    it('detects a deleted event as a gap', async () => {
      await sql(`delete from EVENTS where position = 5`);
      const result = await verifyStoreChain(store, 3);
      expect(result).toMatchObject({ ok: false, count: 4, fault: { position: 6, kind: 'position-gap' } });
      expect(!result.ok && result.fault.message).toContain('position 5 is missing');
    });

    it('detects a cut-off tail against the recorded head', async () => {
      await sql(`delete from EVENTS where position = 10`);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: false, count: 9, fault: { position: 10, kind: 'position-gap' } });
    });

    it('detects an inserted event, even one sealed onto its predecessor', async () => {
      const [row4] = await store.readAll({ fromPosition: 4, maxCount: 1 });
      const fabricated = sealEnvelope(
        { id: 'forged', type: 'TestEvent', stream: 'forged', streamVersion: 1, recordedAt: row4!.recordedAt, data: { amount: '1' }, prevHash: row4!.hash },
        5,
      );
      // Make room at 5 by shifting the rest up (two steps: the primary key is checked row by row).
      await sql(`update EVENTS set position = -position where position >= 5`);
      await sql(`update EVENTS set position = 1 - position where position < 0`);
      await sql(
        `insert into EVENTS (position, id, type, stream, stream_version, recorded_at, data, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
        [5, fabricated.id, fabricated.type, fabricated.stream, 1, fabricated.recordedAt, JSON.stringify(fabricated.data), fabricated.prevHash, fabricated.hash],
      );
      expect((await store.readAll()).length).toBe(11);
      expect(await verifyStoreChain(store)).toMatchObject({ ok: false, count: 5, fault: { position: 6, kind: 'broken-link' } });
    });
  });

  describe(`tamper evidence of ledger snapshots: ${name}`, () => {
    it('an edited snapshot is found and never used, even with its stored hash recomputed to match', async () => {
      const subject = await open();
      try {
        const { store } = subject;
        const snapshots = createSqlSnapshotStore(store.db);
        await snapshots.migrate();
        const clock = { nowSeconds: 0 };
        const writer = createLedger(store, { snapshots });
        await driveHistory(createCommandHandler({ store, ledger: writer, clock: () => clock.nowSeconds }), clock, { epochs: 3 });
        await writer.snapshotsWritten();
        const [newest] = await snapshots.positions();
        const stored = (await snapshots.load(newest!))!;
        const forged = [stored.parts[0]!.replace(/"minted":"(\d+)"/, (_, n: string) => `"minted":"${BigInt(n) * 2n}"`), ...stored.parts.slice(1)];
        await store.db.query('update ledger_snapshot_parts set content = $1 where position = $2 and part = 0', [forged[0], newest]);
        await store.db.query('update ledger_snapshots set state_hash = $1 where position = $2', [canonicalSnapshot(restoreSnapshotParts(forged)).hash, newest]);
        const problems: string[] = [];
        const start = await latestVerifiedSnapshot(store, snapshots, (at, reason) => problems.push(`${at}: ${reason}`));
        expect(problems).toEqual([expect.stringMatching(new RegExp(`^${newest}: the EpochClosed at position ${newest! + 1} records stateHash ${stored.stateHash}, the snapshot claims`))]);
        expect(start!.position).toBeLessThan(newest!);
        const restarted = createLedger(store, { snapshots });
        await restarted.catchUp();
        expect(canonicalSnapshot(restarted.state).hash).toBe(canonicalSnapshot(writer.state).hash);
      } finally {
        await subject.cleanup();
      }
    });
  });
};
