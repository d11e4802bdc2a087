/**
 * audit.html: the verdict and the counts first, then the supply over the epochs (minted, burned and
 * circulating = minted − burned, from the audit's own replay), the per-epoch and per-distribution
 * tables and every finding. Built with the shared report kit (adapters/report): one self-contained
 * page, no script, opens offline.
 */
import { formatUnits, shortAddress } from '../../domain/index.ts';
import { escapeHtml, lineChart, page, paragraph, raw, section, table, type Cell, type Html } from '../report/index.ts';
import type { AuditReport } from './audit.ts';
import type { DistributionRow, EpochRow, OnChainDistribution, TokenAmount } from './rows.ts';

const cxtNumber = (wei: string): number => Number(formatUnits(BigInt(wei)));
const amount = (wei: string): Cell => ({ text: formatUnits(BigInt(wei)), numeric: true });
const count = (n: number): Cell => ({ text: n.toLocaleString('en-US'), numeric: true });
const short = (hash: string): string => `${hash.slice(0, 10)}…${hash.slice(-6)}`;
/** Full 32-byte hashes make the findings table unreadable; audit.json keeps them whole. */
const compact = (value: string | undefined): string => (value === undefined ? '' : value.replace(/0x[0-9a-f]{64}/g, short));
/** Base units: a revenue asset's decimals are not known here, and base units are exact for any token. */
const tokens = (list: readonly TokenAmount[]): string => list.map((t) => `${shortAddress(t.token)}: ${t.amountWei}`).join('; ');
const tone = (findings: number): Cell => ({ text: findings === 0 ? 'ok' : String(findings), tone: findings === 0 ? 'ok' : 'bad', numeric: true });

/** Green when clean, amber when the chain is only ahead of the export, red otherwise. */
const verdictBanner = (r: AuditReport): Html => {
  const clean = r.verdict === 'clean';
  const text = clean
    ? `Clean: ${r.counts.events.toLocaleString('en-US')} events re-derived, the hash chain verifies end to end, every close and distribution matches.`
    : `${r.headline.charAt(0).toUpperCase()}${r.headline.slice(1)}.`;
  const [colour, mark] = clean ? ['#176f2c', '✔'] : r.outcome === 'chain-ahead' ? ['#8a5a00', '⚠'] : ['#b3261e', '✘'];
  return raw(
    `<p data-verdict="${r.verdict}" data-outcome="${r.outcome}" style="font-size:18px;font-weight:600;color:${colour};margin:8px 0 16px">${mark} ${escapeHtml(text)}</p>`,
  );
};

const countsTable = (r: AuditReport): Html => {
  const c = r.counts;
  const rows: [string, Cell | string][] = [
    ['lines read', count(c.lines)],
    ['events', count(c.events)],
    ['unreadable lines', count(c.unreadableLines)],
    ['epochs closed', count(c.epochs)],
    ['distributions', count(c.distributions)],
    ['findings', tone(c.findings)],
    ['hash chain', { text: r.chain.verified ? `verified through position ${r.chain.lastPosition}` : `${r.chain.breaks} break(s), first at position ${r.chain.firstBreak?.position ?? '?'}`, tone: r.chain.verified ? 'ok' : 'bad' }],
    ['log head hash', r.chain.headHash],
    ['minted (CXT)', amount(r.supply.mintedWei)],
    ['burned (CXT)', amount(r.supply.burnedWei)],
    ['circulating = minted − burned (CXT)', amount(r.supply.circulatingWei)],
    ['staked (CXT)', amount(r.supply.stakedWei)],
  ];
  if (r.supply.maxSupplyWei) rows.push(['max supply (CXT)', amount(r.supply.maxSupplyWei)]);
  rows.push(...chainRows(r));
  return table({ id: 'counts', columns: ['measure', 'value'], rows });
};

