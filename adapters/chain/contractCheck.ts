/**
 * Is the contract at an address our CumulativeMerkleDistributor, configured as expected?
 * `cxt contract verify` and `cxt contract deploy` (after deploying) ask this of any chain.
 *
 * The runtime code on-chain must equal the committed artifact's deployedBytecode byte for byte,
 * except where the constructor writes immutables (solc's immutableReferences, recorded in the
 * artifact): those ranges are zeros in the artifact and masked on-chain. The distributor has none
 * today (every role and the timelock live in storage, so they are read back below); the test token
 * has one, which is how the masking is tested. The trailing CBOR metadata (the IPFS hash of the
 * sources and settings) is compared on purpose: a look-alike compiled from other sources differs
 * there even when its instructions match.
 */
import { Contract, getAddress, type Provider } from 'ethers';
import { loadContracts, type ContractArtifact } from './compile.ts';

export interface DistributorRolesOnChain {
  readonly owner: string;
  /** Ownable2Step: an ownership transfer not yet accepted (the zero address when none). */
  readonly pendingOwner: string;
  readonly updater: string;
  readonly guardian: string;
  readonly timelockSeconds: number;
}

export interface ExpectedRoles {
  readonly owner?: string;
  readonly updater?: string;
  readonly guardian?: string;
  readonly timelockSeconds?: number;
}

export interface DistributorCheck {
  readonly address: string;
  readonly chainId: number;
  readonly codeMatches: boolean;
  readonly codeBytes: number;
  readonly expectedCodeBytes: number;
  /** Byte offset of the first difference, when the code differs and some is there. */
  readonly firstDifferenceAt?: number;
  /** Read back only when the code matches (a look-alike's getters prove nothing). */
  readonly roles?: DistributorRolesOnChain;
  /** One sentence per thing that is not as expected; empty when the contract is ours and as configured. */
  readonly problems: readonly string[];
}

const ROLE_GETTERS = [
  'function owner() view returns (address)',
  'function pendingOwner() view returns (address)',
  'function updater() view returns (address)',
  'function guardian() view returns (address)',
  'function timelock() view returns (uint32)',
];

const firstDifference = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 2; i < n; i += 2) if (a.slice(i, i + 2) !== b.slice(i, i + 2)) return (i - 2) / 2;
  return (n - 2) / 2;
};

/** On-chain runtime code with the artifact's immutable ranges zeroed, as the artifact has them. */
export const maskImmutables = (code: string, artifact: Pick<ContractArtifact, 'immutableReferences'>): string => {
  let hex = code.toLowerCase();
  for (const ranges of Object.values(artifact.immutableReferences))
    for (const { start, length } of ranges) {
      const from = 2 + start * 2;
      if (from + length * 2 <= hex.length) hex = hex.slice(0, from) + '00'.repeat(length) + hex.slice(from + length * 2);
    }
  return hex;
};

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export const readRoles = async (provider: Provider, address: string): Promise<DistributorRolesOnChain> => {
  const c = new Contract(address, ROLE_GETTERS, provider);
  const [owner, pendingOwner, updater, guardian, timelock] = (await Promise.all([
    c.getFunction('owner')(),
    c.getFunction('pendingOwner')(),
    c.getFunction('updater')(),
    c.getFunction('guardian')(),
    c.getFunction('timelock')(),
  ])) as [string, string, string, string, bigint];
  const lower = (a: string) => getAddress(a).toLowerCase();
  return { owner: lower(owner), pendingOwner: lower(pendingOwner), updater: lower(updater), guardian: lower(guardian), timelockSeconds: Number(timelock) };
};

export const checkDistributor = async (provider: Provider, address: string, expected: ExpectedRoles = {}): Promise<DistributorCheck> => {
  const chainId = Number((await provider.getNetwork()).chainId);
  const artifact = loadContracts().contracts.CumulativeMerkleDistributor;
  const want = artifact.deployedBytecode.toLowerCase();
  const code = maskImmutables(await provider.getCode(address), artifact);
  const base = { address: address.toLowerCase(), chainId, codeBytes: (code.length - 2) / 2, expectedCodeBytes: (want.length - 2) / 2 };
  if (code === '0x') return { ...base, codeMatches: false, problems: [`no contract at ${address} on chain ${chainId}`] };
  if (code !== want) {
    const at = firstDifference(code, want);
    return {
      ...base,
      codeMatches: false,
      firstDifferenceAt: at,
      problems: [
        `the runtime code at ${address} (${base.codeBytes} bytes) is not the CumulativeMerkleDistributor of this release ` +
          `(${base.expectedCodeBytes} bytes); first difference at byte ${at}`,
      ],
    };
  }
  const roles = await readRoles(provider, address);
  const problems: string[] = [];
  for (const role of ['owner', 'updater', 'guardian'] as const) {
    const wanted = expected[role];
    if (wanted !== undefined && !same(wanted, roles[role])) problems.push(`${role} is ${roles[role]}, expected ${wanted.toLowerCase()}`);
  }
  if (expected.timelockSeconds !== undefined && expected.timelockSeconds !== roles.timelockSeconds)
    problems.push(`timelock is ${roles.timelockSeconds} s, expected ${expected.timelockSeconds} s`);
  if (roles.pendingOwner !== '0x0000000000000000000000000000000000000000') problems.push(`an ownership transfer to ${roles.pendingOwner} is pending`);
  return { ...base, codeMatches: true, roles, problems };
};
