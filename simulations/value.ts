/**
 * The value side of an epoch (issue 14): what the supply is worth at the epoch's price, how the
 * stakers' yield splits into real yield (revenue) and inflationary yield (emission), whether revenue
 * covers the value of what was emitted, and what operators earn against their hardware's running
 * cost, by class. Display arithmetic on floats, after the domain has settled in base units.
 */
import type { Allocation, EventData, HardwareClass } from '../domain/index.ts';
import { stakingYield } from './metrics.ts';
import type { ValueModel } from './scenario.ts';
import { weiToTokens } from './units.ts';

export const HARDWARE_CLASSES = ['gpu', 'cpu', 'edge', 'storage', 'bandwidth'] as const satisfies readonly HardwareClass[];

export interface EpochValue {
  /** Circulating supply × price, in revenue-asset units. */
  readonly marketCap: number;
  /** The two parts of the staking APR (metrics.ts stakingYield); 0 without active stake. */
  readonly realYield: number;
  readonly inflationaryYield: number;
  /** Gross revenue / (CXT minted × price): above 1, buyers pay more than the emission is worth. */
  readonly revenueToEmission: number;
  /** Per class: (CXT earned × price + revenue-asset earned) / hardware cost − 1; 0 without a cost model or nodes. */
  readonly operatorReturn: Readonly<Record<HardwareClass, number>>;
  /** The same over every operator. */
  readonly operatorReturnAll: number;
}

export interface ValueInput {
  readonly closed: EventData<'EpochClosed'>;
  readonly allocations: readonly Allocation[];
  readonly cxtToken: string;
  readonly circulatingWei: bigint;
  readonly activeStakeWei: bigint;
  readonly price: number;
  readonly epochsPerYear: number;
  /** Operators' hardware class by address. */
  readonly operatorClass: ReadonlyMap<string, HardwareClass>;
  /** Active nodes per class this epoch. */
  readonly nodesByClass: Readonly<Record<HardwareClass, number>>;
  readonly model: ValueModel | undefined;
}

const zeroByClass = (): Record<HardwareClass, number> => ({ gpu: 0, cpu: 0, edge: 0, storage: 0, bandwidth: 0 });

export const epochValue = (i: ValueInput): EpochValue => {
  let gross = 0;
  for (const r of i.closed.revenue) gross += weiToTokens(r.gross);
  const yields = stakingYield(i.closed, i.activeStakeWei, i.price, i.epochsPerYear);
  const emissionValue = weiToTokens(i.closed.minted) * i.price;
  const earned = zeroByClass();
  for (const a of i.allocations) {
    const cls = i.operatorClass.get(a.account);
    if (cls === undefined) continue;
    earned[cls] += a.token === i.cxtToken ? weiToTokens(a.amountWei) * i.price : weiToTokens(a.amountWei);
  }
  const operatorReturn = zeroByClass();
  let earnedAll = 0;
  let costAll = 0;
  for (const cls of HARDWARE_CLASSES) {
    const cost = (i.model?.hardwareCostPerEpoch[cls] ?? 0) * i.nodesByClass[cls];
    if (cost > 0) operatorReturn[cls] = earned[cls] / cost - 1;
    earnedAll += cost > 0 ? earned[cls] : 0;
    costAll += cost;
  }
  return {
    marketCap: weiToTokens(i.circulatingWei) * i.price,
    realYield: yields?.real ?? 0,
    inflationaryYield: yields?.inflationary ?? 0,
    revenueToEmission: emissionValue > 0 ? gross / emissionValue : 0,
    operatorReturn,
    operatorReturnAll: costAll > 0 ? earnedAll / costAll - 1 : 0,
  };
};
