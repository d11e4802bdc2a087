/**
 * Shared set-up of the chain suites and the gas bench: a local chain with two test tokens and a
 * distributor whose roles sit on distinct accounts, plus OpenZeppelin StandardMerkleTree helpers
 * (the team's own tree is checked against OZ elsewhere; here OZ is the reference).
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, getAddress, id } from 'ethers';
import type { Signer } from 'ethers';
import { deployDistributor, deployTestToken, distributorClient, revertOf, startLocalChain } from '../../adapters/chain/index.ts';
import type { ClaimArgs, DistributorClient, LocalChain } from '../../adapters/chain/index.ts';

export const LEAF_TYPES = ['address', 'address', 'uint256'];
export type Leaf = [account: string, token: string, cumulative: bigint];
export type Tree = StandardMerkleTree<Leaf>;

export interface Fixture {
  readonly chain: LocalChain;
  readonly owner: Signer;
  readonly updater: Signer;
  readonly guardian: Signer;
  readonly stranger: Signer;
  /** Distributor client sending as the updater. */
  readonly distributor: DistributorClient;
  readonly as: (signer: Signer) => DistributorClient;
  /** Lowercase addresses of the two tokens: CXT and wrapped BNB stand-ins. */
  readonly cxt: string;
  readonly wbnb: string;
  readonly mint: (token: string, to: string, amount: bigint) => Promise<void>;
  readonly balanceOf: (token: string, holder: string) => Promise<bigint>;
}

export const TIMELOCK = 3600;

/** Account 0 owns and deploys, 1 is the updater, 2 the guardian, 3 a stranger; 4.. are free to use. */
export const setUpDistributor = async (chain?: LocalChain, timelock = TIMELOCK): Promise<Fixture> => {
  const c = chain ?? (await startLocalChain());
  const [owner, updater, guardian, stranger] = [c.signer(0), c.signer(1), c.signer(2), c.signer(3)];
  const cxt = (await deployTestToken(owner, 'Corex', 'CXT')).address;
  const wbnb = (await deployTestToken(owner, 'Wrapped BNB', 'WBNB')).address;
  const { address } = await deployDistributor(owner, {
    owner: owner.address,
    updater: updater.address,
    guardian: guardian.address,
    timelock,
  });
  const distributor = distributorClient(address, updater);
  const mint = async (token: string, to: string, amount: bigint): Promise<void> => {
    const tx = (await new Contract(token, ['function mint(address,uint256)'], owner).getFunction('mint')(to, amount)) as {
      wait: () => Promise<unknown>;
    };
    await tx.wait();
  };
  return {
    chain: c,
    owner,
    updater,
    guardian,
    stranger,
    distributor,
    as: (signer) => distributor.connect(signer),
    cxt,
    wbnb,
    mint,
    balanceOf: (token, holder) => distributor.tokenBalance(token, holder),
  };
};

export const buildTree = (leaves: readonly Leaf[]): Tree => StandardMerkleTree.of([...leaves], LEAF_TYPES);

/** The claim of `account` for `token` in `tree`, with its proof. */
export const claimFrom = (tree: Tree, account: string, token: string): ClaimArgs => {
  for (const [index, [a, t, cumulative]] of tree.entries()) {
    if (a.toLowerCase() === account.toLowerCase() && t.toLowerCase() === token.toLowerCase())
      return { account: a, token: t, cumulative, proof: tree.getProof(index) };
  }
  throw new Error(`no leaf for ${account} / ${token}`);
};

/** Deterministic fresh addresses that hold nothing yet (claims go to them, never to signers). */
export const addressFor = (label: string): string => getAddress(id(label).slice(0, 42)).toLowerCase();

/** A 32-byte stand-in for a distribution's logHead. */
export const dataHashFor = (label: string): string => id(`logHead:${label}`);

/** Runs `action` expecting the distributor's custom error `name`; returns its arguments. */
export const expectRevert = async (action: Promise<unknown>, name: string): Promise<readonly unknown[]> => {
  try {
    await action;
  } catch (error) {
    const revert = revertOf(error);
    if (revert?.name === name) return revert.args;
    throw new Error(`expected revert ${name}, got ${revert?.name ?? (error as Error).message}`);
  }
  throw new Error(`expected revert ${name}, but the call succeeded`);
};
