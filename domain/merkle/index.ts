/**
 * domain/merkle — distribution leaves and the OpenZeppelin StandardMerkleTree they form (DESIGN §6):
 * build, proofs, verification, the `standard-v1` dump and its hash.
 */
export { LEAF_ENCODING, leafTuple, type LeafEncoding, type LeafTuple, type LeafValue } from './leaf.ts';
export { buildMerkleTree, buildMerkleTreeFromEncoded, MAX_LEAVES, type MerkleProofResult, type MerkleTree } from './tree.ts';
export { createEncodedLeavesBuilder, encodedLeafValues, type EncodedLeaves, type EncodedLeavesBuilder } from './encodedLeaves.ts';
export { leafHashBytes, processProof, verifyProof } from './verify.ts';
export { dumpMerkleTree, loadMerkleDump, type StandardMerkleDump } from './dump.ts';
export { dumpJsonChunks } from './dumpJson.ts';
export { dumpJcsPieces, merkleTreeHash } from './treeHash.ts';
export { createKeccak256Sponge, type Keccak256Sponge } from './keccakSponge.ts';
export { MerkleError, type MerkleErrorCode } from './errors.ts';
export { proofIndices, siblingIndex, parentIndex, leafTreeIndex, nodeCountFor } from './layout.ts';
