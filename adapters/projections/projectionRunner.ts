/**
 * Persists the read models of projections/ into PostgreSQL/PGlite tables. Each batch of events
 * updates exactly the rows it touched and the checkpoint in ONE transaction, so the tables always
 * match the checkpoint, even after a crash. A rebuild from position 0 yields identical tables.
 *
 * The domain state needed to re-derive allocations lives in memory: on start the runner takes the
 * newest ledger snapshot at or before its checkpoint that verifies against the log (DESIGN §10),
 * folds the rest of the way to the checkpoint without writing, then writes from there on. Epoch
 * rows are kept in memory only until they are written.
 */
import { ZERO_HASH, type StoredEvent } from '../../domain/index.ts';
import { accountView, assetViews, emptyTouched, initialReadModels, projectEvent, supplyView, taskDocument, type ReadModels, type Touched } from '../../projections/index.ts';
import type { EventStore } from '../eventStore/port.ts';
import type { SqlExecutor, SqlQueryable } from '../eventStore/sqlExecutor.ts';
import { toDomainEvent } from '../ledger/eventCodec.ts';
import { latestVerifiedSnapshot } from '../ledger/snapshotStart.ts';
import type { SnapshotStore } from '../ledger/snapshotStore.ts';
import { migrateReadModels, readModelTables, upsertRows, type ReadModelTables } from './readModelSchema.ts';

const NAME = 'read-models';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly db: SqlExecutor;
  readonly schema?: string;
  /** Events per page read from the log. */
  readonly batchSize?: number;
  /**
   * Events folded before the touched rows and the checkpoint are written in one transaction (and
   * always when the end of the log is reached). An epoch close touches every account with nodes,
   * so a transaction spanning several closes writes each such row once instead of once per close.
   */
  readonly eventsPerTransaction?: number;
  /** The ledger's snapshots: the warm-up starts from the newest one at or before the checkpoint. */
  readonly snapshots?: SnapshotStore;
  /** Told when a snapshot is skipped because it does not verify. */
  readonly onSnapshotProblem?: (message: string) => void;
  /**
   * Keep the reward receipts table (default true). Off, the rebuild skips the receipt of every
   * account at every close: the benchmark measures the core tables both ways.
   */
  readonly receipts?: boolean;
}

export interface ProjectionRunner {
  readonly models: ReadModels;
  migrate(): Promise<void>;
  /** Projects every event after the checkpoint; returns the new checkpoint position. */
  catchUp(): Promise<number>;
  /** Empties the tables and projects the whole log again. */
  rebuild(): Promise<number>;
  checkpoint(): Promise<number>;
  /** Every table as sorted JSON rows: what "identical tables" is checked on. */
  dump(): Promise<Record<string, unknown[]>>;
  /** A task's document as the tables hold it (settled tasks stay there; the ledger state forgets them). */
  taskDocument(taskId: string): Promise<Record<string, unknown> | undefined>;
  /** The account's reward receipts from `fromEpoch` on, ascending, at most `limit`. */
  receipts(address: string, fromEpoch: number, limit: number): Promise<Record<string, unknown>[]>;
  /** Task documents (open and settled) in task id order, after `afterTaskId`, at most `limit`. */
  tasks(afterTaskId: string, limit: number): Promise<Record<string, unknown>[]>;
  /** The receipts of one close in address order, after `afterAddress`, at most `limit`. */
  epochReceipts(epoch: number, afterAddress: string, limit: number): Promise<Record<string, unknown>[]>;
}

const s = (v: bigint | number): string => v.toString();

/** A jsonb column: PGlite and pg parse it, unless a driver setting hands back the text. */
const jsonb = (doc: unknown): Record<string, unknown> => (typeof doc === 'string' ? JSON.parse(doc) : doc) as Record<string, unknown>;

