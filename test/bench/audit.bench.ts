/**
 * `cxt audit` over a synthetic log of 1,000,000 events: the domain events of syntheticHistory,
 * sealed into a hash chain (sealEnvelope) and written as the JSON lines `cxt export` writes. The
 * audit runs in a child process (this file, re-entered with `--audit-case`), so its peak RSS
 * (process.resourceUsage().maxRSS) is the audit's alone, not the generator's.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { writeSnapshotFile } from '../../adapters/audit/snapshotFile.ts';
import { canonicalSnapshot, encodeEventData, sealEnvelope, ZERO_HASH, type LedgerState } from '../../domain/index.ts';
import type { BenchContext } from './run.ts';
import { syntheticHistory, type SyntheticOptions } from './syntheticLog.ts';

const CASE_FLAG = '--audit-case';

/** Events per syntheticHistory run: 2 per contribution, a close per epoch, plus the set-up. */
export const syntheticSize = (o: SyntheticOptions): number =>
  2 + o.nodes + Math.min(o.operators ?? o.nodes, 1000) + o.epochs * (2 * o.nodes * o.contributionsPerNode + 1);

/**
 * Writes the sealed log as JSON lines; returns the number of events. Streams: nothing is kept.
 * With `snapshot`, the state before that epoch's close is written as a snapshot file (the start of
 * a tail audit), as `cxt export --snapshot` would write it.
 */
