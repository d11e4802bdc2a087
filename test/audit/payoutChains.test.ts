/**
 * Issue 15's acceptance for the audit: `cxt audit` with one --rpc-url per chain checks every
 * chain's roots, anchors and claims. The log pays on two in-process EVMs (payoutChainWorld.ts);
 * each chain is audited against its own trees and claims, clean alone and together, and each
 * tampering on chain B is found there — named with chain 97 — while chain A stays clean.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditReport, type ChainSource, type ClassifiedFinding } from '../../adapters/audit/index.ts';
import { startLocalChain } from '../../adapters/chain/index.ts';
import { setUpDistributor } from '../chain/fixture.ts';
import { CHAIN_B, buildTwoChainWorld, type TwoChainWorld } from './payoutChainWorld.ts';
import { edited, envelopeAt, indexOfType, readLog, resealedFrom, withData, writeLog } from './tamper.ts';
import { cxt } from './world.ts';

const CHAIN_A = 31337;
let w: TwoChainWorld;
let lines: string[];
let runs = 0;

beforeAll(async () => {
  w = await buildTwoChainWorld();
  lines = readLog(w.eventsPath);
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const sourceA = (): ChainSource => ({ rpcUrl: w.rpcA.url, distributor: w.fA.distributor.address, fromBlock: w.deployBlockA });
const sourceB = (): ChainSource => ({ rpcUrl: w.rpcB.url, distributor: w.fB.distributor.address });
const pairA = () => ['--rpc-url', w.rpcA.url, '--distributor', w.fA.distributor.address];
const pairB = () => ['--rpc-url', w.rpcB.url, '--distributor', w.fB.distributor.address];

/** A log (a path, or lines written to a fresh file) as a path. */
const fileOf = (log: string | readonly string[]): string => {
  if (typeof log === 'string') return log;
  const path = join(w.dir, `tampered-${++runs}.jsonl`);
  writeLog(path, log);
  return path;
};

/** `cxt audit` on `log` with `extra` flags; the exit code, what it printed and audit.json. */
const auditCli = async (log: string | readonly string[], ...extra: string[]): Promise<{ code: number; out: string; err: string; report: AuditReport; html: string }> => {
  const out = join(w.dir, `audit-${++runs}`);
  const result = await cxt('audit', '--events', fileOf(log), '--out', out, ...extra);
  if (result.code === 2) return { ...result, report: undefined as never, html: '' };
  return { ...result, report: JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditReport, html: readFileSync(join(out, 'audit.html'), 'utf8') };
};

const bothChains = (log: string | readonly string[]) => runAudit({ eventsPath: fileOf(log), chains: [sourceA(), sourceB()] });
const onChain = (r: AuditReport, chainId: number): readonly ClassifiedFinding[] => r.findings.filter((f) => f.chainId === chainId);
/** The last RewardsClaimed recorded for chain B: the last event of the log. */
const lastClaimOnB = (): number => {
  const i = lines.length - 1;
  expect(envelopeAt(lines, i)).toMatchObject({ type: 'RewardsClaimed', data: { chainId: CHAIN_B } });
  return i;
};

