/**
 * DESIGN §10 — a ledger with a snapshot store keeps the snapshot of each close it folds (pruned to a
 * retention count) and starts from the newest one that verifies against the log, folding only the
 * tail: the state it reaches is byte for byte the state a fold from genesis reaches. A snapshot that
 * was damaged or edited is reported, skipped, and the start still succeeds with identical state.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryEventStore, createPostgresEventStore, pgliteExecutor, type EventStore } from '../../adapters/eventStore/index.ts';
import {
  createCommandHandler,
  createLedger,
  createMemorySnapshotStore,
  createSqlSnapshotStore,
  type Ledger,
  type SnapshotStore,
} from '../../adapters/ledger/index.ts';
import { canonicalForm, canonicalSnapshot, joinSnapshotParts } from '../../domain/index.ts';
import { driveHistory, storeClock } from '../support/history.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface World {
  store: EventStore;
  snapshots: SnapshotStore;
  /** Overwrites the first stored part (the snapshot without its long arrays) of the snapshot at `position`. */
  edit(position: number, text: string): Promise<void>;
  /** Loses one stored part of the snapshot at `position` (a bad disk, a half-restored backup). */
  losePart?(position: number, part: number): Promise<void>;
}

const worlds: Record<string, (clock: { nowSeconds: number }) => Promise<World>> = {
  memory: async (clock) => {
    const snapshots = createMemorySnapshotStore();
    return {
      store: createMemoryEventStore({ clock: storeClock(clock) }),
      snapshots,
      edit: async (position, text) => {
        const s = (await snapshots.load(position))!;
        await snapshots.save({ ...s, parts: [text, ...s.parts.slice(1)] }); // memory save overwrites
      },
    };
  },
  pglite: async (clock) => {
    const pglite = await PGlite.create();
    cleanups.push(() => pglite.close());
    const db = pgliteExecutor(pglite);
    const store = createPostgresEventStore({ db, clock: storeClock(clock) });
    await store.migrate();
    const snapshots = createSqlSnapshotStore(db);
    await snapshots.migrate();
    return {
      store,
      snapshots,
      // What an operator with write access to the table, or a bad disk, could do.
      edit: async (position, text) => void (await db.query('update ledger_snapshot_parts set content = $1 where position = $2 and part = 0', [text, position])),
      losePart: async (position, part) => void (await db.query('delete from ledger_snapshot_parts where position = $1 and part = $2', [position, part])),
    };
  },
};

const written = async (world: World, epochs = 5) => {
  const clock = { nowSeconds: 0 };
  const ledger = createLedger(world.store, { snapshots: world.snapshots, snapshotRetention: 3 });
  await driveHistory(createCommandHandler({ store: world.store, ledger, clock: () => clock.nowSeconds }), clock, { epochs });
  await ledger.snapshotsWritten();
  return ledger;
};

const fromGenesis = async (store: EventStore): Promise<Ledger> => {
  const ledger = createLedger(store);
  await ledger.catchUp();
  return ledger;
};

const restarted = async (world: World) => {
  const problems: string[] = [];
  const ledger = createLedger(world.store, { snapshots: world.snapshots, onSnapshotProblem: (m) => problems.push(m) });
  await ledger.catchUp();
  return { ledger, problems };
};

describe.each(Object.keys(worlds))('ledger snapshots on %s', (name) => {
  const world = () => worlds[name]!({ nowSeconds: 0 });

  it('keeps one snapshot per close, pruned to the retention count, each at the logHead its close records', async () => {
    const w = await world();
    await written(w, 5);
    const positions = await w.snapshots.positions();
    expect(positions).toHaveLength(3);
    for (const position of positions) {
      const [, close] = await w.store.readAll({ fromPosition: position, maxCount: 2 });
      expect(close!.type).toBe('EpochClosed');
      expect((await w.snapshots.load(position))!.stateHash).toBe(close!.data.stateHash);
    }
  });

  it('given a log with snapshots, when a ledger starts, then it folds only the tail and equals a fold from genesis byte for byte', async () => {
    const w = await world();
    const writer = await written(w);
    const { ledger, problems } = await restarted(w);
    expect(problems).toEqual([]);
    expect(ledger.startedAt).toBe((await w.snapshots.positions())[0]);
    expect(ledger.startedAt).toBeGreaterThan(0);
    const genesis = await fromGenesis(w.store);
    expect(ledger.position).toBe(genesis.position);
    expect(ledger.headHash).toBe(genesis.headHash);
    expect(canonicalSnapshot(ledger.state).parts).toEqual(canonicalSnapshot(genesis.state).parts);
    expect(canonicalSnapshot(ledger.state).parts).toEqual(canonicalSnapshot(writer.state).parts);
  });

  it('given the newest snapshot edited (a balance raised), when a ledger starts, then that snapshot is skipped and the state is identical', async () => {
    const w = await world();
    await written(w);
    const [newest, older] = await w.snapshots.positions();
    const original = (await w.snapshots.load(newest!))!;
    const edited = original.parts[0]!.replace(/"minted":"(\d+)"/, (_, n: string) => `"minted":"${BigInt(n) + 1n}"`);
    expect(edited).not.toBe(original.parts[0]);
    await w.edit(newest!, edited);
    const { ledger, problems } = await restarted(w);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`snapshot at position ${newest} is skipped: its content hashes to 0x[0-9a-f]{64}, not to the recorded stateHash`))]);
    expect(ledger.startedAt).toBe(older);
    expect(canonicalSnapshot(ledger.state).parts).toEqual(canonicalSnapshot((await fromGenesis(w.store)).state).parts);
  });

  it('given every snapshot unreadable, when a ledger starts, then it folds from genesis and reports each', async () => {
    const w = await world();
    await written(w);
    const positions = await w.snapshots.positions();
    for (const p of positions) await w.edit(p, '{"truncated":');
    const { ledger, problems } = await restarted(w);
    expect(problems).toHaveLength(positions.length);
    expect(problems[0]).toMatch(/its content does not restore/);
    expect(ledger.startedAt).toBe(0);
    expect(canonicalSnapshot(ledger.state).parts).toEqual(canonicalSnapshot((await fromGenesis(w.store)).state).parts);
  });

  it('stores a snapshot of many parts and restores it; one part lost, the snapshot is skipped', async () => {
    const w = await world();
    const writer = await written(w);
    const [newest] = await w.snapshots.positions();
    const stored = (await w.snapshots.load(newest!))!;
    // The same snapshot cut into parts of 2 items, as a network of millions of contributions is cut into parts of 5,000.
    const many = canonicalForm(joinSnapshotParts(stored.parts), 2);
    expect(many.hash).toBe(stored.stateHash);
    expect(many.parts.length).toBeGreaterThan(5);
    await w.snapshots.prune(0);
    await w.snapshots.save({ position: newest!, stateHash: many.hash, parts: many.parts });
    expect((await w.snapshots.load(newest!))!.parts).toEqual(many.parts);
    const { ledger, problems } = await restarted(w);
    expect(problems).toEqual([]);
    expect(ledger.startedAt).toBe(newest);
    expect(canonicalSnapshot(ledger.state).parts).toEqual(canonicalSnapshot(writer.state).parts);
    if (w.losePart === undefined) return;
    await w.losePart(newest!, 3);
    const again = await restarted(w);
    expect(again.problems).toEqual([expect.stringContaining(`snapshot at position ${newest} is skipped: its content does not restore`)]);
    expect(canonicalSnapshot(again.ledger.state).parts).toEqual(canonicalSnapshot(writer.state).parts);
  });
});
