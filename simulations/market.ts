/**
 * The marketplace and the CXT price: revenue billed per verified unit with growing, noisy demand;
 * a geometric Brownian motion for the price; and buybacks that spend part of the buyback budget
 * (credited by the domain's revenue split) to buy and burn CXT at that price.
 */
import { unbondingWei, type Command, type CommandOf, type LedgerState } from '../domain/index.ts';
import type { Prng } from './prng.ts';
import { bernoulli, logNormal, pick, standardNormal } from './random.ts';
import type { MarketplaceModel, Scenario } from './scenario.ts';
import { tokensToWei } from './units.ts';

const SOURCES: readonly RevenueSourceName[] = ['subscription', 'on_demand', 'api', 'task'];
type RevenueSourceName = CommandOf<'RecordRevenue'>['source'];

export const epochsPerYear = (epochLengthSeconds: number): number => (365 * 86_400) / epochLengthSeconds;

/** Revenue records of one epoch; providers are operators that worked in it. */
export const revenueCommands = (
  model: MarketplaceModel,
  rng: Prng,
  epoch: number,
  verifiedUnits: number,
  providers: readonly string[],
  yearLengthEpochs: number,
): Command[] => {
  const demand = Math.pow(1 + model.demandGrowthPerYear, epoch / yearLengthEpochs) * logNormal(rng, 1, model.noiseSigma);
  const grossTokens = verifiedUnits * model.revenuePerUnit * demand;
  if (!(grossTokens > 0)) return [];
  const weights = Array.from({ length: model.recordsPerEpoch }, () => rng.next() + 1e-9);
  const total = weights.reduce((a, b) => a + b, 0);
  const commands: Command[] = [];
  weights.forEach((w, k) => {
    const gross = tokensToWei((grossTokens * w) / total);
    const source = pick(rng, SOURCES);
    const withProvider = providers.length > 0 && bernoulli(rng, model.providerShare);
    const provider = withProvider ? pick(rng, providers) : undefined;
    if (gross === 0n) return;
    commands.push({ type: 'RecordRevenue', revenueId: `r${epoch}.${k}`, source, asset: model.asset, gross, ...(provider ? { provider } : {}) });
  });
  return commands;
};

/** One epoch of geometric Brownian motion: P·exp((μ − σ²/2)·Δt + σ·√Δt·Z), Δt in years. */
export const nextPrice = (price: number, model: Scenario['price'], rng: Prng, yearLengthEpochs: number): number => {
  const dt = 1 / yearLengthEpochs;
  const sigma = model.volatilityPerYear;
  return price * Math.exp((model.driftPerYear - (sigma * sigma) / 2) * dt + sigma * Math.sqrt(dt) * standardNormal(rng));
};

const NANO = 1_000_000_000n;

/**
 * The buyback burn of one epoch, if any: spends `spendShare` of what is left of the asset's buyback
 * budget at `price` (asset per CXT). A buyback buys on the market, so it can take at most the free
 * float: minted, not burned, and not locked as stake or unbonding stake.
 */
export const freeFloatWei = (state: LedgerState): bigint => {
  let locked = state.stakedWei;
  for (const a of state.accounts.values()) if (a.unbonding.length > 0) locked += unbondingWei(a);
  return state.mintedWei - state.burnedWei - locked;
};

export const buybackCommand = (state: LedgerState, asset: string, spendShare: number, price: number, epoch: number): Command | undefined => {
  const ledger = state.assets.get(asset);
  if (!ledger || spendShare <= 0) return undefined;
  const available = ledger.buybackBudgetWei - ledger.buybackSpentWei;
  let spent = (available * BigInt(Math.round(spendShare * 1e6))) / 1_000_000n;
  const priceNano = BigInt(Math.round(price * 1e9));
  if (spent <= 0n || priceNano <= 0n) return undefined;
  let amount = (spent * NANO) / priceNano;
  const free = freeFloatWei(state);
  if (amount > free) {
    amount = free;
    spent = (amount * priceNano) / NANO;
  }
  if (amount <= 0n || spent <= 0n) return undefined;
  return { type: 'BurnTokens', burnId: `buyback.${epoch}`, amount, reason: 'buyback', asset, spent };
};
