/**
 * Gas guard: every hot path stays cheaper than the published figures of Morpho's URD and Uniswap's
 * MerkleDistributor, in a small tree and in a 1,000-leaf one. The table itself: npm run bench -- gas.
 */
import { describe, expect, it } from 'vitest';
import { GAS_TREE_SIZES, REFERENCE, measureGas } from './gas.ts';

const cheapestFirstClaim = REFERENCE.urd.firstClaim < REFERENCE.uniswap.firstClaim ? REFERENCE.urd.firstClaim : REFERENCE.uniswap.firstClaim;

describe('distributor gas', () => {
  for (const leaves of GAS_TREE_SIZES) {
    it(`beats the references on every line with ${leaves} leaves`, async () => {
      const r = await measureGas(leaves);
      expect(r.firstClaim).toBeLessThan(cheapestFirstClaim);
      expect(r.repeatClaim).toBeLessThan(REFERENCE.urd.repeatClaim);
      expect(r.claimMany5).toBeLessThan(5n * r.firstClaim); // batching must save the per-tx overhead
      for (const propose of [r.proposeRootFirst, r.proposeRootNext]) expect(propose).toBeLessThan(REFERENCE.urd.proposeRoot);
      for (const accept of [r.acceptRootFirst, r.acceptRootNext]) expect(accept).toBeLessThan(REFERENCE.urd.acceptRoot);
    });
  }
});