/** Each audited distributor's counts; with several chains each measure is labelled with its chain. */
const chainRows = (r: AuditReport): [string, string][] => {
  const chains = r.source.chains ?? (r.source.chain ? [r.source.chain] : []);
  const many = chains.length > 1;
  const label = (chainId: number, measure: string): string => (many ? `chain ${chainId}: ${measure}` : measure);
  return chains.flatMap((chain): [string, string][] => {
    const onChain = r.counts.onChainByChain?.find((c) => c.chainId === chain.chainId) ?? (many ? undefined : r.counts.onChain);
    const ahead = chain.ahead ?? (many ? undefined : r.chainAhead);
    if (!onChain) return [];
    return [
      [label(chain.chainId, 'distributor'), `${chain.distributor} on chain ${chain.chainId}${chain.payoutChain ? ' (a payout chain of the log)' : ''}, blocks ${chain.fromBlock}–${chain.toBlock}${chain.toBlock < chain.headBlock ? ` (of ${chain.headBlock}: --to-block)` : ''}`],
      [label(chain.chainId, 'roots proposed / revoked / accepted'), `${onChain.rootsProposed} / ${onChain.rootsRevoked} / ${onChain.rootsAccepted}`],
      [label(chain.chainId, 'claims on-chain (not yet in the log)'), `${onChain.claims} (${onChain.claimsNotInLog})`],
      ...(ahead
        ? [[label(chain.chainId, 'roots newer than the export'), `${ahead.roots}, from block ${ahead.firstBlock} (the log refers to blocks up to ${ahead.logLastBlock}); ${onChain.claimsUnderNewerRoots} claim(s) under them`] as [string, string]]
        : []),
    ];
  });
};

const findingsByKind = (r: AuditReport): Html | string =>
  r.counts.findings === 0
    ? ''
    : table({ id: 'findings-by-kind', caption: 'Findings by kind', columns: ['kind', 'count'], rows: Object.entries(r.counts.findingsByKind).map(([k, n]) => [k, count(n ?? 0)]) });

const supplyChart = (epochs: readonly EpochRow[]): Html => {
  if (epochs.length === 0) return paragraph('No epoch has closed in this log, so there is no supply to chart.');
  const series = (name: string, pick: (e: EpochRow) => string) => ({ name, points: epochs.map((e) => ({ x: e.epoch, y: cxtNumber(pick(e)) })) });
  return lineChart({
    id: 'supply',
    title: 'Supply after each close (CXT)',
    note: 'From the audit’s own replay of the log. Circulating = minted − burned.',
    xLabel: 'epoch',
    yLabel: 'CXT',
    width: 760,
    height: 320,
    // Circulating often equals minted (nothing burned yet): dashed, so both stay visible.
    series: [series('minted', (e) => e.totalMintedWei), series('burned', (e) => e.totalBurnedWei), { ...series('circulating', (e) => e.circulatingWei), dash: '6 3' }],
  });
};

const epochTable = (epochs: readonly EpochRow[]): Html =>
  table({
    id: 'epochs',
    caption: 'Amounts in CXT, exact to the base unit; totals are after the close.',
    columns: ['epoch', 'position', 'budget', 'minted (log)', 'minted (re-derived)', 'recipients', 'allocationsHash', 'total minted', 'total burned', 'circulating', 'staked', 'check'],
    rows: epochs.map((e) => [
      count(e.epoch),
      count(e.position),
      amount(e.budgetWei),
      amount(e.mintedWei),
      { text: formatUnits(BigInt(e.expectedMintedWei)), numeric: true, ...(e.expectedMintedWei === e.mintedWei ? {} : { tone: 'bad' as const }) },
      count(e.recipients),
      { text: short(e.allocationsHash), ...(e.allocationsHash === e.expectedAllocationsHash ? {} : { tone: 'bad' as const }) },
      amount(e.totalMintedWei),
      amount(e.totalBurnedWei),
      amount(e.circulatingWei),
      amount(e.stakedWei),
      tone(e.findings),
    ]),
  });

const onChainText = (onChain: OnChainDistribution | undefined): string => {
  if (!onChain) return '—';
  const parts = [
    onChain.proposed ? `proposed in block ${onChain.proposed.block}` : 'not proposed',
    onChain.accepted ? `accepted in block ${onChain.accepted.block}` : 'not accepted',
    `${onChain.claims} claim(s)${onChain.claims > 0 ? `: ${tokens(onChain.claimedWei)}` : ''}`,
  ];
  return parts.join(', ');
};

