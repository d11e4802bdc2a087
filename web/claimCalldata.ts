/**
 * The calldata of CumulativeMerkleDistributor.claim and claimMany, ABI-encoded by hand: two
 * functions do not justify shipping an Ethereum library to the browser. A property test holds
 * these bytes equal to ethers' Interface.encodeFunctionData on random inputs.
 */
export interface ClaimLeaf {
  readonly account: string;
  readonly token: string;
  readonly cumulative: string | bigint;
  readonly proof: readonly string[];
}

/** keccak256("claim(address,address,uint256,bytes32[])")[0..4] */
export const CLAIM_SELECTOR = '0xfabed412';
/** keccak256("claimMany(address[],address[],uint256[],bytes32[][])")[0..4] */
export const CLAIM_MANY_SELECTOR = '0x2a654fdf';

const word = (v: bigint): string => {
  if (v < 0n || v >= 1n << 256n) throw new Error(`${v} does not fit a uint256`);
  return v.toString(16).padStart(64, '0');
};
const hexWord = (hex: string, bytes: number): string => {
  const body = hex.replace(/^0x/, '').toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(body)) throw new Error(`${hex} is not ${bytes} bytes of hex`);
  return body.padStart(64, '0');
};
const address = (a: string) => hexWord(a, 20);
const bytes32 = (b: string) => hexWord(b, 32);

/** A dynamic array of static words: length, then the words. */
const staticArray = (words: readonly string[]): string => word(BigInt(words.length)) + words.join('');

/** A dynamic array of dynamic arrays: length, offsets (from after the length), then each one. */
const nestedArray = (parts: readonly string[]): string => {
  let offset = BigInt(parts.length * 32);
  const heads = parts.map((p) => {
    const head = word(offset);
    offset += BigInt(p.length / 2);
    return head;
  });
  return word(BigInt(parts.length)) + heads.join('') + parts.join('');
};

/** Head words and tails of a tuple whose arguments are each static (a word) or dynamic (a tail). */
const tuple = (args: ReadonlyArray<{ static: string } | { dynamic: string }>): string => {
  let offset = BigInt(args.length * 32);
  let heads = '';
  let tails = '';
  for (const a of args) {
    if ('static' in a) heads += a.static;
    else {
      heads += word(offset);
      tails += a.dynamic;
      offset += BigInt(a.dynamic.length / 2);
    }
  }
  return heads + tails;
};

export const claimCalldata = (leaf: ClaimLeaf): string =>
  CLAIM_SELECTOR +
  tuple([
    { static: address(leaf.account) },
    { static: address(leaf.token) },
    { static: word(BigInt(leaf.cumulative)) },
    { dynamic: staticArray(leaf.proof.map(bytes32)) },
  ]);

export const claimManyCalldata = (leaves: readonly ClaimLeaf[]): string =>
  CLAIM_MANY_SELECTOR +
  tuple([
    { dynamic: staticArray(leaves.map((l) => address(l.account))) },
    { dynamic: staticArray(leaves.map((l) => address(l.token))) },
    { dynamic: staticArray(leaves.map((l) => word(BigInt(l.cumulative)))) },
    { dynamic: nestedArray(leaves.map((l) => staticArray(l.proof.map(bytes32)))) },
  ]);

/** One leaf: claim; several: claimMany (all or nothing, as the contract does it). */
export const claimTransactionData = (leaves: readonly ClaimLeaf[]): string => (leaves.length === 1 ? claimCalldata(leaves[0]!) : claimManyCalldata(leaves));
