/**
 * Why a Merkle build or dump load was refused. Thrown rather than returned: building is a pure
 * computation over already-decoded values, and a bad value there is a caller bug or bad file.
 */
export type MerkleErrorCode = 'EMPTY' | 'INVALID_VALUE' | 'DUPLICATE_LEAF' | 'TOO_MANY_LEAVES' | 'INVALID_DUMP' | 'INCONSISTENT_DUMP';

export class MerkleError extends Error {
  constructor(
    readonly code: MerkleErrorCode,
    message: string,
    /** Position in the values (input order) of the offending value, when there is one. */
    readonly valueIndex?: number,
  ) {
    super(message);
    this.name = 'MerkleError';
  }
}
