/**
 * Scale (`npm run bench -- scale`): a synthetic network through the real command handler into
 * PostgreSQL, closes with snapshots beside the log, heap and RSS sampled after every close (after a
 * full GC), then a restart (a fresh ledger starting from the newest verified snapshot and folding
 * the tail) and a projection catch-up (a fresh runner warming up from that snapshot) timed; a
 * restart is also timed after the first tenth of the closes, to compare: it depends on the tail,
 * not on history.
 *
 * Sizes come from the environment, so CI never runs the big one: SCALE_NODES (default 100,000),
 * SCALE_EVENTS (10,000,000), SCALE_CLOSES (30); BENCH_QUICK=1 runs 1,000 nodes, 20,000 events and
 * 6 closes. Every contribution is recorded and verified (two commands, two events), WINDOW at a
 * time in flight, so the handler's group commit takes them as many clients would send them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { createPostgresEventStore, pgExecutor } from '../../adapters/eventStore/index.ts';
import { createCommandHandler, createLedger, createSqlSnapshotStore, type HandleResult } from '../../adapters/ledger/index.ts';
import { createProjectionRunner } from '../../adapters/projections/index.ts';
import { loadConfig } from '../../adapters/service/config.ts';
import { startService } from '../../adapters/service/service.ts';
import { defaultParams, type Command } from '../../domain/index.ts';
import type { BenchContext } from './run.ts';
import { benchAddress } from './syntheticLog.ts';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const size = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined ? fallback : Number(v);
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mib = (bytes: number) => bytes / 2 ** 20;
/** Contributions in flight at once (then their verdicts): what one group commit can take. */
const WINDOW = 2_000;

/**
 * The whole service started on `schema` (embedded EVM, PostgreSQL store), timed from the call to
 * the first `/readyz` 200; `schema` undefined: a throwaway PGlite one, only to learn the embedded
 * chain's CXT token (the log's genesis must name it for the service to accept the log).
 */
