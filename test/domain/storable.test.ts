/**
 * DESIGN §2 — the last gate before the log: an event is appended only if it round-trips through its
 * own codec and holds nothing a JSON store refuses. What fails becomes a refusal, never a record.
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { address } from './scenario.ts';
import { encodeStorable, encodeStorableEvents, event, MAX_COMMAND_AMOUNT, PositiveCommandAmount, ZERO_HASH } from '../../domain/index.ts';

const pool = { budget: 0n, minted: 0n };
const closed = (budget: bigint) =>
  event('EpochClosed', {
    epoch: 0,
    budget,
    minted: 0n,
    pools: { compute: pool, staking: pool, verification: pool },
    revenue: [],
    allocationsHash: ZERO_HASH,
    recipients: 0,
    logHead: ZERO_HASH,
    expired: 0,
  });

describe('encodeStorable', () => {
  it('passes an event that round-trips, in its exact JSON form', () => {
    const r = encodeStorable(closed(123n));
    expect(E.isRight(r) && r.right.data.budget).toBe('123');
  });

  it('refuses a total beyond uint256 (the EpochClosed that once bricked the log)', () => {
    const r = encodeStorable(closed(1n << 256n));
    expect(E.isLeft(r) && r.left.code).toBe('EVENT_NOT_STORABLE');
    expect(E.isLeft(r) && r.left.message).toContain('data.budget');
  });

  it('refuses a NUL or a lone surrogate anywhere in the data', () => {
    const node = (region: string) => event('NodeRegistered', { nodeId: 'n', operator: address(1), signer: address(1), hardwareClass: 'gpu', region });
    for (const region of ['eu\u0000west', 'eu\ud800', '\udc00x']) {
      const r = encodeStorable(node(region));
      expect(E.isLeft(r) && r.left.code).toBe('EVENT_NOT_STORABLE');
    }
    expect(E.isRight(encodeStorable(node('zürich 🇨🇭')))).toBe(true);
  });

  it('refuses the whole decision when one event fails', () => {
    const ok = event('VerifierRegistered', { verifier: address(9) });
    expect(E.isLeft(encodeStorableEvents([ok, closed(1n << 300n)]))).toBe(true);
    expect(E.isRight(encodeStorableEvents([ok, closed(1n)]))).toBe(true);
  });
});

describe('amounts in commands are at most 2^128 − 1', () => {
  it('accepts 2^128 − 1 and refuses 2^128, naming the bound', () => {
    expect(PositiveCommandAmount.decode(MAX_COMMAND_AMOUNT.toString())).toEqual(E.right(MAX_COMMAND_AMOUNT));
    const r = PositiveCommandAmount.decode((MAX_COMMAND_AMOUNT + 1n).toString());
    expect(E.isLeft(r) && r.left[0]?.message).toBe('exceeds 2^128 - 1');
    expect(E.isLeft(PositiveCommandAmount.decode('9'.repeat(100)))).toBe(true);
  });
});
