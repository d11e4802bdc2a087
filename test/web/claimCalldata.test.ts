/**
 * The dashboard's hand-written ABI encoding of claim and claimMany equals ethers' on random leaves
 * (and the selectors are the contract's), so the Claim button sends exactly what a wallet library would.
 */
import fc from 'fast-check';
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { distributorInterface } from '../../adapters/chain/index.ts';
import { CLAIM_MANY_SELECTOR, CLAIM_SELECTOR, claimCalldata, claimManyCalldata, claimTransactionData } from '../../web/claimCalldata.ts';

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
const leaf = fc.record({
  account: hex(20),
  token: hex(20),
  cumulative: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  proof: fc.array(hex(32), { maxLength: 20 }),
});

describe('claim calldata', () => {
  const distributor: Interface = distributorInterface();

  it('uses the contract’s selectors', () => {
    expect(distributor.getFunction('claim')!.selector).toBe(CLAIM_SELECTOR);
    expect(distributor.getFunction('claimMany')!.selector).toBe(CLAIM_MANY_SELECTOR);
  });

  it('encodes claim exactly as ethers does', () => {
    fc.assert(
      fc.property(leaf, (l) => {
        expect(claimCalldata(l)).toBe(distributor.encodeFunctionData('claim', [l.account, l.token, l.cumulative, l.proof]));
      }),
    );
  });

  it('encodes claimMany exactly as ethers does (proofs of different lengths, none empty or all)', () => {
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 0, maxLength: 6 }), (ls) => {
        const expected = distributor.encodeFunctionData('claimMany', [ls.map((l) => l.account), ls.map((l) => l.token), ls.map((l) => l.cumulative), ls.map((l) => l.proof)]);
        expect(claimManyCalldata(ls)).toBe(expected);
        if (ls.length > 1) expect(claimTransactionData(ls)).toBe(expected);
      }),
    );
  });

  it('refuses what does not fit the ABI types', () => {
    expect(() => claimCalldata({ account: '0x12', token: `0x${'0'.repeat(40)}`, cumulative: 1n, proof: [] })).toThrow(/20 bytes/);
    expect(() => claimCalldata({ account: `0x${'0'.repeat(40)}`, token: `0x${'0'.repeat(40)}`, cumulative: 1n << 256n, proof: [] })).toThrow(/uint256/);
  });
});
