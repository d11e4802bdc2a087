/**
 * OpenZeppelin's array layout of a complete binary tree: node i has children 2i+1 and 2i+2, the
 * root is node 0 and the n leaves fill the last n slots in reverse sorted order (the smallest
 * leaf hash is the last node). Proofs are pure index arithmetic over this layout.
 */

export const nodeCountFor = (leafCount: number): number => 2 * leafCount - 1;

/** Tree index of the leaf at `sortedPosition` (0 = smallest hash). */
export const leafTreeIndex = (sortedPosition: number, nodeCount: number): number => nodeCount - 1 - sortedPosition;

export const parentIndex = (treeIndex: number): number => (treeIndex - 1) >> 1;

/** Left children are odd, right children even. */
export const siblingIndex = (treeIndex: number): number => (treeIndex % 2 === 1 ? treeIndex + 1 : treeIndex - 1);

export const isLeafIndex = (treeIndex: number, nodeCount: number): boolean =>
  treeIndex >= 0 && treeIndex < nodeCount && 2 * treeIndex + 1 >= nodeCount;

/** Sibling indices from the leaf up to (not including) the root: the proof, bottom first. */
export const proofIndices = (treeIndex: number): number[] => {
  const path: number[] = [];
  for (let i = treeIndex; i > 0; i = parentIndex(i)) path.push(siblingIndex(i));
  return path;
};
