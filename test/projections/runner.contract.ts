/**
 * The projection runner's behaviour, run against PGlite and PostgreSQL alike: tables follow the log
 * batch by batch with a durable checkpoint, a restart resumes, and a rebuild gives identical tables.
 */
import { describe, expect, it } from 'vitest';
import type { PostgresEventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, createSqlSnapshotStore } from '../../adapters/ledger/index.ts';
import { createProjectionRunner } from '../../adapters/projections/index.ts';
import { accountView, supplyView } from '../../projections/index.ts';
import { canonicalSnapshot } from '../../domain/index.ts';
import { addr, driveHistory, type Clock } from '../support/history.ts';
import { canonicalState } from '../support/canonicalState.ts';

export const projectionRunnerContract = (name: string, open: () => Promise<{ store: PostgresEventStore; cleanup: () => Promise<void> }>) => {
  describe(`projection runner on ${name}`, () => {
    it('follows the log in small batches, survives a restart, and a rebuild from 0 yields identical tables', async () => {
      const { store, cleanup } = await open();
      try {
        const clock: Clock = { nowSeconds: 0 };
        const ledger = createLedger(store);
        const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
        await driveHistory(handler, clock, { epochs: 4 });

        const first = createProjectionRunner({ store, db: store.db, batchSize: 7, eventsPerTransaction: 7 });
        await first.migrate();
        const head = (await store.head()).position;
        expect(await first.catchUp()).toBe(head);
        expect(await first.checkpoint()).toBe(head);
        const incremental = await first.dump();

        // The tables hold what the domain state says.
        const supply = (incremental.supply as Array<Record<string, string>>)[0]!;
        expect(supply.minted).toBe(supplyView(ledger.state).mintedWei.toString());
        const operator = (incremental.accounts as Array<Record<string, string>>).find((r) => r.address === addr(100))!;
        expect(operator.active_stake).toBe(accountView(ledger.state, addr(100))!.activeStakeWei.toString());
        expect(incremental.epochs).toHaveLength(4);
        // The receipts of each close add up to what it minted (every CXT allocation is explained).
        const cxtToken = ledger.state.configs[0]!.params.cxtToken;
        for (const epoch of incremental.epochs as Array<{ epoch: string; minted: string }>) {
          const receipts = (incremental.receipts as Array<{ epoch: string; doc: { totals: { token: string; amount: string }[] } }>).filter((r) => Number(r.epoch) === Number(epoch.epoch));
          expect(receipts.length).toBeGreaterThan(0);
          const cxtPaid = receipts.flatMap((r) => r.doc.totals).filter((t) => t.token === cxtToken).reduce((a, t) => a + BigInt(t.amount), 0n);
          expect(cxtPaid, `epoch ${epoch.epoch}`).toBe(BigInt(epoch.minted));
        }

        // A second process (fresh runner) resumes from the checkpoint and writes nothing new.
        const restarted = createProjectionRunner({ store, db: store.db, batchSize: 1000 });
        expect(await restarted.catchUp()).toBe(head);
        expect(await restarted.dump()).toEqual(incremental);

        // More events arrive; the restarted runner carries on from its in-memory state.
        clock.nowSeconds += 10;
        await handler.handle({ type: 'DepositStake', account: addr(555), amount: 123n, ref: 'late' });
        expect(await restarted.catchUp()).toBe(head + 1);
        const afterMore = await restarted.dump();

        // Pages of 3, one transaction for the whole rebuild (the default spans 50,000 events).
        const rebuilt = createProjectionRunner({ store, db: store.db, batchSize: 3 });
        expect(await rebuilt.rebuild()).toBe(head + 1);
        expect(await rebuilt.dump()).toEqual(afterMore);
        // Replay determinism: the state re-derived from the stored log equals the live ledger's, byte for byte.
        await ledger.catchUp();
        expect(canonicalState(rebuilt.models.state)).toBe(canonicalState(ledger.state));
      } finally {
        await cleanup();
      }
    });

    it('given ledger snapshots, a restarted runner warms up from the newest at or before its checkpoint: same state, same tables', async () => {
      const { store, cleanup } = await open();
      try {
        const clock: Clock = { nowSeconds: 0 };
        const snapshots = createSqlSnapshotStore(store.db);
        await snapshots.migrate();
        const ledger = createLedger(store, { snapshots, snapshotRetention: 10 });
        const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
        await driveHistory(handler, clock, { epochs: 4 });
        await ledger.snapshotsWritten();
        const first = createProjectionRunner({ store, db: store.db });
        await first.migrate();
        const checkpoint = await first.catchUp();
        const tables = await first.dump();

        const problems: string[] = [];
        const warmedFromSnapshot = createProjectionRunner({ store, db: store.db, snapshots, onSnapshotProblem: (m) => problems.push(m) });
        // Its first read of the log is the tail after the newest snapshot (spied on readAll).
        const reads: number[] = [];
        const spied = { ...store, readAll: (o: { fromPosition?: number; maxCount?: number } = {}) => (reads.push(o.fromPosition ?? 1), store.readAll(o)) };
        const runner = createProjectionRunner({ store: spied, db: store.db, snapshots });
        expect(await runner.catchUp()).toBe(checkpoint);
        const newest = (await snapshots.positions())[0]!;
        expect(reads.filter((from) => from <= newest)).toEqual([newest]); // only the snapshot's own verification read
        // Byte for byte in the canonical snapshot (derived caches are not part of a state's content).
        expect(canonicalSnapshot(runner.models.state).parts.join("\n")).toBe(canonicalSnapshot(first.models.state).parts.join("\n"));
        expect(await warmedFromSnapshot.catchUp()).toBe(checkpoint);
        expect(problems).toEqual([]);

        clock.nowSeconds += 10;
        await handler.handle({ type: 'DepositStake', account: addr(556), amount: 7n, ref: 'after-snapshot' });
        await runner.catchUp();
        await first.catchUp();
        expect(await runner.dump()).toEqual(await first.dump());
        expect(tables.epochs).toHaveLength(4);
      } finally {
        await cleanup();
      }
    });

    it('read models from before the receipts table are rebuilt on migrate, so every close has its receipts', async () => {
      const { store, cleanup } = await open();
      try {
        const clock: Clock = { nowSeconds: 0 };
        const handler = createCommandHandler({ store, ledger: createLedger(store), clock: () => clock.nowSeconds });
        await driveHistory(handler, clock, { epochs: 3 });
        const current = createProjectionRunner({ store, db: store.db });
        await current.migrate();
        const head = await current.catchUp();
        const tables = await current.dump();
        // The tables as an older version left them: everything but receipts, at the head.
        await store.db.query('drop table rm_receipts');
        const upgraded = createProjectionRunner({ store, db: store.db });
        await upgraded.migrate();
        expect(await upgraded.checkpoint()).toBe(0);
        expect(await upgraded.catchUp()).toBe(head);
        expect(await upgraded.dump()).toEqual(tables);
        // A migrate over current tables changes nothing.
        await upgraded.migrate();
        expect(await upgraded.checkpoint()).toBe(head);
      } finally {
        await cleanup();
      }
    });

    it('writes rows and checkpoint in one transaction: a failing batch leaves both untouched', async () => {
      const { store, cleanup } = await open();
      try {
        const clock: Clock = { nowSeconds: 0 };
        const handler = createCommandHandler({ store, ledger: createLedger(store), clock: () => clock.nowSeconds });
        await driveHistory(handler, clock, { epochs: 1, nodes: 2 });
        const runner = createProjectionRunner({ store, db: store.db, batchSize: 1000 });
        await runner.migrate();
        // Sabotage: a column the runner writes is dropped, so the batch transaction must fail.
        await store.db.query('alter table rm_accounts drop column node_count');
        await expect(runner.catchUp()).rejects.toThrow();
        expect(await runner.checkpoint()).toBe(0);
        expect(await store.db.query('select * from rm_supply')).toEqual([]);
        // Repaired, the same runner catches up from the checkpoint, folding nothing twice: its
        // tables equal a fresh rebuild's.
        await store.db.query('alter table rm_accounts add column node_count bigint not null default 0');
        await runner.catchUp();
        const afterRepair = await runner.dump();
        const fresh = createProjectionRunner({ store, db: store.db, batchSize: 1000 });
        await fresh.rebuild();
        expect(afterRepair).toEqual(await fresh.dump());
        expect(afterRepair.supply).toHaveLength(1);
      } finally {
        await cleanup();
      }
    });
  });
};
