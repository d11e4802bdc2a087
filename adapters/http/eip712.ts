/**
 * The EIP-712 typed data a node signs for a contribution and a verifier signs for a verdict
 * (docs/service.md documents both structs byte for byte). Signing binds every field: a body
 * replayed with any field changed recovers a different address and is refused.
 *
 * Domain: { name: "Corex Settlement", version: "1", chainId } — no verifyingContract, because a
 * contribution is an off-chain record, not a call to a contract; chainId keeps signatures of one
 * deployment (mainnet, testnet, the local chain) from being replayed on another.
 *
 * The digest is computed here (a few µs: struct hashes written out, domain separators cached);
 * recovering the signer from it is the expensive part and runs in worker threads (signatureRecovery.ts).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { Signature, TypedDataEncoder, getBytes, keccak256, toUtf8Bytes, type Signer, type TypedDataDomain, type TypedDataField } from 'ethers';
import { writeHash32 } from '../../domain/merkle/hex.ts';
import { keccak256Bytes } from '../../domain/merkle/keccakSponge.ts';
import type * as t from 'io-ts';
import { recoverSignerAddress } from './recoverAddress.mjs';
import type { ContributionMessage, VerdictMessage } from './requestCodecs.ts';

export const EIP712_DOMAIN_NAME = 'Corex Settlement';
export const EIP712_DOMAIN_VERSION = '1';

export const eip712Domain = (chainId: number): TypedDataDomain => ({ name: EIP712_DOMAIN_NAME, version: EIP712_DOMAIN_VERSION, chainId });

export const CONTRIBUTION_TYPES: Record<string, TypedDataField[]> = {
  Contribution: [
    { name: 'contributionId', type: 'string' },
    { name: 'nodeId', type: 'string' },
    { name: 'epoch', type: 'uint64' },
    { name: 'kind', type: 'string' },
    { name: 'units', type: 'uint64' },
    { name: 'proofHash', type: 'bytes32' },
    { name: 'taskId', type: 'string' },
    // A task result names its fragment (issue 12); "" for work that answers no task fragment.
    { name: 'fragmentId', type: 'string' },
  ],
};

/**
 * A batch signed once by one signer: EIP-712's array of structs, so a wallet shows every item. Its
 * hashStruct is keccak256(typeHash ‖ keccak256(hashStruct(c₁) ‖ … ‖ hashStruct(cₙ))), and the
 * signature binds every field of every item, in order.
 */
export const CONTRIBUTION_BATCH_TYPES: Record<string, TypedDataField[]> = {
  ContributionBatch: [{ name: 'contributions', type: 'Contribution[]' }],
  Contribution: CONTRIBUTION_TYPES.Contribution!,
};

export const VERDICT_TYPES: Record<string, TypedDataField[]> = {
  Verdict: [
    { name: 'contributionId', type: 'string' },
    { name: 'verdict', type: 'string' },
  ],
};

/**
 * An account choosing the chain its rewards are payable on (issue 15): `chainId` is the EVM chain
 * id of the payout chain (the primary chain's own id to go back to it), `sequence` its changes so
 * far + 1, so a signature counts once and cannot be replayed to switch back later.
 */
export const PAYOUT_CHAIN_TYPES: Record<string, TypedDataField[]> = {
  PayoutChain: [
    { name: 'account', type: 'address' },
    { name: 'chainId', type: 'uint256' },
    { name: 'sequence', type: 'uint64' },
  ],
};

export interface PayoutChainMessage {
  readonly account: string;
  readonly chainId: number;
  readonly sequence: number;
}

export type ContributionMessage = t.TypeOf<typeof ContributionMessage>;
export type VerdictMessage = t.TypeOf<typeof VerdictMessage>;

/** The value that is signed: every field present, taskId and fragmentId "" when the contribution has none. */
export const contributionValue = (c: ContributionMessage): Record<string, unknown> => ({
  contributionId: c.contributionId,
  nodeId: c.nodeId,
  epoch: c.epoch,
  kind: c.kind,
  units: c.units,
  proofHash: c.proofHash,
  taskId: c.taskId ?? '',
  fragmentId: c.fragmentId ?? '',
});

export const verdictValue = (v: VerdictMessage): Record<string, unknown> => ({ contributionId: v.contributionId, verdict: v.verdict });

const domainSeparators = new Map<number, Uint8Array>();

const domainSeparator = (chainId: number): Uint8Array => {
  let s = domainSeparators.get(chainId);
  if (s === undefined) domainSeparators.set(chainId, (s = getBytes(TypedDataEncoder.hashDomain(eip712Domain(chainId)))));
  return s;
};

/**
 * EIP-712 hashStruct of our two flat structs, written out: keccak256(typeHash ‖ one 32-byte word
 * per field), a string as keccak256 of its UTF-8, an integer as a big-endian uint256, bytes32 as
 * is. Ethers' general TypedDataEncoder takes ~130 µs per contribution, a tenth of a batch's time;
 * this takes a few µs, and a property test holds it equal to ethers' for any message.
 */
const utf8 = new TextEncoder();
const typeHashOf = (types: Record<string, TypedDataField[]>): Uint8Array =>
  getBytes(keccak256(toUtf8Bytes(TypedDataEncoder.from(types).encodeType(Object.keys(types)[0]!))));
const CONTRIBUTION_TYPEHASH = typeHashOf(CONTRIBUTION_TYPES);
const CONTRIBUTION_BATCH_TYPEHASH = typeHashOf(CONTRIBUTION_BATCH_TYPES);
const VERDICT_TYPEHASH = typeHashOf(VERDICT_TYPES);
const PAYOUT_CHAIN_TYPEHASH = typeHashOf(PAYOUT_CHAIN_TYPES);