/** One upsert: rows of a table, keyed by its key columns. */
interface RowSet {
  readonly table: string;
  readonly columns: readonly string[];
  readonly keys: readonly string[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
}

/**
 * The rows a batch touched, as they stand now. Taken at once (no await), so the fold can go on
 * with the next batch while these are written.
 */
const rowsOf = (t: ReadModelTables, models: ReadModels, touched: Touched): RowSet[] => {
  const { state } = models;
  const sets: RowSet[] = [];
  const add = (table: string, columns: readonly string[], keys: readonly string[], rows: ReadonlyArray<readonly unknown[]>) => {
    sets.push({ table, columns, keys, rows });
  };
  if (touched.supply) {
    const v = supplyView(state);
    add(t.supply, ['singleton', 'max_supply', 'minted', 'burned', 'circulating', 'remaining', 'staked', 'last_closed_epoch'], ['singleton'], [
      [true, s(v.maxSupplyWei), s(v.mintedWei), s(v.burnedWei), s(v.circulatingWei), s(v.remainingWei), s(v.stakedWei), v.lastClosedEpoch],
    ]);
  }
  const accounts = [...touched.accounts].sort().flatMap((a) => accountView(state, a) ?? []);
  add(
    t.accounts,
    ['address', 'active_stake', 'unbonding', 'tier', 'tenure_epochs', 'governance_weight', 'node_count'],
    ['address'],
    accounts.map((a) => [a.address, s(a.activeStakeWei), s(a.unbondingWei), a.tier, a.tenureEpochs, s(a.governanceWeightWei), a.nodeCount]),
  );
  add(
    t.accountTokens,
    ['address', 'token', 'cumulative', 'claimed'],
    ['address', 'token'],
    accounts.flatMap((a) => a.tokens.map((tok) => [a.address, tok.token, s(tok.cumulativeWei), s(tok.claimedWei)])),
  );
  add(
    t.epochs,
    ['epoch', 'position', 'recorded_at', 'budget', 'minted', 'allocations_hash', 'recipients', 'log_head', 'pools', 'revenue'],
    ['epoch'],
    [...touched.epochs].sort((a, b) => a - b).map((epoch) => {
      const r = models.epochs.get(epoch)!;
      const pool = (p: { budget: bigint; minted: bigint }) => ({ budget: s(p.budget), minted: s(p.minted) });
      return [
        r.epoch, r.position, r.recordedAt, s(r.budget), s(r.minted), r.allocationsHash, r.recipients, r.logHead,
        // jsonb columns: the JSON values themselves (upsertRows sends the rows as JSON).
        { compute: pool(r.pools.compute), staking: pool(r.pools.staking), verification: pool(r.pools.verification) },
        r.revenue.map((x) => ({ asset: x.asset, gross: s(x.gross), fees: s(x.fees), provider: s(x.provider), stakers: s(x.stakers), buyback: s(x.buyback) })),
      ];
    }),
  );
  const assets = assetViews(state).filter((a) => touched.assets.has(a.asset));
  add(
    t.assets,
    ['asset', 'gross', 'fees', 'provider', 'stakers', 'buyback_budget', 'buyback_spent'],
    ['asset'],
    assets.map((a) => [a.asset, s(a.grossWei), s(a.feesWei), s(a.providerWei), s(a.stakersWei), s(a.buybackBudgetWei), s(a.buybackSpentWei)]),
  );
  const tasks = [...touched.tasks].sort().flatMap((taskId) => {
    const doc = models.settledTasks.get(taskId) ?? (state.tasks.has(taskId) ? taskDocument(state.tasks.get(taskId)!) : undefined);
    return doc ? [[taskId, doc.status, doc]] : [];
  });
  add(t.tasks, ['task_id', 'status', 'doc'], ['task_id'], tasks);
  if (models.receipts) add(t.receipts, ['address', 'epoch', 'doc'], ['address', 'epoch'], models.receipts.map((r) => [r['account'], r['epoch'], r]));
  return sets;
};

const writeRows = async (tx: SqlQueryable, sets: readonly RowSet[]): Promise<void> => {
  for (const set of sets) await upsertRows(tx, set.table, set.columns, set.keys, set.rows);
};

export const createProjectionRunner = ({
  store,
  db,
  schema,
  batchSize = 5000,
  eventsPerTransaction = 50_000,
  snapshots,
  onSnapshotProblem,
  receipts: withReceipts = true,
}: ProjectionRunnerOptions): ProjectionRunner => {
  const t = readModelTables(schema);
  const fresh = () => initialReadModels(withReceipts);
  let models = fresh();
  let folded = 0;

  const project = (e: StoredEvent, touched: Touched) =>
    projectEvent(models, toDomainEvent(e), { position: e.position, recordedAt: e.recordedAt }, touched);

  const readCheckpoint = async (): Promise<number> => {
    const rows = await db.query<{ position: string }>(`select position from ${t.checkpoint} where name = $1`, [NAME]);
    return rows[0] ? Number(rows[0].position) : 0;
  };

  /** Re-folds in memory (no writes) the events the tables already reflect. */
  const warmUp = async (through: number): Promise<void> => {
    if (folded === 0 && through > 0 && snapshots !== undefined) {
      const report = (at: number, reason: string) => onSnapshotProblem?.(`the snapshot at position ${at} is skipped: ${reason}`);
      // through + 1: the snapshot may stand just before the checkpoint's own close.
      const start = await latestVerifiedSnapshot(store, snapshots, report, through + 1);
      if (start !== undefined) {
        models = { ...fresh(), state: start.state };
        folded = start.position;
      }
    }
    // What the tables already hold is folded for its state only: its receipts are written.
    models.receipts = null;
    while (folded < through) {
      const page = await store.readAll({ fromPosition: folded + 1, maxCount: Math.min(batchSize, through - folded) });
      if (page.length === 0) throw new Error(`the read-model checkpoint ${through} is beyond the end of the log (${folded})`);
      const scratch = emptyTouched();
      for (const e of page) project(e, scratch);
      folded = page[page.length - 1]!.position;
    }
    models.epochs.clear();
    models.settledTasks.clear();
    models.receipts = withReceipts ? [] : null;
  };

  /** The page after `position`, already asked for: awaited later, so a failure must not go unhandled meanwhile. */
  const readAhead = (position: number): Promise<readonly StoredEvent[]> => {
    const page = store.readAll({ fromPosition: position + 1, maxCount: batchSize });
    page.catch(() => undefined);
    return page;
  };

  /**
   * Folds page after page; every `eventsPerTransaction` events, and at the end of the log, the
   * rows touched since the last write and the checkpoint are written in one transaction. The next
   * page is read, and folded, while the previous transaction is written: transactions still commit
   * one after another, in order, so the tables always match the checkpoint. A failed write leaves
   * the memory ahead of the tables: it is dropped, and the next catch-up starts again from the
   * checkpoint (never folding a batch twice).
   */
  const catchUp = async (): Promise<number> => {
    await warmUp(await readCheckpoint());
    let next = readAhead(folded);
    let writing: Promise<void> = Promise.resolve();
    let touched = emptyTouched();
    let pending: StoredEvent | undefined;
    let pendingEvents = 0;
    try {
      for (;;) {
        const page = await next;
        if (page.length > 0) {
          next = readAhead(page[page.length - 1]!.position);
          for (const e of page) project(e, touched);
          pending = page[page.length - 1]!;
          pendingEvents += page.length;
        }
        const atEnd = page.length === 0;
        if (pending !== undefined && (atEnd || pendingEvents >= eventsPerTransaction)) {
          const last = pending;
          const rows = rowsOf(t, models, touched);
          // Written once these rows are: memory need not keep them.
          models.epochs.clear();
          models.settledTasks.clear();
          if (models.receipts) models.receipts = [];
          touched = emptyTouched();
          pending = undefined;
          pendingEvents = 0;
          folded = last.position;
          await writing;
          writing = db.transaction(async (tx) => {
            await writeRows(tx, rows);
            await tx.query(
              `insert into ${t.checkpoint} (name, position, hash) values ($1, $2, $3)
               on conflict (name) do update set position = excluded.position, hash = excluded.hash`,
              [NAME, last.position, last.hash],
            );
          });
          writing.catch(() => undefined);
        }
        if (atEnd) break;
      }
      await writing;
      return folded;
    } catch (error) {
      models = fresh();
      folded = 0;
      throw error;
    }
  };

  /** Empties every table and sets the checkpoint to 0: the next catch-up projects the whole log. */
  const resetTables = async (): Promise<void> => {
    await db.transaction(async (tx) => {
      for (const table of [t.supply, t.accounts, t.accountTokens, t.epochs, t.assets, t.tasks, t.receipts]) await tx.query(`delete from ${table}`);
      await tx.query(
        `insert into ${t.checkpoint} (name, position, hash) values ($1, 0, $2)
         on conflict (name) do update set position = 0, hash = excluded.hash`,
        [NAME, ZERO_HASH],
      );
    });
    models = fresh();
    folded = 0;
  };

  return {
    get models() {
      return models;
    },
    async migrate() {
      const created = await migrateReadModels(db, schema);
      // Receipts were added after the other tables: read models that predate them are rebuilt, so
      // every close has its receipts rather than only the closes after the upgrade.
      if (created.includes(t.receipts) && !created.includes(t.checkpoint) && (await readCheckpoint()) > 0) await resetTables();
    },
    catchUp,
    async rebuild() {
      await resetTables();
      return catchUp();
    },
    checkpoint: readCheckpoint,
    async taskDocument(taskId) {
      const [row] = await db.query<{ doc: unknown }>(`select doc from ${t.tasks} where task_id = $1`, [taskId]);
      if (!row) return undefined;
      return jsonb(row.doc);
    },
    async receipts(address, fromEpoch, limit) {
      const rows = await db.query<{ doc: unknown }>(
        `select doc from ${t.receipts} where address = $1 and epoch >= $2 order by epoch limit $3`,
        [address, fromEpoch, limit],
      );
      return rows.map((r) => jsonb(r.doc));
    },
    async tasks(afterTaskId, limit) {
      const rows = await db.query<{ doc: unknown }>(`select doc from ${t.tasks} where task_id > $1 order by task_id limit $2`, [afterTaskId, limit]);
      return rows.map((r) => jsonb(r.doc));
    },
    async epochReceipts(epoch, afterAddress, limit) {
      const rows = await db.query<{ doc: unknown }>(
        `select doc from ${t.receipts} where epoch = $1 and address > $2 order by address limit $3`,
        [epoch, afterAddress, limit],
      );
      return rows.map((r) => jsonb(r.doc));
    },
    async dump() {
      const order: Record<string, string> = {
        supply: 'singleton',
        accounts: 'address',
        accountTokens: 'address, token',
        epochs: 'epoch',
        assets: 'asset',
        tasks: 'task_id',
        receipts: 'address, epoch',
      };
      const out: Record<string, unknown[]> = {};
      for (const [name, by] of Object.entries(order)) {
        out[name] = await db.query(`select * from ${t[name as keyof ReadModelTables]} order by ${by}`);
      }
      return out;
    },
  };
};
