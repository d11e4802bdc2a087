/**
 * EIP-712 signer recovery per signature, the three candidates side by side on the same signed
 * digests: ethers 6 (`recoverAddress`, pure JS on @noble/curves 1.2), @noble/curves 2 directly,
 * and libsecp256k1 through the `secp256k1` npm binding (what the service uses when it loads,
 * adapters/http/recoverAddress.mjs). Every candidate must recover the same addresses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import { TypedDataEncoder, Wallet, getBytes, id, keccak256, recoverAddress } from 'ethers';
import { CONTRIBUTION_TYPES, contributionDigest, contributionValue, eip712Domain } from '../../adapters/http/eip712.ts';
import { recoverSignerAddress, recoveryBackend } from '../../adapters/http/recoverAddress.mjs';
import type { BenchContext } from './run.ts';

const addressOf = (uncompressed: Uint8Array): string => `0x${keccak256(uncompressed.subarray(1)).slice(-40)}`;

const nobleRecover = (digest: string, signature: string): string => {
  const bytes = getBytes(signature);
  const recovered = new Uint8Array(65);
  recovered[0] = bytes[64]! - 27;
  recovered.set(bytes.subarray(0, 64), 1);
  const publicKey = noble.recoverPublicKey(recovered, getBytes(digest), { prehash: false });
  return addressOf(noble.Point.fromBytes(publicKey).toBytes(false));
};

/** A package's version from its package.json on disk (some packages do not export that subpath). */
const versionOf = (name: string): string => {
  const entry = createRequire(import.meta.url).resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length);
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
};

const candidates: ReadonlyArray<readonly [string, (digest: string, signature: string) => string]> = [
  ['ethers 6.x `recoverAddress`', (d, s) => recoverAddress(d, s).toLowerCase()],
  [`@noble/curves ${versionOf('@noble/curves')} \`recoverPublicKey\``, nobleRecover],
  [`libsecp256k1 (\`secp256k1\` ${versionOf('secp256k1')}, node-gyp)`, recoverSignerAddress],
];

export default async ({ quick, log }: BenchContext): Promise<string> => {
  if (recoveryBackend !== 'libsecp256k1') throw new Error('the secp256k1 binding did not load: the native row would measure ethers');
  const count = quick ? 200 : 5000;
  log(`  signing ${count} digests…`);
  const signers = Array.from({ length: 16 }, (_, i) => new Wallet(id(`sig-bench-${i}`)));
  const items = Array.from({ length: count }, (_, i) => {
    const digest = id(`digest-${i}`);
    return { digest, signature: signers[i % signers.length]!.signingKey.sign(digest).serialized, signer: signers[i % signers.length]!.address.toLowerCase() };
  });
  const rows: string[] = [];
  let baseline: number | undefined;
  for (const [name, recover] of candidates) {
    log(`  ${name}…`);
    for (const item of items.slice(0, 50)) recover(item.digest, item.signature); // warm-up
    const started = performance.now();
    for (const item of items) if (recover(item.digest, item.signature) !== item.signer) throw new Error(`${name} recovered a wrong signer`);
    const microseconds = ((performance.now() - started) * 1000) / count;
    baseline ??= microseconds;
    rows.push(`| ${name} | ${microseconds.toFixed(1)} µs | ${Math.round(1e6 / microseconds).toLocaleString('en-US')}/s | ${(baseline / microseconds).toFixed(1)}× |`);
  }
  // The digest each signature is over: ours (struct hashes written out) against ethers' general encoder.
  const messages = Array.from({ length: count }, (_, i) => ({ contributionId: `c-${i}`, nodeId: `node-${i % 64}`, epoch: 2, kind: 'compute' as const, units: 100 + i, proofHash: id(`p-${i}`) }));
  const digestRows = (
    [
      ['ethers `TypedDataEncoder.hash`', (m: (typeof messages)[number]) => TypedDataEncoder.hash(eip712Domain(31337), CONTRIBUTION_TYPES, contributionValue(m))],
      ['ours (`contributionDigest`)', (m: (typeof messages)[number]) => contributionDigest(31337, m)],
    ] as const
  ).map(([name, digest]) => {
    const started = performance.now();
    for (const m of messages) digest(m);
    return `| ${name} | ${(((performance.now() - started) * 1000) / count).toFixed(1)} µs |`;
  });
  return [
    '## EIP-712 digest of a contribution',
    '',
    '| implementation | per digest |',
    '|---|---:|',
    ...digestRows,
    '',
    '## Signer recovery (EIP-712, secp256k1)',
    '',
    `${count.toLocaleString('en-US')} signatures over distinct digests, one core, each recovered signer checked.`,
    '',
    '| implementation | per signature | per core | vs ethers |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
};
