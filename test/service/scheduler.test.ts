/**
 * The scheduler's parts on a memory store with a test clock: due epochs close in order (and
 * bounded per tick), the distribution cadence, and the tick loop itself — a failing job does not
 * stop the later ones, followers do nothing, ticks never overlap, stop waits for the running tick.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger } from '../../adapters/ledger/index.ts';
import { closeDueEpochs, nextDueEpoch } from '../../adapters/scheduler/epochCloser.ts';
import { distributionDue, lastDistributedEpoch } from '../../adapters/scheduler/distributionCadence.ts';
import { soleLeadership, type Leadership } from '../../adapters/scheduler/leadership.ts';
import { createScheduler, type SchedulerJob } from '../../adapters/scheduler/scheduler.ts';
import { historyParams } from '../support/history.ts';

const DAY = 86_400;

const setup = async () => {
  const store = createMemoryEventStore();
  const ledger = createLedger(store);
  const clock = { nowSeconds: 0 };
  const commands = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const params = historyParams();
  clock.nowSeconds = params.genesisTimeSeconds + 10;
  await commands.handle({ type: 'ConfigureProtocol', params }, { idempotencyKey: 'genesis' });
  const fresh = async () => {
    await ledger.catchUp();
    return ledger.state;
  };
  return { store, ledger, clock, commands, params, fresh, at: (epoch: number) => (clock.nowSeconds = params.genesisTimeSeconds + epoch * DAY + 5) };
};

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('closing due epochs', () => {
  it('closes nothing before the first epoch ends, then every ended epoch in order, each once', async () => {
    const s = await setup();
    expect((await closeDueEpochs({ fresh: s.fresh, commands: s.commands, clock: () => s.clock.nowSeconds })).closed).toEqual([]);
    s.at(5);
    expect((await closeDueEpochs({ fresh: s.fresh, commands: s.commands, clock: () => s.clock.nowSeconds })).closed).toEqual([0, 1, 2, 3, 4]);
    expect((await closeDueEpochs({ fresh: s.fresh, commands: s.commands, clock: () => s.clock.nowSeconds })).closed).toEqual([]);
    const closes = (await s.store.readAll()).filter((e) => e.type === 'EpochClosed').map((e) => e.data.epoch);
    expect(closes).toEqual([0, 1, 2, 3, 4]);
  });

  it('bounds the closes per tick; the next tick continues where it stopped', async () => {
    const s = await setup();
    s.at(7);
    const deps = { fresh: s.fresh, commands: s.commands, clock: () => s.clock.nowSeconds, maxPerTick: 3 };
    expect((await closeDueEpochs(deps)).closed).toEqual([0, 1, 2]);
    expect((await closeDueEpochs(deps)).closed).toEqual([3, 4, 5]);
    expect((await closeDueEpochs(deps)).closed).toEqual([6]);
    expect(nextDueEpoch(await s.fresh(), s.clock.nowSeconds)).toBeUndefined();
  });

  it('two closers racing over the same epochs (two processes without the lock) still close each epoch once', async () => {
    const s = await setup();
    const other = createCommandHandler({ store: s.store, ledger: createLedger(s.store), clock: () => s.clock.nowSeconds });
    const otherLedger = createLedger(s.store);
    s.at(4);
    await Promise.all([
      closeDueEpochs({ fresh: s.fresh, commands: s.commands, clock: () => s.clock.nowSeconds }),
      closeDueEpochs({
        fresh: async () => {
          await otherLedger.catchUp();
          return otherLedger.state;
        },
        commands: other,
        clock: () => s.clock.nowSeconds,
      }),
    ]);
    expect((await s.store.readAll()).filter((e) => e.type === 'EpochClosed').map((e) => e.data.epoch)).toEqual([0, 1, 2, 3]);
  });
});

describe('distribution cadence', () => {
  it('is due every distributionEveryEpochs closed epochs, counting from the last distribution that was not revoked', async () => {
    const s = await setup();
    const state = await s.fresh();
    expect(distributionDue(state)).toBe(false); // nothing closed
    state.lastClosedEpoch = 0;
    expect(distributionDue(state)).toBe(true);
    state.configs[0] = { ...state.configs[0]!, params: { ...s.params, distributionEveryEpochs: 3 } };
    expect(distributionDue(state)).toBe(false);
    state.lastClosedEpoch = 2;
    expect(distributionDue(state)).toBe(true);
    state.distributions.push({ seq: 1, throughEpoch: 2, root: '', logHead: '', leafCount: 1, totals: [], treeHash: '', status: 'active' });
    expect(lastDistributedEpoch(state)).toBe(2);
    expect(distributionDue(state)).toBe(false);
    state.distributions[0]!.status = 'revoked';
    expect(lastDistributedEpoch(state)).toBe(-1);
  });
});

describe('the tick loop', () => {
  const job = (name: string, run: () => Promise<string | undefined>): SchedulerJob => ({ name, run });

  it('runs every job in order; a failing job is reported and the later ones still run', async () => {
    const ran: string[] = [];
    const scheduler = createScheduler({
      leadership: soleLeadership(),
      log: silent,
      jobs: [
        job('a', async () => (ran.push('a'), 'did a')),
        job('b', async () => {
          ran.push('b');
          throw new Error('chain down');
        }),
        job('c', async () => (ran.push('c'), undefined)),
      ],
    });
    expect(await scheduler.tick()).toEqual({ leader: true, done: { a: 'did a' }, failed: { b: 'chain down' } });
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('does nothing when another process leads', async () => {
    let ran = false;
    const follower: Leadership = { acquire: async () => false, isLeader: false, release: async () => undefined };
    const scheduler = createScheduler({ leadership: follower, log: silent, jobs: [job('a', async () => ((ran = true), 'x'))] });
    expect(await scheduler.tick()).toEqual({ leader: false, done: {}, failed: {} });
    expect(ran).toBe(false);
  });

  it('never overlaps ticks, and stop waits for the running one and releases the lead', async () => {
    let release!: () => void;
    let runs = 0;
    let released = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const scheduler = createScheduler({
      leadership: { acquire: async () => true, isLeader: true, release: async () => void (released = true) },
      log: silent,
      jobs: [job('slow', async () => (runs++, await gate, 'done'))],
    });
    const first = scheduler.tick();
    const second = scheduler.tick();
    expect(second).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the job is under way
    expect(runs).toBe(1);
    const stopped = scheduler.stop();
    let stopDone = false;
    void stopped.then(() => (stopDone = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopDone).toBe(false);
    release();
    await stopped;
    expect(runs).toBe(1);
    expect(released).toBe(true);
    expect(await scheduler.tick()).toEqual({ leader: false, done: {}, failed: {} });
    expect(scheduler.stop()).toBe(stopped);
  });
});