describe('a log paid on two chains, audited with one --rpc-url per chain', () => {
  it('holds a tree per chain in each distribution, claims recorded on both chains', () => {
    const created = lines.map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === 'DistributionCreated');
    expect(created.map((e) => (e.data.chains as { chainId: number }[]).map((c) => c.chainId))).toEqual([[CHAIN_B], [CHAIN_B]]);
    const claims = lines.map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === 'RewardsClaimed');
    expect(claims.map((e) => e.data.chainId ?? CHAIN_A).sort()).toEqual([CHAIN_A, CHAIN_A, CHAIN_B, CHAIN_B].sort());
  });

  it('audits clean through runAudit: each chain’s roots, data hashes, publications and claims against its own trees', async () => {
    const report = await bothChains(w.eventsPath);
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('clean');
    expect(report.headline).toBe('clean: the log re-derives and the chains agree with it');
    expect(report.source.chains?.map((c) => [c.chainId, c.payoutChain])).toEqual([[CHAIN_A, false], [CHAIN_B, true]]);
    expect(report.source.chain).toMatchObject({ chainId: CHAIN_A, distributor: w.fA.distributor.address.toLowerCase() });
    expect(report.counts.onChainByChain).toEqual([
      { chainId: CHAIN_A, rootsProposed: 1, rootsRevoked: 0, rootsAccepted: 1, claims: 2, claimsNotInLog: 0, claimsUnderNewerRoots: 0 },
      { chainId: CHAIN_B, rootsProposed: 2, rootsRevoked: 0, rootsAccepted: 2, claims: 2, claimsNotInLog: 0, claimsUnderNewerRoots: 0 },
    ]);
    expect(report.counts.onChain).toMatchObject({ rootsProposed: 3, rootsAccepted: 3, claims: 4 });
    // A's second tree waits (its publisher never ran); B's went through and paid a claim.
    expect(report.distributions.map((d) => [d.status, d.onChain?.claims ?? 0])).toEqual([['active', 2], ['created', 0]]);
    expect(report.distributions.map((d) => d.chains?.map((t) => [t.chainId, t.status, t.expectedRoot === t.root, t.onChain?.claims]))).toEqual([
      [[CHAIN_B, 'superseded', true, 1]],
      [[CHAIN_B, 'active', true, 1]],
    ]);
  });

  it('audits clean through the CLI, and the report shows each chain', async () => {
    const { code, out, report, html } = await auditCli(w.eventsPath, ...pairA(), '--from-block', String(w.deployBlockA), ...pairB(), '--from-block', '0');
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(out).toContain(`on-chain: chain ${CHAIN_A}: 1 root(s) accepted, 2 claim(s); chain ${CHAIN_B}: 2 root(s) accepted, 2 claim(s)`);
    expect(report.source.chains?.map((c) => [c.chainId, c.fromBlock])).toEqual([[CHAIN_A, w.deployBlockA], [CHAIN_B, 0]]);
    expect(html).toContain(`chain ${CHAIN_B}: roots proposed / revoked / accepted`);
    expect(html).toContain('data-table="chain-trees"');
  });

  it('each chain alone is clean too: claims recorded on the other chain are never matched against it', async () => {
    for (const source of [sourceA(), sourceB()]) {
      const report = await runAudit({ eventsPath: w.eventsPath, chain: source });
      expect(report.findings).toEqual([]);
      expect(report.counts.onChainByChain).toHaveLength(1);
    }
  });
});

