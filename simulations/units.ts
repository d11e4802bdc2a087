/**
 * The one bridge between behaviour floats and domain money: amounts agents decide in whole tokens
 * become bigint base units here (at micro-token resolution), and reported amounts become floats
 * only for ratios and charts.
 */
const MICRO = 1_000_000;
const WEI_PER_MICRO = 10n ** 12n;

/** Whole tokens (float) → base units with 18 decimals, floored to a millionth of a token; never negative. */
export const tokensToWei = (tokens: number): bigint => {
  if (!Number.isFinite(tokens) || tokens <= 0) return 0n;
  return BigInt(Math.floor(tokens * MICRO)) * WEI_PER_MICRO;
};

/** Base units → whole tokens as a float (for ratios and charts only). */
export const weiToTokens = (wei: bigint): number => Number(wei / WEI_PER_MICRO) / MICRO;

/** a / b as a float, 0 when b is 0. */
export const ratio = (a: bigint, b: bigint): number => (b === 0n ? 0 : weiToTokens(a) / weiToTokens(b));