type Word = { readonly string: string } | { readonly uint: number } | { readonly bytes32: string };

const hashStruct = (typeHash: Uint8Array, words: readonly Word[]): Uint8Array => {
  const encoded = new Uint8Array(32 * (words.length + 1));
  encoded.set(typeHash, 0);
  words.forEach((w, i) => {
    const at = 32 * (i + 1);
    if ('string' in w) encoded.set(keccak256Bytes(utf8.encode(w.string)), at);
    else if ('bytes32' in w) {
      // Parsed in place: ethers' getBytes allocated and validated again, for every item of a batch.
      if (!writeHash32(w.bytes32, encoded, at)) throw new TypeError(`${w.bytes32} is not 32 bytes of hex`);
    }
    else {
      // uint64 fields: safe integers, written big-endian into the word's last 8 bytes.
      const view = new DataView(encoded.buffer, at + 24, 8);
      view.setBigUint64(0, BigInt(w.uint));
    }
  });
  return keccak256Bytes(encoded);
};

/** keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(message)): what the signer signs. */
const digestOf = (chainId: number, structHash: Uint8Array): string => {
  const bytes = new Uint8Array(66);
  bytes[0] = 0x19;
  bytes[1] = 0x01;
  bytes.set(domainSeparator(chainId), 2);
  bytes.set(structHash, 34);
  return `0x${bytesToHex(keccak256Bytes(bytes))}`;
};

const contributionStruct = (c: ContributionMessage): Uint8Array =>
  hashStruct(CONTRIBUTION_TYPEHASH, [
    { string: c.contributionId },
    { string: c.nodeId },
    { uint: c.epoch },
    { string: c.kind },
    { uint: c.units },
    { bytes32: c.proofHash },
    { string: c.taskId ?? '' },
    { string: c.fragmentId ?? '' },
  ]);

export const contributionDigest = (chainId: number, c: ContributionMessage): string => digestOf(chainId, contributionStruct(c));

/** The digest of a `ContributionBatch`: one signature, one recovery, for all of its items. */
export const contributionBatchDigest = (chainId: number, contributions: readonly ContributionMessage[]): string => {
  const items = new Uint8Array(32 * contributions.length);
  contributions.forEach((c, i) => items.set(contributionStruct(c), 32 * i));
  const encoded = new Uint8Array(64);
  encoded.set(CONTRIBUTION_BATCH_TYPEHASH, 0);
  encoded.set(keccak256Bytes(items), 32);
  return digestOf(chainId, keccak256Bytes(encoded));
};

export const verdictDigest = (chainId: number, v: VerdictMessage): string =>
  digestOf(chainId, hashStruct(VERDICT_TYPEHASH, [{ string: v.contributionId }, { string: v.verdict }]));

/** An address is encoded as its 20 bytes left-padded to a word. */
const addressWord = (address: string): string => `0x${'0'.repeat(24)}${address.slice(2).toLowerCase()}`;

export const payoutChainDigest = (domainChainId: number, m: PayoutChainMessage): string =>
  digestOf(domainChainId, hashStruct(PAYOUT_CHAIN_TYPEHASH, [{ bytes32: addressWord(m.account) }, { uint: m.chainId }, { uint: m.sequence }]));

export type Recovered = { readonly ok: true; readonly signer: string } | { readonly ok: false; readonly message: string };

/** Why a signature cannot be used at all (malformed, non-canonical), or undefined when it can. */
export const signatureProblem = (signature: string): string | undefined => {
  try {
    Signature.from(signature);
    return undefined;
  } catch (error) {
    return `is not a valid secp256k1 signature (${(error as { shortMessage?: string }).shortMessage ?? 'malformed'})`;
  }
};

/** The signing address, lowercase; synchronous (the worker threads run the same recovery, recoverAddress.mjs). */
export const recoverSigner = (digest: string, signature: string): Recovered => {
  const problem = signatureProblem(signature);
  if (problem) return { ok: false, message: problem };
  try {
    return { ok: true, signer: recoverSignerAddress(digest, signature) };
  } catch (error) {
    return { ok: false, message: `is not a valid secp256k1 signature (${(error as { shortMessage?: string }).shortMessage ?? 'unrecoverable'})` };
  }
};

/** Client side, for tests, the bench and as a reference implementation. */
export const signContribution = (signer: Signer, chainId: number, c: ContributionMessage): Promise<string> =>
  signer.signTypedData(eip712Domain(chainId), CONTRIBUTION_TYPES, contributionValue(c));

export const signContributionBatch = (signer: Signer, chainId: number, contributions: readonly ContributionMessage[]): Promise<string> =>
  signer.signTypedData(eip712Domain(chainId), CONTRIBUTION_BATCH_TYPES, { contributions: contributions.map(contributionValue) });

export const signVerdict = (signer: Signer, chainId: number, v: VerdictMessage): Promise<string> =>
  signer.signTypedData(eip712Domain(chainId), VERDICT_TYPES, verdictValue(v));

/** `chainId` in the message: the payout chain's id, or the primary chain's own id to come back to it. */
export const signPayoutChain = (signer: Signer, domainChainId: number, m: PayoutChainMessage): Promise<string> =>
  signer.signTypedData(eip712Domain(domainChainId), PAYOUT_CHAIN_TYPES, { account: m.account, chainId: m.chainId, sequence: m.sequence });
