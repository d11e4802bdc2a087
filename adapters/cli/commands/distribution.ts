/**
 * `cxt distribution create|publish|revoke`: the admin API's distribution actions from a shell, on
 * the service's store and chain. publish proposes the latest distribution (or accepts it after its
 * timelock); --allow-claim-replay proposes it where claims the ledger recorded are unknown to the
 * contract (they could be paid again: an operator's decision). revoke withdraws a created one.
 */
import type { DistributionActionResult } from '../../http/ports.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { onOff, parseFlags, text, whole } from '../flags.ts';
import { chainOfId, latestLiveOn } from '../../../domain/index.ts';
import { refused, withCore } from '../operator/withCore.ts';

const report = (io: CliIo, r: DistributionActionResult): number => {
  if (r.status === 'refused') return refused(io, r.refusal);
  if (r.status === 'underfunded') {
    for (const s of r.shortfalls) io.stderr(`  token ${s.token}: needs ${s.needed} base units, holds ${s.held}`);
    return refused(io, r.refusal);
  }
  const d = r.distribution as { seq: number; status: string; root: string; throughEpoch: number };
  const what = r.action === undefined ? r.status : r.action;
  io.stdout(`distribution ${d.seq} (through epoch ${d.throughEpoch}, root ${d.root}): ${what}, now ${d.status}${r.detail ? ` — ${r.detail}` : ''}`);
  return 0;
};

const DIR = { 'data-dir': text('DIR') };

export const distributionCreateCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, DIR);
    return withCore(flags['data-dir'], process.env, async ({ distribution }) => report(io, await distribution.port.create(undefined)));
  },
};

export const distributionPublishCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { ...DIR, seq: whole(1, Number.MAX_SAFE_INTEGER), 'allow-claim-replay': onOff(), 'chain-id': whole(1, Number.MAX_SAFE_INTEGER) });
    const chainId = flags['chain-id'];
    return withCore(flags['data-dir'], process.env, async ({ distribution, ledger }) => {
      await ledger.catchUp();
      // The latest live tree on that chain (issue 15: a payout chain's goes its own way).
      const seq = flags.seq ?? latestLiveOn(ledger.state, chainOfId(ledger.state, chainId))?.seq;
      if (seq === undefined) return refused(io, { code: 'NOTHING_TO_DISTRIBUTE', message: 'there is no distribution to publish' });
      return report(io, await distribution.port.publish(seq, { allowClaimReplay: flags['allow-claim-replay'] === true, ...(chainId === undefined ? {} : { chainId }) }));
    });
  },
};

export const distributionRevokeCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { ...DIR, seq: whole(1, Number.MAX_SAFE_INTEGER), reason: text('TEXT') });
    if (flags.seq === undefined) throw new UsageError('--seq N is required');
    const seq = flags.seq;
    return withCore(flags['data-dir'], process.env, async ({ distribution }) => report(io, await distribution.port.revoke(seq, flags.reason)));
  },
};

/** `cxt claims rescan --from-block N`: the claim indexer reads again from block N (after the chain moved under it). */
export const claimsRescanCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { ...DIR, 'from-block': whole(0, Number.MAX_SAFE_INTEGER), 'chain-id': whole(1, Number.MAX_SAFE_INTEGER) });
    if (flags['from-block'] === undefined) throw new UsageError('--from-block N is required');
    const fromBlock = flags['from-block'];
    return withCore(flags['data-dir'], process.env, async ({ distribution }) => {
      const r = await distribution.port.rescanClaims(fromBlock, flags['chain-id']);
      if ('refusal' in r) {
        io.stderr(`refused (${r.refusal.code}): ${r.refusal.message}`);
        return 1;
      }
      io.stdout(`the claim indexer reads from block ${r.fromBlock} at its next step; claims already recorded stay recorded once`);
      return 0;
    });
  },
};
