/**
 * Free-text codecs (Region, Reason, the token symbol): control characters and unpaired surrogates
 * are refused where the text enters, because PostgreSQL's jsonb cannot store U+0000 or a lone
 * surrogate and an accepted command would then fail at append (issue 9, defect 5).
 */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { ProtocolParamsCodec, Reason, Region, commandCodecs, defaultParams, fieldErrors, text } from '../../domain/index.ts';

const refusal = (r: E.Either<import('io-ts').Errors, unknown>): string => {
  if (E.isRight(r)) throw new Error(`expected a refusal, got ${JSON.stringify(r.right)}`);
  return fieldErrors(r.left).map((e) => `${e.field} ${e.message}`).join('; ');
};

describe('text codecs', () => {
  it.each(['eu-west', 'São Paulo', '東京', 'emoji 🚀 paired surrogates', 'a'.repeat(64)])('Region accepts %s', (v) => {
    expect(Region.decode(v)).toEqual(E.right(v));
    expect(Region.is(v)).toBe(true);
  });

  it.each([
    ['NUL', 'a\u0000b', /control characters/],
    ['a newline', 'eu\nwest', /control characters/],
    ['DEL', 'eu\u007f', /control characters/],
    ['a C1 control', 'eu\u0085', /control characters/],
    ['a lone high surrogate', 'a\ud800b', /unpaired UTF-16 surrogate/],
    ['a lone low surrogate', 'a\udc00', /unpaired UTF-16 surrogate/],
    ['a high surrogate at the end', 'ab\udbff', /unpaired UTF-16 surrogate/],
    ['swapped surrogates', '\ude80\ud83d', /unpaired UTF-16 surrogate/],
    ['empty', '', /1 to 64 characters/],
    ['too long', 'r'.repeat(65), /1 to 64 characters/],
    ['a number', 5, /1 to 64 characters/],
  ])('Region refuses %s', (_label, v, message) => {
    expect(Region.is(v)).toBe(false);
    expect(refusal(Region.decode(v))).toMatch(message);
  });

  it('Reason may be empty but not control characters', () => {
    expect(Reason.decode('')).toEqual(E.right(''));
    expect(refusal(Reason.decode('stuck\u0000'))).toMatch(/control characters/);
    expect(refusal(Reason.decode('x'.repeat(501)))).toMatch(/at most 500/);
  });

  it('a RegisterNode command names region when it carries NUL or a lone surrogate', () => {
    const base = { type: 'RegisterNode', nodeId: 'n-1', operator: `0x${'a'.repeat(40)}`, signer: `0x${'b'.repeat(40)}`, hardwareClass: 'gpu' };
    for (const region of ['eu\u0000', 'eu\ud800'])
      expect(refusal(commandCodecs.RegisterNode.decode({ ...base, region }))).toMatch(/^region must not contain/);
  });

  it('the protocol symbol is text too', () => {
    const params = ProtocolParamsCodec.encode(defaultParams());
    expect(E.isRight(ProtocolParamsCodec.decode(params))).toBe(true);
    expect(refusal(ProtocolParamsCodec.decode({ ...params, symbol: 'C\u0000T' }))).toMatch(/^symbol must not contain control/);
    expect(refusal(ProtocolParamsCodec.decode({ ...params, symbol: '' }))).toMatch(/^symbol must be 1 to 32 characters/);
  });

  it('bounds are the caller’s', () => {
    const Short = text('Short', 2, 3);
    expect(E.isRight(Short.decode('ab'))).toBe(true);
    expect(refusal(Short.decode('a'))).toMatch(/2 to 3/);
  });
});