const serviceStart = async (clock: { nowSeconds: number }, schema?: string): Promise<{ seconds: number; cxtToken: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'cxt-scale-'));
  const env = { PORT: '0', EMBEDDED_RPC_PORT: '0', ADMIN_TOKEN: 'scale-admin-token-0123456789abcdef', ...(schema ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}) };
  const t = performance.now();
  const s = await startService({ config: loadConfig(env, { dataDir: dir }), clock: () => clock.nowSeconds, logger: pino({ level: 'silent' }), ticking: 'manual', print: () => undefined });
  try {
    for (;;) {
      const ready = await s.app.inject({ method: 'GET', url: '/readyz' });
      if (ready.statusCode === 200) return { seconds: (performance.now() - t) / 1000, cxtToken: s.chain.cxtToken.toLowerCase() };
      if (performance.now() - t > 600_000) throw new Error(`/readyz still ${ready.statusCode} after 10 minutes: ${ready.body}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default async function scaleBench(ctx: BenchContext): Promise<string> {
  const nodes = ctx.quick ? 1_000 : size('SCALE_NODES', 100_000);
  const targetEvents = ctx.quick ? 20_000 : size('SCALE_EVENTS', 10_000_000);
  const closes = ctx.quick ? 6 : size('SCALE_CLOSES', 30);
  const perClose = Math.max(1, Math.floor((targetEvents - nodes - 2) / closes / 2));

  const schema = `bench_scale_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4, options: `-c search_path=${schema}` });
  const defaults = defaultParams();
  const clock = { nowSeconds: defaults.genesisTimeSeconds - 60 };
  const params = { ...defaults, cxtToken: (await serviceStart(clock)).cxtToken };
  const store = createPostgresEventStore({ db: pgExecutor(pool), schema, clock: () => new Date(clock.nowSeconds * 1000) });
  await store.migrate();
  const snapshots = createSqlSnapshotStore(store.db, { schema });
  await snapshots.migrate();
  const ledger = createLedger(store, { snapshots });
  const handler = createCommandHandler({ store, ledger, clock: () => clock.nowSeconds });
  const run = async (c: Command, key?: string) => {
    const r: HandleResult = await handler.handle(c, key ? { idempotencyKey: key } : {});
    if (r.status === 'refused') throw new Error(`${c.type}: ${r.refusal.message}`);
  };
  const projections = createProjectionRunner({ store, db: store.db, schema, snapshots });
  await projections.migrate();

  const restart = async () => {
    const t = performance.now();
    const fresh = createLedger(store, { snapshots });
    await fresh.catchUp();
    return { seconds: (performance.now() - t) / 1000, folded: fresh.position - fresh.startedAt };
  };

  try {
    const started = performance.now();
    ctx.log(`  scale: ${nodes.toLocaleString('en')} nodes, ${perClose.toLocaleString('en')} verified contributions per close, ${closes} closes…`);
    await run({ type: 'ConfigureProtocol', params }, 'genesis');
    const verifier = benchAddress(1);
    await run({ type: 'RegisterVerifier', verifier }, 'verifier');
    const registering = performance.now();
    for (let n = 0; n < nodes; n++)
      await run({ type: 'RegisterNode', nodeId: `n${n}`, operator: benchAddress(1000 + Math.floor(n / 4)), signer: benchAddress(10_000_000 + n), hardwareClass: 'gpu' });
    const registrationSeconds = (performance.now() - registering) / 1000;
    const samples: Array<{ close: number; events: number; heapMiB: number; rssMiB: number; closeSeconds: number; ingestRate: number }> = [];
    let early: { seconds: number; folded: number; service: number; events: number } | undefined;
    let id = 0;
    for (let epoch = 0; epoch < closes; epoch++) {
      clock.nowSeconds = params.genesisTimeSeconds + epoch * params.epochLengthSeconds + 60;
      const t = performance.now();
      // Submitted WINDOW at a time without waiting for each other, as many clients (or a batch
      // request) would: the command handler commits what queues behind an append as one group.
      for (let from = 0; from < perClose; from += WINDOW) {
        const ids = Array.from({ length: Math.min(WINDOW, perClose - from) }, (_, k) => id + from + k);
        await Promise.all(
          ids.map((n) => run({ type: 'RecordContribution', contributionId: `c${n}`, nodeId: `n${n % nodes}`, epoch, kind: 'compute', units: 1 + (n % 97), proofHash: `0x${(n + 1).toString(16).padStart(64, '0')}` })),
        );
        await Promise.all(ids.map((n) => run({ type: 'VerifyContribution', contributionId: `c${n}`, verifier })));
      }
      id += perClose;
      const ingestRate = (2 * perClose) / ((performance.now() - t) / 1000);
      clock.nowSeconds = params.genesisTimeSeconds + (epoch + 1) * params.epochLengthSeconds + 1;
      const c = performance.now();
      await run({ type: 'CloseEpoch', epoch, logHead: `0x${'0'.repeat(64)}` });
      const closeSeconds = (performance.now() - c) / 1000;
      await ledger.snapshotsWritten();
      await projections.catchUp();
      gc();
      const memory = process.memoryUsage();
      const events = ledger.position;
      samples.push({ close: epoch + 1, events, heapMiB: mib(memory.heapUsed), rssMiB: mib(memory.rss), closeSeconds, ingestRate });
      ctx.log(`  close ${epoch + 1}/${closes}: ${events.toLocaleString('en')} events, heap ${mib(memory.heapUsed).toFixed(0)} MiB, rss ${mib(memory.rss).toFixed(0)} MiB, ${Math.round(ingestRate)} events/s`);
      if (epoch + 1 === Math.max(1, Math.round(closes / 10))) early = { ...(await restart()), service: (await serviceStart(clock, schema)).seconds, events };
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const last = await restart();
    const lastService = (await serviceStart(clock, schema)).seconds;
    const p = performance.now();
    const catchUp = createProjectionRunner({ store, db: store.db, schema, snapshots });
    await catchUp.catchUp();
    const projectionSeconds = (performance.now() - p) / 1000;
    const fifth = samples[Math.min(4, samples.length - 1)]!;
    const final = samples[samples.length - 1]!;
    const growth = ((final.heapMiB - fifth.heapMiB) * 2 ** 20) / Math.max(1, final.events - fifth.events);
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    return [
      '## Scale: a network through the command handler into PostgreSQL',
      '',
      `Command: \`${ctx.quick ? 'BENCH_QUICK=1 ' : ''}SCALE_NODES=${nodes} SCALE_EVENTS=${targetEvents} SCALE_CLOSES=${closes} npm run bench -- scale\`. ` +
        `${fmt(nodes)} nodes, ${fmt(perClose)} contributions recorded and verified per close, ${closes} closes: ${fmt(final.events)} events in ${fmt(ingestSeconds)} s ` +
        `(of which the node registrations, one command at a time: ${fmt(registrationSeconds)} s, ${fmt(nodes / registrationSeconds)}/s).`,
      '',
      '| close | events | heap after GC (MiB) | RSS (MiB) | close (s) | ingest (events/s) |',
      '|---:|---:|---:|---:|---:|---:|',
      ...samples.map((s) => `| ${s.close} | ${fmt(s.events)} | ${s.heapMiB.toFixed(1)} | ${s.rssMiB.toFixed(0)} | ${s.closeSeconds.toFixed(2)} | ${fmt(s.ingestRate)} |`),
      '',
      `Heap after close ${closes} vs after close ${fifth.close}: ${((final.heapMiB / fifth.heapMiB - 1) * 100).toFixed(1)}% (${growth.toFixed(1)} bytes per event of growth).`,
      early
        ? `Restart after close ${Math.round(closes / 10) || 1} (${fmt(early.events)} events): the ledger ${early.seconds.toFixed(2)} s, ${fmt(early.folded)} events folded after the snapshot; ` +
          `the whole service (\`startService\`, embedded EVM, PostgreSQL) to its first /readyz 200: ${early.service.toFixed(2)} s.`
        : '',
      `Restart after the last close (${fmt(final.events)} events): the ledger ${last.seconds.toFixed(2)} s, ${fmt(last.folded)} events folded after the snapshot; ` +
        `the whole service to its first /readyz 200: ${lastService.toFixed(2)} s. ` +
        `Projection catch-up of a fresh runner (warm-up from the snapshot): ${projectionSeconds.toFixed(2)} s.`,
    ].join('\n');
  } finally {
    await pool.end();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
