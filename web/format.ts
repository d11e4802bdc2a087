/**
 * Display only: base units as decimals for people. Every amount element keeps the exact base
 * units in data-wei (and its title), so nothing shown is ever rounded away from what the API said.
 */
import { el } from './dom.ts';

export const formatUnits = (wei: bigint, decimals: number, maxFraction = 4): string => {
  const sign = wei < 0n ? '−' : '';
  const abs = wei < 0n ? -wei : wei;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').slice(0, maxFraction).replace(/0+$/, '');
  if (whole === 0n && fraction === '' && abs > 0n) return `${sign}<0.${'0'.repeat(maxFraction - 1)}1`;
  return `${sign}${whole.toLocaleString('en')}${fraction ? `.${fraction}` : ''}`;
};

/** A token amount: shown rounded, exact in data-wei and the tooltip. */
export const amount = (wei: string | bigint, symbol: string, decimals = 18): HTMLElement => {
  const v = BigInt(wei);
  return el('span', { class: 'amount', 'data-wei': v.toString(), title: `${v.toString()} base units` }, `${formatUnits(v, decimals)} ${symbol}`);
};

/** bps as a percentage. */
export const percent = (part: bigint, whole: bigint): string => (whole === 0n ? '—' : `${(Number((part * 1_000_000n) / whole) / 10_000).toFixed(2)} %`);

export const shortHex = (hex: string): string => (hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex);

export const duration = (seconds: number): string => {
  if (seconds <= 0) return 'now';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
};
