/**
 * The leaf of a distribution (DESIGN §6): `[account, token, cumulative]` with OpenZeppelin
 * StandardMerkleTree types `['address', 'address', 'uint256']`.
 */
import { ADDRESS_HAS_UPPERCASE, ADDRESS_MALFORMED, UINT256_MAX, writeAddress, writeUint256 } from './hex.ts';
import { MerkleError } from './errors.ts';

export const LEAF_ENCODING = ['address', 'address', 'uint256'] as const;
export type LeafEncoding = typeof LEAF_ENCODING;

/**
 * One (account, token) entitlement. Addresses are stored lowercase (DESIGN §2); the tree
 * lowercases what it is given, so its dump equals OpenZeppelin's built from lowercase values.
 * Values are data, never mutated: a tree keeps the caller's objects when they are already lowercase.
 */
export interface LeafValue {
  readonly account: string;
  readonly token: string;
  readonly amount: bigint;
}

/** abi.encode(address, address, uint256): three 32-byte words, addresses left-padded with zeros. */
export const ABI_ENCODED_LEAF_BYTES = 96;
/** Where the 20 address bytes sit inside the encoding. */
export const ACCOUNT_AT = 12;
export const TOKEN_AT = 44;
/** Where the amount's 32-byte word starts. */
export const AMOUNT_AT = 64;

/** Bit flags returned by writeAbiEncodedLeaf; 0 means valid and already lowercase. */
export const LEAF_NEEDS_LOWERCASE = 1;
export const LEAF_BAD_ACCOUNT = 2;
export const LEAF_BAD_TOKEN = 4;
export const LEAF_BAD_AMOUNT = 8;
const LEAF_INVALID = LEAF_BAD_ACCOUNT | LEAF_BAD_TOKEN | LEAF_BAD_AMOUNT;

/**
 * Writes abi.encode(account, token, amount) at `offset` (96 bytes) and reports, in the same pass,
 * whether the value is malformed or has uppercase addresses. Bytes are unspecified when invalid.
 */
export const writeAbiEncodedLeaf = (value: LeafValue, out: Uint8Array, offset: number): number => {
  for (let i = 0; i < ACCOUNT_AT; i++) {
    out[offset + i] = 0;
    out[offset + 32 + i] = 0;
  }
  const account = writeAddress(value.account, out, offset + ACCOUNT_AT);
  const token = writeAddress(value.token, out, offset + TOKEN_AT);
  let status = 0;
  if (account === ADDRESS_MALFORMED) status |= LEAF_BAD_ACCOUNT;
  if (token === ADDRESS_MALFORMED) status |= LEAF_BAD_TOKEN;
  if (account === ADDRESS_HAS_UPPERCASE || token === ADDRESS_HAS_UPPERCASE) status |= LEAF_NEEDS_LOWERCASE;
  const amount = value.amount;
  if (typeof amount !== 'bigint' || amount < 0n || amount > UINT256_MAX) status |= LEAF_BAD_AMOUNT;
  else writeUint256(amount, out, offset + AMOUNT_AT);
  return status;
};

export const isInvalidLeaf = (status: number): boolean => (status & LEAF_INVALID) !== 0;

/** The MerkleError for a value writeAbiEncodedLeaf found invalid. */
export const invalidLeafError = (value: LeafValue, status: number, valueIndex: number): MerkleError => {
  const problem =
    status & LEAF_BAD_ACCOUNT
      ? `account ${JSON.stringify(value.account)} is not a 0x-prefixed 20-byte hex address`
      : status & LEAF_BAD_TOKEN
        ? `token ${JSON.stringify(value.token)} is not a 0x-prefixed 20-byte hex address`
        : `amount ${String(value.amount)} is not an integer from 0 to 2^256 - 1`;
  return new MerkleError('INVALID_VALUE', `value ${valueIndex}: ${problem}`, valueIndex);
};

/** The value with lowercase addresses, the same object when it already is. */
export const lowercaseLeaf = (value: LeafValue, status: number): LeafValue =>
  status & LEAF_NEEDS_LOWERCASE ? { account: value.account.toLowerCase(), token: value.token.toLowerCase(), amount: value.amount } : value;

/** The value as OpenZeppelin's dump and proofs show it: `[account, token, "amount"]`. */
export type LeafTuple = readonly [account: string, token: string, amount: string];
export const leafTuple = (value: LeafValue): LeafTuple => [value.account, value.token, value.amount.toString()];
