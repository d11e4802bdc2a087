/**
 * `cxt audit --events events.jsonl --out DIR [--rpc-url URL --distributor ADDRESS [--from-block N] [--to-block B]]…`
 * `cxt audit --events events.jsonl --out DIR --from-snapshot snapshot.json`:
 * re-derives every number of an exported log through the domain rules and, with an RPC URL, checks
 * the distributor's roots and claims against it; from a snapshot the log vouches for, only the tail
 * after it. Writes audit.json and audit.html.
 *
 * One ledger pays on several chains (issue 15): give one `--rpc-url`/`--distributor` pair per chain,
 * the Nth --distributor with the Nth --rpc-url. Each node's chain id says which chain it is: one
 * the log configured as a payout chain is checked against that chain's trees, any other is the
 * primary chain (at most one). `--from-block` and `--to-block` are each either left out or given
 * once per --rpc-url, in the same order: block numbers belong to one chain, so a single value could
 * not mean the same block on every chain, and a value that silently applied to one chain only would
 * leave the reader guessing which.
 *
 * Exit codes: 0 clean, 1 findings, 2 when the audit could not run — a usage error (also two URLs of
 * one chain, or two chains that are not payout chains of the log), an unreadable events file or an
 * unreachable node: exit 1 must only ever mean "the log has findings".
 */
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Address } from '../../../domain/codecs.ts';
import { runAudit, type AuditProgress, type AuditReport } from '../../audit/audit.ts';
import { writeAuditFiles } from '../../audit/auditFiles.ts';
import { AuditSourceError, ChainAccessError, type ChainSource } from '../../audit/chainLogs.ts';
import { UsageError, type CliCommand, type CliIo } from '../command.ts';
import { list, parseFlags, requiredText, text, wholeList, type Flags } from '../flags.ts';

const FLAGS = {
  events: requiredText('<events.jsonl>'),
  out: requiredText('<dir>'),
  'rpc-url': list(),
  distributor: list(),
  'from-block': wholeList(0, Number.MAX_SAFE_INTEGER),
  'to-block': wholeList(0, Number.MAX_SAFE_INTEGER),
  'from-snapshot': text('<snapshot.json>'),
};

const times = (n: number): string => (n === 1 ? 'once' : `${n} times`);

/** The distributors to check, one per --rpc-url; every mismatch of the pairs is a UsageError naming the flag. */
const chainSources = (o: Flags<typeof FLAGS>): ChainSource[] => {
  const { 'rpc-url': urls, distributor: addresses, 'from-block': froms, 'to-block': tos } = o;
  if (urls.length === 0 && addresses.length === 0) {
    if (froms.length > 0) throw new UsageError('--from-block applies only with --rpc-url and --distributor');
    if (tos.length > 0) throw new UsageError('--to-block applies only with --rpc-url and --distributor');
    return [];
  }
  if (urls.length <= 1 && addresses.length <= 1 && urls.length !== addresses.length) throw new UsageError('--rpc-url and --distributor go together');
  if (urls.length !== addresses.length)
    throw new UsageError(`--rpc-url is given ${times(urls.length)} and --distributor ${times(addresses.length)}: give one --distributor per --rpc-url, the Nth with the Nth`);
  for (const [flag, values] of [['--from-block', froms], ['--to-block', tos]] as const)
    if (values.length !== 0 && values.length !== urls.length)
      throw new UsageError(`${flag} is given ${times(values.length)} for ${urls.length} --rpc-url: give it once per --rpc-url, in the same order, or not at all`);
  const many = urls.length > 1;
  return urls.map((rpcUrl, i) => {
    if (urls.indexOf(rpcUrl) !== i) throw new UsageError(`--rpc-url ${rpcUrl} is given twice: give one --rpc-url per chain`);
    const distributor = addresses[i]!;
    const address = Address.decode(distributor);
    if (address._tag === 'Left') throw new UsageError(`--distributor ${distributor} ${address.left[0]?.message ?? 'is not an address'}`);
    const fromBlock = froms[i];
    const toBlock = tos[i];
    if (toBlock !== undefined && toBlock < (fromBlock ?? 0))
      throw new UsageError(`--to-block ${toBlock} is before --from-block ${fromBlock}${many ? ` (for --rpc-url ${rpcUrl})` : ''}`);
    return { rpcUrl, distributor: address.right, ...(fromBlock === undefined ? {} : { fromBlock }), ...(toBlock === undefined ? {} : { toBlock }) };
  });
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

const onChainSummary = (r: AuditReport): string => {
  const byChain = r.counts.onChainByChain ?? [];
  if (r.counts.onChain === undefined) return '';
  if (byChain.length <= 1) return `; on-chain: ${r.counts.onChain.rootsAccepted} root(s) accepted, ${r.counts.onChain.claims} claim(s)`;
  return `; on-chain: ${byChain.map((c) => `chain ${c.chainId}: ${c.rootsAccepted} root(s) accepted, ${c.claims} claim(s)`).join('; ')}`;
};

const summaryLines = (r: AuditReport, files: { json: string; html: string }): string[] => [
  ...(r.verdict === 'clean' ? [] : [r.headline]),
  `${r.verdict === 'clean' ? 'clean' : `${r.counts.findings} finding(s)`}: ${r.counts.events} events, ${r.counts.epochs} epochs, ${r.counts.distributions} distributions in ${r.seconds.toFixed(1)} s` +
    `${r.chain.verified ? '; hash chain verified' : `; hash chain broken first at position ${r.chain.firstBreak?.position ?? '?'}`}` +
    onChainSummary(r),
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
    const chains = chainSources(options);
    const fromSnapshot = options['from-snapshot'];
    if (fromSnapshot !== undefined && chains.length > 0)
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
        ...(chains.length > 0 ? { chains } : {}),
        ...(fromSnapshot === undefined ? {} : { fromSnapshot }),
        ...(progress ? { progress } : {}),
      });
    } catch (error) {
      if (error instanceof ChainAccessError) return cannotRun(io, error.message);
      if (error instanceof AuditSourceError) throw new UsageError(error.message);
      throw error;
    }
    const files = await writeAuditFiles(options.out, report);
    io.stdout(summaryLines(report, files).join('\n'));
    return report.verdict === 'clean' ? 0 : 1;
  },
};
