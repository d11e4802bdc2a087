/**
 * DESIGN §2, §7 — boundary codecs: addresses (any checksum case in, lowercase stored, malformed
 * refused), amounts (decimal strings of base units), strict objects that name unknown fields,
 * and field errors with dotted paths.
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import {
  Address,
  Amount,
  commandCodecs,
  decodeEvent,
  encodeEventData,
  eventDataCodecs,
  fieldErrors,
  Hash32,
  PositiveAmount,
  type FieldError,
} from '../../domain/index.ts';

const errorsOf = (r: E.Either<import('io-ts').Errors, unknown>): FieldError[] => {
  if (E.isRight(r)) throw new Error(`expected a decoding failure, got ${String(r.right)}`);
  return fieldErrors(r.left);
};

describe('Address', () => {
  const checksummed = [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it.each(checksummed)('accepts the EIP-55 checksummed %s and stores it lowercase', (input) => {
    expect(Address.decode(input)).toEqual(E.right(input.toLowerCase()));
  });

  it('accepts all-lowercase and all-uppercase hex as is, stored lowercase', () => {
    const lower = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed';
    expect(Address.decode(lower)).toEqual(E.right(lower));
    expect(Address.decode(`0x${lower.slice(2).toUpperCase()}`)).toEqual(E.right(lower));
  });

  it('refuses a mixed-case address with a wrong checksum', () => {
    const wrong = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'; // last letter's case flipped
    expect(errorsOf(Address.decode(wrong))).toEqual([{ field: '(root)', message: 'has an invalid EIP-55 checksum' }]);
    const swapped = '0x5AaEb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    expect(E.isLeft(Address.decode(swapped))).toBe(true);
  });

  it.each([
    ['too short', '0x123'],
    ['too long', `0x${'a'.repeat(41)}`],
    ['no 0x prefix', 'a'.repeat(40)],
    ['0X prefix', `0X${'a'.repeat(40)}`],
    ['non-hex digit', `0x${'g'.repeat(40)}`],
    ['surrounding space', ` 0x${'a'.repeat(40)}`],
    ['empty', ''],
    ['a number', 42],
    ['null', null],
  ])('refuses a malformed address (%s)', (_label, input) => {
    expect(errorsOf(Address.decode(input))).toEqual([{ field: '(root)', message: 'must be a 0x-prefixed 20-byte hex address' }]);
  });

  it('Hash32 accepts 32 bytes of hex in any case and stores it lowercase', () => {
    expect(Hash32.decode(`0x${'AB'.repeat(32)}`)).toEqual(E.right(`0x${'ab'.repeat(32)}`));
    expect(E.isLeft(Hash32.decode(`0x${'ab'.repeat(31)}`))).toBe(true);
  });
});

describe('Amount', () => {
  const MAX = (1n << 256n) - 1n;

  it('decodes decimal strings of base units to bigint and encodes back', () => {
    expect(Amount.decode('0')).toEqual(E.right(0n));
    expect(Amount.decode('1000000000000000000')).toEqual(E.right(10n ** 18n));
    expect(Amount.decode(MAX.toString())).toEqual(E.right(MAX));
    expect(Amount.encode(123n)).toBe('123');
  });

  it.each([
    ['negative', '-1'],
    ['fractional', '1.5'],
    ['leading zeros', '01'],
    ['double zero', '00'],
    ['exponent', '1e18'],
    ['plus sign', '+1'],
    ['spaces', ' 1'],
    ['hex', '0x10'],
    ['empty', ''],
  ])('refuses %s (%j)', (_label, input) => {
    expect(E.isLeft(Amount.decode(input))).toBe(true);
  });

  it('refuses more than 2^256 − 1', () => {
    expect(errorsOf(Amount.decode((MAX + 1n).toString()))).toEqual([{ field: '(root)', message: 'exceeds 2^256 - 1' }]);
  });

  it('refuses numbers and bigints: money travels as strings', () => {
    expect(E.isLeft(Amount.decode(5))).toBe(true);
    expect(E.isLeft(Amount.decode(5n))).toBe(true);
  });

  it('PositiveAmount refuses zero', () => {
    expect(errorsOf(PositiveAmount.decode('0'))).toEqual([{ field: '(root)', message: 'must be greater than zero' }]);
    expect(PositiveAmount.decode('1')).toEqual(E.right(1n));
  });
});

describe('strict objects and field errors', () => {
  const account = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

  it('refuses unknown fields and names each of them', () => {
    const r = eventDataCodecs.StakeDeposited.decode({ account, amount: '5', epoch: 1, ref: 'x', amout: '5', memo: 'hi' });
    expect(errorsOf(r)).toEqual([
      { field: 'amout', message: 'is not a known field' },
      { field: 'memo', message: 'is not a known field' },
    ]);
  });

  it('names unknown fields in nested objects with their path', () => {
    const r = eventDataCodecs.ProtocolConfigured.decode({
      version: 1,
      effectiveEpoch: 0,
      params: { kindWeightBps: { compute: 1, training: 1, data: 1, infer: 1 } },
    });
    expect(errorsOf(r)).toContainEqual({ field: 'params.kindWeightBps.infer', message: 'is not a known field' });
  });

  it('lists every bad field by its dotted path', () => {
    const r = eventDataCodecs.StakeDeposited.decode({ account: 'nope', amount: '-5', epoch: 1.5 });
    expect(errorsOf(r)).toEqual([
      { field: 'account', message: 'must be a 0x-prefixed 20-byte hex address' },
      { field: 'amount', message: 'must be a non-negative whole number written as a decimal string' },
      { field: 'epoch', message: 'must be a whole number from 0 to 1099511627776' },
      { field: 'ref', message: 'must be 1 to 200 printable characters without spaces' },
    ]);
  });

  it('paths go through nested objects and arrays', () => {
    const r = eventDataCodecs.EpochClosed.decode({
      epoch: 1,
      budget: '1',
      minted: '1',
      pools: { compute: { budget: '1', minted: 'x' }, staking: { budget: '1', minted: '1' }, verification: { budget: '1', minted: '1' } },
      revenue: [{ asset: account, gross: '1', fees: '1', provider: '0', stakers: '0', buyback: '01' }],
      allocationsHash: `0x${'0'.repeat(64)}`,
      recipients: 0,
      logHead: `0x${'0'.repeat(64)}`,
    });
    expect(errorsOf(r).map((e) => e.field)).toEqual(['pools.compute.minted', 'revenue.0.buyback']);
  });

  it('decodeEvent prefixes paths with data and refuses unknown event types', () => {
    const bad = decodeEvent('StakeDeposited', { account, amount: '1', epoch: 0, ref: 'r', extra: true });
    expect(bad).toEqual(E.left([{ field: 'data.extra', message: 'is not a known field' }]));
    const wrongAmount = decodeEvent('StakeDeposited', { account, amount: '0', epoch: 0, ref: 'r' });
    expect(wrongAmount).toEqual(E.left([{ field: 'data.amount', message: 'must be greater than zero' }]));
    expect(decodeEvent('StakeMinted', {})).toEqual(E.left([{ field: 'type', message: 'is not a known event type: "StakeMinted"' }]));
  });

  it('decodes to canonical data and encodes back to the JSON form', () => {
    const decoded = decodeEvent('StakeDeposited', { account, amount: '1000000000000000000', epoch: 3, ref: 'tx:1' });
    if (E.isLeft(decoded)) throw new Error('unexpected');
    expect(decoded.right).toEqual({ type: 'StakeDeposited', data: { account: account.toLowerCase(), amount: 10n ** 18n, epoch: 3, ref: 'tx:1' } });
    expect(encodeEventData(decoded.right)).toEqual({ account: account.toLowerCase(), amount: '1000000000000000000', epoch: 3, ref: 'tx:1' });
  });

  it('optional fields may be absent but are still checked when present', () => {
    const base = { nodeId: 'n1', operator: account, signer: account, hardwareClass: 'gpu' };
    expect(E.isRight(eventDataCodecs.NodeRegistered.decode(base))).toBe(true);
    expect(errorsOf(eventDataCodecs.NodeRegistered.decode({ ...base, region: '' }))).toEqual([
      { field: 'region', message: 'must be 1 to 64 characters' },
    ]);
    expect(errorsOf(eventDataCodecs.NodeRegistered.decode({ ...base, hardwareClass: 'tpu' })).map((e) => e.field)).toEqual(['hardwareClass']);
  });

  it('command codecs are strict too', () => {
    const r = commandCodecs.DepositStake.decode({ type: 'DepositStake', account, amount: '5', ref: 'x', acount: account });
    expect(errorsOf(r)).toEqual([{ field: 'acount', message: 'is not a known field' }]);
    const missing = commandCodecs.DepositStake.decode({ type: 'DepositStake', account, amount: '5' });
    expect(errorsOf(missing).map((e) => e.field)).toEqual(['ref']);
  });

  it('an unknown field does not hide the errors of the known fields: every problem is listed', () => {
    const r = commandCodecs.DepositStake.decode({ type: 'DepositStake', account: '0x12', amount: '-5', acount: account });
    expect(errorsOf(r).map((e) => e.field).sort()).toEqual(['account', 'acount', 'amount', 'ref']);
  });
});
