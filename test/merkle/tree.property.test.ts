/**
 * DESIGN §6 — root, every proof and the dump are byte-identical to OpenZeppelin's
 * StandardMerkleTree.of(values, ['address','address','uint256']) built from the same (lowercase)
 * values; each side loads the other's dump; verify accepts every proof and rejects tampering.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMerkleTree, buildMerkleTreeFromEncoded, dumpJsonChunks, dumpMerkleTree, loadMerkleDump, verifyProof } from '../../domain/merkle/index.ts';
import { ENCODING, leafValuesArb, ozLeaf, ozProofAt, ozTreeOf, StandardMerkleTree } from './support.ts';

const flipLastHexDigit = (hash: string): string => hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0');

describe('the Merkle tree equals OpenZeppelin StandardMerkleTree', () => {
  it('has the same root, proofs and dump for 1 to 2,000 leaves; dumps load both ways; verify holds', () => {
    fc.assert(
      fc.property(leafValuesArb, fc.nat(), (values, pick) => {
        const ours = buildMerkleTree(values);
        const oz = ozTreeOf(values);

        expect(ours.root).toBe(oz.root);
        expect(ours.leafCount).toBe(values.length);
        const dumpJson = JSON.stringify(dumpMerkleTree(ours));
        expect(dumpJson).toBe(JSON.stringify(oz.dump()));
        expect(Buffer.concat([...dumpJsonChunks(ours, 300)]).toString('latin1')).toBe(dumpJson);

        // The same tree from the values' ABI encodings, as `cxt merkle build` makes it.
        const fromEncoded = buildMerkleTreeFromEncoded(ours.encodedValues());
        expect(Buffer.concat([...dumpJsonChunks(fromEncoded, 1 << 12)]).toString('latin1')).toBe(dumpJson);
        expect(fromEncoded.values).toEqual(ours.values);
        expect(fromEncoded.proof(pick % values.length)).toEqual(ours.proof(pick % values.length));

        const ozDump = oz.dump();
        for (let i = 0; i < values.length; i++) {
          const proof = ours.proof(i);
          expect(proof).toEqual(ozProofAt(ozDump.tree, ozDump.values[i]!.treeIndex));
          expect(verifyProof(ours.root, values[i]!, proof)).toBe(true);
        }
        // The full getProof (it re-checks the value first) is slow, so a sample: first, last, one more.
        for (const i of new Set([0, values.length - 1, pick % values.length])) expect(ours.proof(i)).toEqual(oz.getProof(i));

        expect(StandardMerkleTree.load(JSON.parse(dumpJson)).root).toBe(ours.root);
        const loaded = loadMerkleDump(oz.dump());
        expect(loaded.root).toBe(oz.root);
        const i = pick % values.length;
        const { account, token } = values[i]!;
        expect(loaded.proofFor(account, token)?.proof).toEqual(oz.getProof(ozLeaf(values[i]!)));

        const value = values[i]!;
        const proof = ours.proof(i);
        expect(verifyProof(ours.root, { ...value, amount: value.amount ^ 1n }, proof)).toBe(false);
        if (proof.length > 0) {
          const tampered = [...proof];
          const at = pick % proof.length;
          tampered[at] = flipLastHexDigit(tampered[at]!);
          expect(verifyProof(ours.root, value, tampered)).toBe(false);
          expect(StandardMerkleTree.verify(ours.root, ENCODING, ozLeaf(value), tampered)).toBe(false);
          expect(verifyProof(ours.root, value, proof.slice(1))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  }, 300_000);
});
