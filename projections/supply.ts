/** Supply read model: minted, burned, circulating, remaining, staked. */
import { genesisParams, type LedgerState } from '../domain/index.ts';

export interface SupplyRow {
  readonly maxSupplyWei: bigint;
  readonly mintedWei: bigint;
  readonly burnedWei: bigint;
  /** Minted − burned. */
  readonly circulatingWei: bigint;
  /** maxSupply − minted: what emission can still mint. */
  readonly remainingWei: bigint;
  readonly stakedWei: bigint;
  /** −1 before the first close. */
  readonly lastClosedEpoch: number;
}

export const supplyView = (state: LedgerState): SupplyRow => {
  const maxSupplyWei = genesisParams(state)?.maxSupply ?? 0n;
  return {
    maxSupplyWei,
    mintedWei: state.mintedWei,
    burnedWei: state.burnedWei,
    circulatingWei: state.mintedWei - state.burnedWei,
    remainingWei: maxSupplyWei - state.mintedWei,
    stakedWei: state.stakedWei,
    lastClosedEpoch: state.lastClosedEpoch,
  };
};
