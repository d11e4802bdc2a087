/**
 * Sealing cost of one envelope: RFC 8785 JSON plus two keccak256, with the wasm kernel the hash
 * chain uses, beside the same computation with @noble/hashes (what it used before).
 */
import { performance } from 'node:perf_hooks';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { hashEnvelope, jcs, type UnhashedEnvelope } from '../../domain/index.ts';
import type { BenchContext } from './run.ts';

const envelope = (i: number): UnhashedEnvelope => ({
  id: `contribution:c${i}`,
  type: 'ContributionRecorded',
  stream: `node-n${i % 1000}`,
  streamVersion: 1 + (i % 50),
  recordedAt: '2026-01-01T00:00:00.000Z',
  data: { contributionId: `c${i}`, nodeId: `n${i % 1000}`, epoch: 3, kind: 'compute', units: 55, proofHash: `0x${'1'.repeat(64)}` },
  prevHash: `0x${(i % 16).toString(16).repeat(64)}`,
});

const nobleSeal = (e: UnhashedEnvelope): Uint8Array => {
  const { id, type, stream, streamVersion, recordedAt, data, prevHash } = e;
  const body = keccak_256(utf8ToBytes(jcs({ id, type, stream, streamVersion, recordedAt, data, prevHash })));
  return keccak_256(concatBytes(hexToBytes(prevHash.slice(2)), body));
};

const perEnvelopeMicros = (n: number, f: (e: UnhashedEnvelope) => unknown): number => {
  const envelopes = Array.from({ length: n }, (_, i) => envelope(i));
  const t = performance.now();
  for (const e of envelopes) f(e);
  return ((performance.now() - t) * 1000) / n;
};

export default async function hashChainBench(ctx: BenchContext): Promise<string> {
  const n = ctx.quick ? 10_000 : 200_000;
  perEnvelopeMicros(2_000, hashEnvelope); // warm up both paths
  perEnvelopeMicros(2_000, nobleSeal);
  const ours = perEnvelopeMicros(n, hashEnvelope);
  const noble = perEnvelopeMicros(n, nobleSeal);
  return [
    '## Sealing an envelope into the hash chain',
    '',
    `Command: \`npm run bench -- hashChain\`. ${n.toLocaleString('en')} ContributionRecorded envelopes, one thread.`,
    '',
    '| keccak implementation | µs per envelope | envelopes/s |',
    '|---|---:|---:|',
    `| wasm kernel (domain/merkle, used by the chain) | ${ours.toFixed(1)} | ${Math.round(1e6 / ours).toLocaleString('en')} |`,
    `| @noble/hashes | ${noble.toFixed(1)} | ${Math.round(1e6 / noble).toLocaleString('en')} |`,
  ].join('\n');
}