describe('tampering on chain B is found on chain 97, chain A stays clean', () => {
  it('a root the updater proposed on B that no distribution has', async () => {
    const rewind = await w.fB.chain.snapshot();
    try {
      const bogus = `0x${'ab'.repeat(32)}`;
      await w.fB.distributor.proposeRoot(bogus, envelopeAt(lines, indexOfType(lines, 'DistributionCreated', 1)).data.logHead as string);
      const block = await w.fB.chain.provider.getBlockNumber();
      // Proposed after the last block the log refers to on B: newer than the export, named with its chain.
      const ahead = await bothChains(w.eventsPath);
      expect(ahead.findings).toEqual([expect.objectContaining({ kind: 'onchain-ahead', chainId: CHAIN_B, found: bogus, block })]);
      expect(ahead.findings[0]!.message).toMatch(/^chain 97: /);
      expect(ahead.headline).toBe(`the log re-derives; the chains have 1 root newer than this export (re-export, or audit with --to-block ${block - 1} for chain ${CHAIN_B})`);
      expect(ahead.source.chains?.find((c) => c.chainId === CHAIN_B)?.ahead).toMatchObject({ roots: 1, firstBlock: block });
      // The remedy the headline names: one --to-block per --rpc-url, B's before the bogus root.
      const headA = await w.fA.chain.provider.getBlockNumber();
      const cut = await auditCli(w.eventsPath, ...pairA(), '--to-block', String(headA), ...pairB(), '--to-block', String(block - 1));
      expect(cut.report.findings).toEqual([]);
      expect(cut.code).toBe(0);
      expect(cut.report.source.chains?.map((c) => [c.chainId, c.toBlock])).toEqual([[CHAIN_A, headA], [CHAIN_B, block - 1]]);
      // When the log refers to a later block on B, the same root is a disagreement there.
      const last = lastClaimOnB();
      const { code, report } = await auditCli(resealedFrom(edited(lines, last, withData({ blockNumber: block + 5 })), last), ...pairA(), ...pairB());
      expect(code).toBe(1);
      expect(report.findings).toEqual([expect.objectContaining({ kind: 'onchain-root', class: 'chain-mismatch', chainId: CHAIN_B, found: bogus, block })]);
      expect(onChain(report, CHAIN_A)).toEqual([]);
    } finally {
      await rewind();
    }
  });

  it('a claim recorded for B that B’s logs do not show', async () => {
    const last = lastClaimOnB();
    const forged = `0x${'5'.repeat(64)}`;
    const { code, report } = await auditCli(resealedFrom(edited(lines, last, withData({ txHash: forged })), last), ...pairA(), ...pairB());
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'onchain-claim-record', chainId: CHAIN_B, position: last + 1, found: `${forged}:${envelopeAt(lines, last).data.logIndex}` })]);
    expect(report.findings[0]!.message).toContain('chain 97: RewardsClaimed');
    // B's real claim is now one the log has not recorded; A's counts are untouched.
    expect(report.counts.onChainByChain?.map((c) => [c.chainId, c.claimsNotInLog])).toEqual([[CHAIN_A, 0], [CHAIN_B, 1]]);
  });

  it('a chain tree root changed in the log: the re-derivation and chain B both name chain 97', async () => {
    const i = indexOfType(lines, 'DistributionCreated', 0);
    const recorded = envelopeAt(lines, i).data.chains as { chainId: number; root: string }[];
    const forged = `0x${'2'.repeat(64)}`;
    const tampered = resealedFrom(edited(lines, i, withData({ chains: [{ ...recorded[0], root: forged }] })), i);
    const report = await bothChains(tampered);
    expect(report.findings.filter((f) => f.kind === 'distribution-mismatch')).toEqual([
      expect.objectContaining({ position: i + 1, field: 'chains[0].root', chainId: CHAIN_B, expected: recorded[0]!.root, found: forged }),
    ]);
    // B's proposal and acceptance carry the honest root: it re-derives as distribution 1's tree there.
    expect(report.findings.filter((f) => f.kind === 'onchain-root')).toEqual([
      expect.objectContaining({ chainId: CHAIN_B, position: i + 1, expected: recorded[0]!.root, found: forged }),
      expect.objectContaining({ chainId: CHAIN_B, position: i + 1, expected: recorded[0]!.root, found: forged }),
    ]);
    expect(report.distributions[0]!.chains![0]).toMatchObject({ root: forged, expectedRoot: recorded[0]!.root });
    expect(onChain(report, CHAIN_A)).toEqual([]);
    expect(report.outcome).toBe('log-does-not-rederive');
  });
});

describe('usage', () => {
  it('pairs that do not match, and two URLs of one chain, are usage errors naming the flag (exit 2)', async () => {
    const mismatched = await auditCli(w.eventsPath, ...pairA(), '--rpc-url', w.rpcB.url);
    expect(mismatched).toMatchObject({ code: 2, err: expect.stringContaining('--rpc-url is given 2 times and --distributor once: give one --distributor per --rpc-url') });
    const oneFromBlock = await auditCli(w.eventsPath, ...pairA(), ...pairB(), '--from-block', '3');
    expect(oneFromBlock).toMatchObject({ code: 2, err: expect.stringContaining('--from-block is given once for 2 --rpc-url: give it once per --rpc-url') });
    const second = await w.fA.chain.serve();
    try {
      const twice = await auditCli(w.eventsPath, ...pairA(), '--rpc-url', second.url, '--distributor', w.fA.distributor.address);
      expect(twice).toMatchObject({ code: 2, err: expect.stringContaining(`are both chain ${CHAIN_A}: give one --rpc-url per chain`) });
    } finally {
      await second.close();
    }
  });

  it('two chains the log did not configure as payout chains cannot both be its primary chain (exit 2)', async () => {
    const stray = await setUpDistributor(await startLocalChain({ chainId: 56 }));
    const rpc = await stray.chain.serve();
    try {
      const both = await auditCli(w.eventsPath, ...pairA(), '--rpc-url', rpc.url, '--distributor', stray.distributor.address);
      expect(both).toMatchObject({ code: 2, err: expect.stringContaining('are not payout chains of the log (no ChainConfigured), and only one of them can be its primary chain') });
      expect(both.err).toContain(`chains ${CHAIN_A} (${w.rpcA.url}) and 56 (${rpc.url})`);
    } finally {
      await rpc.close();
    }
  });
});