const rootCell = (root: string, expectedRoot: string | undefined): Cell => ({ text: short(root), ...(expectedRoot === undefined || expectedRoot === root ? {} : { tone: 'bad' as const }) });

/** Each distribution's tree on each payout chain (issue 15), beside the primary chain's table. */
const chainTreeTable = (distributions: readonly DistributionRow[]): Html | string => {
  const trees = distributions.flatMap((d) => (d.chains ?? []).map((t) => ({ seq: d.seq, t })));
  if (trees.length === 0) return '';
  return table({
    id: 'chain-trees',
    caption: 'Each distribution’s tree on each payout chain: tokens at their addresses there, cumulative totals and claims in base units.',
    columns: ['seq', 'chain', 'root', 'leaves', 'cumulative totals', 'status there', 'on-chain', 'check'],
    rows: trees.map(({ seq, t }) => [
      count(seq),
      String(t.chainId),
      rootCell(t.root, t.expectedRoot),
      count(t.leafCount),
      tokens(t.totals),
      t.status,
      t.audited ? onChainText(t.onChain) : 'not audited (no --rpc-url for this chain)',
      tone(t.findings),
    ]),
  });
};

const distributionTable = (distributions: readonly DistributionRow[]): Html =>
  distributions.length === 0
    ? paragraph('No distribution was created in this log.')
    : table({
        id: 'distributions',
        caption: 'Cumulative totals and claims per token, in base units.',
        columns: ['seq', 'position', 'through epoch', 'root', 'leaves', 'cumulative totals', 'status', 'on-chain', 'check'],
        rows: distributions.map((d) => [
          count(d.seq),
          count(d.position),
          count(d.throughEpoch),
          rootCell(d.root, d.expectedRoot),
          count(d.leafCount),
          tokens(d.totals),
          d.status,
          onChainText(d.onChain),
          tone(d.findings),
        ]),
      });

const findingsTable = (r: AuditReport): Html => {
  if (r.findings.length === 0) return paragraph('None.');
  const rows = r.findings.map((f): (Cell | string)[] => [
    f.position === undefined ? '—' : count(f.position),
    f.line === undefined ? (f.block === undefined ? '—' : `block ${f.block}`) : count(f.line),
    f.kind,
    f.field ?? '',
    compact(f.expected),
    compact(f.found),
    compact(f.message),
  ]);
  const suppressed = r.suppressedFindings.map((s) => `${s.count} more ${s.kind}${s.field ? ` (${s.field})` : ''} finding(s)${s.firstPosition === undefined ? '' : ` at positions ${s.firstPosition}–${s.lastPosition}`}`);
  return raw(
    [
      table({ id: 'findings', caption: 'Amounts in base units (10⁻¹⁸ CXT), as in audit.json; hashes shortened here, whole in audit.json.', columns: ['position', 'line', 'kind', 'field', 'expected', 'found', 'what'], rows }).html,
      ...suppressed.map((s) => paragraph(`Not listed: ${s}.`).html),
    ].join('\n'),
  );
};

const checkedAgainst = (r: AuditReport): string => {
  const chains = r.source.chains ?? (r.source.chain ? [r.source.chain] : []);
  if (chains.length === 0) return '';
  if (chains.length === 1) return `, checked against ${chains[0]!.distributor} at ${chains[0]!.rpcUrl}`;
  return `, checked against ${chains.map((c) => `${c.distributor} on chain ${c.chainId} at ${c.rpcUrl}`).join(' and ')}`;
};

export const auditHtml = (r: AuditReport): string =>
  page({
    title: `Corex log audit: ${r.verdict === 'clean' ? 'clean' : 'findings'}`,
    lead: `${r.source.events} (${r.source.bytes.toLocaleString('en-US')} bytes)${checkedAgainst(r)}; replayed through the domain rules in ${r.seconds.toFixed(1)} s.`,
    body: [
      verdictBanner(r),
      countsTable(r),
      findingsByKind(r),
      section('Supply', supplyChart(r.epochs)),
      section('Epochs', epochTable(r.epochs)),
      section('Distributions', distributionTable(r.distributions), chainTreeTable(r.distributions)),
      section('Findings', findingsTable(r)),
      section('How to read this', ...r.notes.map(paragraph)),
    ],
  });
