/**
 * The EIP-712 typed data a node signs for a contribution and a verifier signs for a verdict
 * (docs/service.md documents both structs byte for byte). Signing binds every field: a body
 * replayed with any field changed recovers a different address and is refused.
 *
 * Domain: { name: "Corex Settlement", version: "1", chainId } — no verifyingContract, because a
 * contribution is an off-chain record, not a call to a contract; chainId keeps signatures of one
 * deployment (mainnet, testnet, the local chain) from being replayed on another.
 *
 * The digest is computed here (cheap, with the encoders and domain separators cached); recovering
 * the signer from it is the expensive part and runs in worker threads (signatureRecovery.ts).
 */
import { Signature, TypedDataEncoder, concat, keccak256, type Signer, type TypedDataDomain, type TypedDataField } from 'ethers';
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
  ],
};

export const VERDICT_TYPES: Record<string, TypedDataField[]> = {
  Verdict: [
    { name: 'contributionId', type: 'string' },
    { name: 'verdict', type: 'string' },
  ],
};

export type ContributionMessage = t.TypeOf<typeof ContributionMessage>;
export type VerdictMessage = t.TypeOf<typeof VerdictMessage>;

/** The value that is signed: every field present, taskId "" when the contribution has none. */
export const contributionValue = (c: ContributionMessage): Record<string, unknown> => ({
  contributionId: c.contributionId,
  nodeId: c.nodeId,
  epoch: c.epoch,
  kind: c.kind,
  units: c.units,
  proofHash: c.proofHash,
  taskId: c.taskId ?? '',
});

export const verdictValue = (v: VerdictMessage): Record<string, unknown> => ({ contributionId: v.contributionId, verdict: v.verdict });

const contributionEncoder = TypedDataEncoder.from(CONTRIBUTION_TYPES);
const verdictEncoder = TypedDataEncoder.from(VERDICT_TYPES);
const domainSeparators = new Map<number, string>();
const domainSeparator = (chainId: number): string => {
  let s = domainSeparators.get(chainId);
  if (s === undefined) domainSeparators.set(chainId, (s = TypedDataEncoder.hashDomain(eip712Domain(chainId))));
  return s;
};

/** keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(message)): what the signer signs. */
const digestOf = (chainId: number, structHash: string): string => keccak256(concat(['0x1901', domainSeparator(chainId), structHash]));

export const contributionDigest = (chainId: number, c: ContributionMessage): string => digestOf(chainId, contributionEncoder.hash(contributionValue(c)));
export const verdictDigest = (chainId: number, v: VerdictMessage): string => digestOf(chainId, verdictEncoder.hash(verdictValue(v)));

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

export const signVerdict = (signer: Signer, chainId: number, v: VerdictMessage): Promise<string> =>
  signer.signTypedData(eip712Domain(chainId), VERDICT_TYPES, verdictValue(v));
