/** Integer arithmetic helpers. Money is bigint base units; ratios are basis points. */

export const BPS = 10_000n;
export const CXT_DECIMALS = 18;
export const WEI_PER_CXT = 10n ** 18n;

/** floor(amount · bps / 10000) — the only way a basis-point share is taken. */
export const mulBps = (amount: bigint, bps: number | bigint): bigint => (amount * BigInt(bps)) / BPS;

/** Whole CXT to base units: cxt(5) = 5·10^18. */
export const cxt = (whole: number | bigint): bigint => BigInt(whole) * WEI_PER_CXT;

/** Human form for messages: "1234.5 CXT". Never used for arithmetic. */
export const formatUnits = (amountWei: bigint, decimals = CXT_DECIMALS): string => {
  const negative = amountWei < 0n;
  const abs = negative ? -amountWei : amountWei;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
};

export const formatCxt = (amountWei: bigint): string => `${formatUnits(amountWei)} CXT`;

export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

export const sumBigints = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const v of values) total += v;
  return total;
};

export const minBigint = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBigint = (a: bigint, b: bigint): bigint => (a > b ? a : b);