export const writeSyntheticLog = async (path: string, o: SyntheticOptions, snapshot?: { readonly epoch: number; readonly path: string }): Promise<number> => {
  const out = createWriteStream(path);
  const versions = new Map<string, number>();
  let prevHash = ZERO_HASH;
  let position = 0;
  let snapshotFile: Parameters<typeof writeSnapshotFile>[1] | undefined;
  const beforeClose = (epoch: number, state: LedgerState) => {
    if (epoch !== snapshot?.epoch) return;
    // Everything before the close has been sealed already (the generator is lazy).
    const { hash, parts } = canonicalSnapshot(state);
    snapshotFile = { position, headHash: prevHash, stateHash: hash, parts };
  };
  o = snapshot === undefined ? o : { ...o, beforeClose };
  let buffer: string[] = [];
  const flush = async () => {
    if (!out.write(buffer.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    buffer = [];
  };
  for (const { key, events, nowSeconds } of syntheticHistory(o)) {
    // Sealed at the time the events were decided, as a store sharing the service's clock would.
    const recordedAt = new Date(nowSeconds * 1000).toISOString();
    const stream = key.split(':')[0]!;
    for (const [i, ev] of events.entries()) {
      const streamVersion = (versions.get(stream) ?? 0) + 1;
      versions.set(stream, streamVersion);
      position++;
      // As the command handler does: a close commits to the log head it was decided on.
      const data = ev.type === 'EpochClosed' ? { ...encodeEventData(ev), logHead: prevHash } : encodeEventData(ev);
      const sealed = sealEnvelope({ id: i === 0 ? key : `${key}/${i}`, type: ev.type, stream, streamVersion, recordedAt, data, prevHash }, position);
      prevHash = sealed.hash;
      buffer.push(`${JSON.stringify(sealed)}\n`);
      if (buffer.length >= 1000) await flush();
    }
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (snapshot !== undefined) await writeSnapshotFile(snapshot.path, snapshotFile!);
  return position;
};

interface CaseResult {
  readonly events: number;
  readonly workers: number;
  readonly seconds: number;
  readonly findings: number;
  readonly epochs: number;
  /** Contributions the log records (the state holds only the open ones: DESIGN §10). */
  readonly contributionsRecorded: number;
  readonly peakRssMiB: number;
  /** Heap still reachable once the whole file is replayed (after a forced GC): what the audit really holds. */
  readonly liveHeapMiB: number;
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

const runCase = async (path: string, workers: number, fromSnapshot?: string): Promise<CaseResult> => {
  const { runAudit } = await import('../../adapters/audit/audit.ts');
  const started = performance.now();
  let liveHeapMiB = 0;
  const atEnd = () => {
    // The state is still alive here (the replay is done, the report not yet built).
    (globalThis as { gc?: () => void }).gc?.();
    liveHeapMiB = mib(process.memoryUsage().heapUsed);
  };
  const report = await runAudit({
    eventsPath: path,
    hashWorkers: workers,
    ...(fromSnapshot === undefined ? {} : { fromSnapshot }),
    progress: { start: () => undefined, update: () => undefined, stop: atEnd },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    events: report.counts.events,
    workers,
    seconds,
    findings: report.counts.findings,
    epochs: report.counts.epochs,
    contributionsRecorded: report.counts.eventsByType.ContributionRecorded ?? 0,
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    liveHeapMiB,
  };
};

const inChild = async (path: string, workers: number, fromSnapshot?: string): Promise<CaseResult> => {
  const self = fileURLToPath(import.meta.url);
  // execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, '--expose-gc', self, CASE_FLAG, path, String(workers), ...(fromSnapshot === undefined ? [] : [fromSnapshot])], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as CaseResult;
};

const row = (r: CaseResult, bytes: number): string =>
  `| ${r.events.toLocaleString('en-US')} | ${Math.round(bytes / 2 ** 20)} | ${r.epochs} | ${r.workers} | ${r.seconds.toFixed(1)} | **${Math.round(r.events / r.seconds).toLocaleString('en-US')}** | ${r.peakRssMiB} | ${r.liveHeapMiB} | ${r.contributionsRecorded.toLocaleString('en-US')} | ${r.findings} |`;

/** 500 nodes × 2 contributions × 2 events = 2,000 events an epoch: 50 epochs ≈ 100,000 events, 500 ≈ 1,000,000. */
const shapeOf = (epochs: number, nodes = 500): SyntheticOptions => ({ nodes, contributionsPerNode: 2, epochs });

/** AUDIT_BIG_EVENTS=10000000 adds a log of that size (rounded to whole epochs), audited whole and from the snapshot 10 closes before its end. */
const bigEvents = Number(process.env.AUDIT_BIG_EVENTS ?? 0);

export default async (ctx: BenchContext): Promise<string> => {
  const cases: Array<[SyntheticOptions, number[]]> = ctx.quick
    ? [[shapeOf(25, 100), [0, 1]]]
    : [
        [shapeOf(50), [0, 1]],
        [shapeOf(500), [1]],
        ...(bigEvents > 0 ? ([[shapeOf(Math.ceil(bigEvents / 2000)), [1]]] as Array<[SyntheticOptions, number[]]>) : []),
      ];
  const dir = await mkdtemp(join(tmpdir(), 'cxt-audit-bench-'));
  const rows: string[] = [];
  const tails: string[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    for (const [shape, workerCounts] of cases) {
      const path = join(dir, `events-${shape.epochs}.jsonl`);
      ctx.log(`  audit: writing a ${syntheticSize(shape).toLocaleString('en-US')}-event log…`);
      const genStarted = performance.now();
      // A snapshot before the close 10 epochs from the end: the start of the tail audit.
      const snapshotPath = join(dir, `snapshot-${shape.epochs}.json`);
      const count = await writeSyntheticLog(path, shape, { epoch: Math.max(0, shape.epochs - 10), path: snapshotPath });
      ctx.log(`  audit: written in ${((performance.now() - genStarted) / 1000).toFixed(1)} s`);
      const bytes = (await stat(path)).size;
      for (const workers of workerCounts) {
        ctx.log(`  audit: auditing it with ${workers} hash worker(s)…`);
        rows.push(row(await inChild(path, workers), bytes));
      }
      ctx.log('  audit: the last 10 closes, from the snapshot…');
      const tail = await inChild(path, 0, snapshotPath);
      tails.push(`| ${count.toLocaleString('en-US')} | ${tail.events.toLocaleString('en-US')} | ${tail.epochs} | ${tail.seconds.toFixed(2)} | ${tail.peakRssMiB} | ${tail.findings} |`);
      await rm(path);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return [
    '## Audit: `cxt audit` replay of an exported log',
    '',
    '| events | file (MiB) | epochs | hash workers | audit (s) | events/s | peak RSS (MiB) | live heap at end (MiB) | contributions recorded | findings |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Synthetic logs from test/bench/syntheticLog.ts (500 nodes, 2 verified contributions per node per epoch, a close per epoch), sealed into a hash chain ' +
      'and written as `cxt export` writes them. Each audit (chain check, domain replay, every close re-derived and its §9 invariants checked) runs in its ' +
      'own process; peak RSS is its maxRSS, worker threads included; the live heap is measured after a forced GC once ' +
      'the whole file is replayed, with the replayed state still held. Nothing per event is kept but what the domain state itself holds (open work only: ' +
      `contributions leave it at the close that settles them); the rest of the RSS is V8 heap headroom under a high allocation rate. 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (the machine is shared).`,
    '',
    'Tail audits (`--from-snapshot`) of the same logs, from a snapshot of the state before the close 10 epochs from the end (anchored by binary search in the file, then only the events after it; the whole process, no hash workers):',
    '',
    '| log events | events audited | closes | audit (s) | peak RSS (MiB) | findings |',
    '|---:|---:|---:|---:|---:|---:|',
    ...tails,
  ].join('\n');
};

if (process.argv[2] === CASE_FLAG && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runCase(process.argv[3]!, Number(process.argv[4] ?? 0), process.argv[5]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
