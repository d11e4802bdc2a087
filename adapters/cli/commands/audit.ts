/**
 * `cxt audit --events events.jsonl --out DIR [--rpc-url URL --distributor ADDRESS [--from-block N] [--to-block B]]`
 * `cxt audit --events events.jsonl --out DIR --from-snapshot snapshot.json`:
 * re-derives every number of an exported log through the domain rules and, with an RPC URL, checks
 * the distributor's roots and claims against it; from a snapshot the log vouches for, only the tail
 * after it. Writes audit.json and audit.html.
 *
 * Exit codes: 0 clean, 1 findings, 2 when the audit could not run — a usage error, and also an
 * unreadable events file or an unreachable node: exit 1 must only ever mean "the log has findings".
 */
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Address } from '../../../domain/codecs.ts';
import { runAudit, type AuditProgress, type AuditReport } from '../../audit/audit.ts';
import { writeAuditFiles } from '../../audit/auditFiles.ts';
import { ChainAccessError, type ChainSource } from '../../audit/chainLogs.ts';
import { UsageError, type CliCommand, type CliIo } from '../command.ts';
import { parseFlags, requiredText, text, whole, type Flags } from '../flags.ts';

const FLAGS = {
  events: requiredText('<events.jsonl>'),
  out: requiredText('<dir>'),
  'rpc-url': text('<url>'),
  distributor: text('<address>'),
  'from-block': whole(0, Number.MAX_SAFE_INTEGER),
  'to-block': whole(0, Number.MAX_SAFE_INTEGER),
  'from-snapshot': text('<snapshot.json>'),
};

const chainSource = (o: Flags<typeof FLAGS>): ChainSource | undefined => {
  const { 'rpc-url': rpcUrl, distributor, 'from-block': fromBlock } = o;
  const toBlock = o['to-block'];
  if (rpcUrl === undefined && distributor === undefined) {
    if (fromBlock !== undefined) throw new UsageError('--from-block applies only with --rpc-url and --distributor');
    if (toBlock !== undefined) throw new UsageError('--to-block applies only with --rpc-url and --distributor');
    return undefined;
  }
  if (rpcUrl === undefined || distributor === undefined) throw new UsageError('--rpc-url and --distributor go together');
  const address = Address.decode(distributor);
  if (address._tag === 'Left') throw new UsageError(`--distributor ${distributor} ${address.left[0]?.message ?? 'is not an address'}`);
  if (toBlock !== undefined && toBlock < (fromBlock ?? 0)) throw new UsageError(`--to-block ${toBlock} is before --from-block ${fromBlock}`);
  return { rpcUrl, distributor: address.right, ...(fromBlock === undefined ? {} : { fromBlock }), ...(toBlock === undefined ? {} : { toBlock }) };
};

const progressBar = (io: CliIo): AuditProgress | undefined => {
  if (!io.isTty) return undefined;
  const bar = new cliProgress.SingleBar(
    { format: 'audit [{bar}] {percentage}% | {events} events | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (totalBytes) => bar.start(totalBytes, 0, { events: 0 }),
    update: (bytes, events) => bar.update(bytes, { events: events.toLocaleString('en-US') }),
    stop: () => bar.stop(),
  };
};

const summaryLines = (r: AuditReport, files: { json: string; html: string }): string[] => [
  ...(r.verdict === 'clean' ? [] : [r.headline]),
  `${r.verdict === 'clean' ? 'clean' : `${r.counts.findings} finding(s)`}: ${r.counts.events} events, ${r.counts.epochs} epochs, ${r.counts.distributions} distributions in ${r.seconds.toFixed(1)} s` +
    `${r.chain.verified ? '; hash chain verified' : `; hash chain broken first at position ${r.chain.firstBreak?.position ?? '?'}`}` +
    `${r.counts.onChain ? `; on-chain: ${r.counts.onChain.rootsAccepted} root(s) accepted, ${r.counts.onChain.claims} claim(s)` : ''}`,
  ...r.findings.slice(0, 10).map((f) => `  ${f.position === undefined ? '' : `position ${f.position}: `}${f.message}`),
  ...(r.findings.length > 10 ? [`  … and ${r.counts.findings - 10} more in ${files.json}`] : []),
  `  ${files.json}`,
  `  ${files.html}`,
];

/** Reasons the audit could not run at all: exit 2, never 1. */
const cannotRun = (io: CliIo, message: string): number => {
  io.stderr(`cxt audit: ${message} (the audit did not run)`);
  return 2;
};

export const auditCommand: CliCommand = {
  async run(args, io) {
    const options = parseFlags(args, FLAGS);
    const chain = chainSource(options);
    const fromSnapshot = options['from-snapshot'];
    if (fromSnapshot !== undefined && chain !== undefined)
      throw new UsageError('--from-snapshot cannot be combined with --rpc-url: the on-chain audit needs every distribution since the first root (audit the whole log)');
    for (const path of [options.events, ...(fromSnapshot === undefined ? [] : [fromSnapshot])]) {
      const readable = await stat(path).then((s) => s.isFile(), () => false);
      if (!readable) return cannotRun(io, `cannot read ${path}: no such file`);
    }
    const progress = progressBar(io);
    let report: AuditReport;
    try {
      report = await runAudit({
        eventsPath: options.events,
        ...(chain ? { chain } : {}),
        ...(fromSnapshot === undefined ? {} : { fromSnapshot }),
        ...(progress ? { progress } : {}),
      });
    } catch (error) {
      if (error instanceof ChainAccessError) return cannotRun(io, error.message);
      throw error;
    }
    const files = await writeAuditFiles(options.out, report);
    io.stdout(summaryLines(report, files).join('\n'));
    return report.verdict === 'clean' ? 0 : 1;
  },
};
