/**
 * Protocol parameters (DESIGN §8): their codec, the defaults, and the checks that make a set coherent.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Address, Amount, Bps, Count, MAX_COMMAND_AMOUNT, PositiveCount, UnixSeconds, literalUnion, strictObject, text } from './codecs.ts';
import { cxt } from './units.ts';

/** Weights may exceed 100% (training counts 120%), so they are not capped at 10000. */
const WeightBps = new t.Type<number, number, unknown>(
  'WeightBps',
  (u): u is number => Count.is(u) && u <= 1_000_000,
  (u, c) => (Count.is(u) && u <= 1_000_000 ? t.success(u) : t.failure(u, c, 'must be a whole number from 0 to 1000000')),
  (v) => v,
);

export const TierName = literalUnion('TierName', ['bronze', 'silver', 'gold', 'platinum']);
export type TierName = t.TypeOf<typeof TierName>;

export const TierSpec = strictObject('TierSpec', {
  name: TierName,
  minStake: Amount,
  minTenureEpochs: Count,
  bps: WeightBps,
});
export type TierSpec = t.TypeOf<typeof TierSpec>;

export const ProtocolParamsCodec = strictObject(
  'ProtocolParams',
  {
    symbol: text('TokenSymbol', 1, 32),
    decimals: Count,
    maxSupply: Amount,
    cxtToken: Address,
    genesisTimeSeconds: UnixSeconds,
    epochLengthSeconds: PositiveCount,
    halfLifeEpochs: PositiveCount,
    computeBps: Bps,
    stakingBps: Bps,
    verificationBps: Bps,
    kindWeightBps: strictObject('KindWeights', { compute: WeightBps, training: WeightBps, data: WeightBps }),
    tiers: t.array(TierSpec),
    boostBaseBps: Bps,
    unbondingEpochs: Count,
    slashBps: Bps,
    protocolFeeBps: Bps,
    stakerShareBps: Bps,
    maxLateEpochs: Count,
    distributionEveryEpochs: PositiveCount,
    timelockSeconds: Count,
  },
  // Optional only so a log configured before the window existed still decodes; absent = the default.
  { verificationWindowEpochs: Count },
);
export type ProtocolParams = t.TypeOf<typeof ProtocolParamsCodec>;

/** The CXT address used in leaves until genesis names the real one (the embedded chain replaces it). */
export const PLACEHOLDER_CXT_TOKEN = '0x000000000000000000000000000000000000c0de';

export const defaultParams = (overrides: Partial<ProtocolParams> = {}): ProtocolParams => ({
  symbol: 'CXT',
  decimals: 18,
  maxSupply: cxt(1_000_000_000),
  cxtToken: PLACEHOLDER_CXT_TOKEN,
  genesisTimeSeconds: 1_767_225_600, // 2026-01-01T00:00:00Z
  epochLengthSeconds: 86_400,
  halfLifeEpochs: 1461,
  computeBps: 7000,
  stakingBps: 2000,
  verificationBps: 1000,
  kindWeightBps: { compute: 10_000, training: 12_000, data: 8_000 },
  tiers: [
    { name: 'bronze', minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
    { name: 'silver', minStake: cxt(5_000), minTenureEpochs: 7, bps: 11_000 },
    { name: 'gold', minStake: cxt(25_000), minTenureEpochs: 30, bps: 12_500 },
    { name: 'platinum', minStake: cxt(100_000), minTenureEpochs: 90, bps: 15_000 },
  ],
  boostBaseBps: 4000,
  unbondingEpochs: 7,
  slashBps: 500,
  protocolFeeBps: 1000,
  stakerShareBps: 5000,
  maxLateEpochs: 2,
  distributionEveryEpochs: 1,
  timelockSeconds: 3600,
  verificationWindowEpochs: DEFAULT_VERIFICATION_WINDOW_EPOCHS,
  ...overrides,
});

/** Supply is an amount in a command like any other: at most 2^128 − 1 base units (DESIGN §2). */
export const MAX_SUPPLY_WEI = MAX_COMMAND_AMOUNT;
/**
 * The exact budget decision near an integer boundary raises R to the power H (emission.ts): at
 * H = 100,000 that is a 12.8-million-bit number, about a second. Longer half-lives are refused.
 */
export const MAX_HALF_LIFE_EPOCHS = 100_000;
export const DEFAULT_VERIFICATION_WINDOW_EPOCHS = 7;

/** Epochs after its work epoch that a contribution may stay unjudged before it expires (DESIGN §5). */
export const verificationWindow = (p: ProtocolParams): number => p.verificationWindowEpochs ?? DEFAULT_VERIFICATION_WINDOW_EPOCHS;

/** Fields fixed at genesis: changing them would rewrite history (supply, time grid, token identity). */
export const IMMUTABLE_PARAMS = ['symbol', 'decimals', 'maxSupply', 'cxtToken', 'genesisTimeSeconds', 'epochLengthSeconds'] as const;

/** Coherence rules a codec cannot express. Left holds every problem found, each naming its field. */
export const checkParams = (p: ProtocolParams): E.Either<string[], ProtocolParams> => {
  const problems: string[] = [];
  if (p.computeBps + p.stakingBps + p.verificationBps !== 10_000)
    problems.push(`computeBps + stakingBps + verificationBps must be 10000, got ${p.computeBps + p.stakingBps + p.verificationBps}`);
  if (p.tiers.length === 0) problems.push('tiers must list at least one tier');
  const first = p.tiers[0];
  if (first && (first.minStake !== 0n || first.minTenureEpochs !== 0))
    problems.push('tiers[0] must be the entry tier with minStake 0 and minTenureEpochs 0');
  const names = new Set(p.tiers.map((tier) => tier.name));
  if (names.size !== p.tiers.length) problems.push('tiers must have distinct names');
  for (let i = 1; i < p.tiers.length; i++) {
    const prev = p.tiers[i - 1]!;
    const cur = p.tiers[i]!;
    if (cur.minStake < prev.minStake || cur.minTenureEpochs < prev.minTenureEpochs)
      problems.push(`tiers[${i}] (${cur.name}) must not require less stake or tenure than tiers[${i - 1}] (${prev.name})`);
  }
  if (p.maxSupply === 0n) problems.push('maxSupply must be greater than zero');
  if (p.decimals > 255) problems.push(`decimals must be at most 255 (an ERC-20 uint8), got ${p.decimals}`);
  if (p.maxSupply > MAX_SUPPLY_WEI) problems.push(`maxSupply must be at most 2^128 - 1 base units, got ${p.maxSupply}`);
  if (p.halfLifeEpochs > MAX_HALF_LIFE_EPOCHS) problems.push(`halfLifeEpochs must be at most ${MAX_HALF_LIFE_EPOCHS}, got ${p.halfLifeEpochs}`);
  if (p.timelockSeconds >= p.distributionEveryEpochs * p.epochLengthSeconds)
    problems.push('timelockSeconds must be shorter than the distribution interval (distributionEveryEpochs × epochLengthSeconds)');
  return problems.length === 0 ? E.right(p) : E.left(problems);
};

export const tierSpec = (p: ProtocolParams, name: TierName): TierSpec =>
  p.tiers.find((tier) => tier.name === name) ?? p.tiers[0]!;

export const entryTier = (p: ProtocolParams): TierName => p.tiers[0]!.name;
