/**
 * The HTTP JSON body parser on its own (issue 9, defects 4 and 5): duplicate keys at any depth,
 * U+0000 and unpaired surrogates in any key or value, and __proto__/constructor keys are refused
 * by path; everything JSON.parse accepts otherwise parses to the same value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonBodyError, parseJsonBody } from '../../adapters/http/jsonBody.ts';

const refusal = (text: string): { field: string; message: string }[] => {
  try {
    parseJsonBody(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonBodyError);
    return [...(error as JsonBodyError).errors];
  }
  throw new Error(`expected ${text} to be refused`);
};
const fields = (text: string): string[] => refusal(text).map((e) => e.field);

describe('parseJsonBody', () => {
  it.each([
    ['a duplicate at the top', '{"a":1,"a":2}', ['a']],
    ['a signed field twice', '{"contribution":{"kind":"training","kind":"compute"},"signature":"0x"}', ['contribution.kind']],
    ['the same key written with an escape', '{"kind":1,"\\u006bind":2}', ['kind']],
    ['a duplicate in an array element', '{"items":[{"x":1},{"x":1,"x":2}]}', ['items.1.x']],
    ['a duplicate object', '{"contribution":{},"contribution":{}}', ['contribution']],
    ['two duplicates, both named', '{"a":1,"b":{"c":1,"c":2},"a":3}', ['b.c', 'a']],
    ['an empty key twice', '{"":1,"":2}', ['""']],
  ])('refuses %s', (_label, text, expected) => {
    expect(fields(text)).toEqual(expected);
    expect(refusal(text)[0]!.message).toMatch(/more than once/);
  });

  it.each([
    ['NUL in a value', '{"region":"eu\\u0000west"}', 'region', /U\+0000/],
    ['NUL deep inside', '{"a":{"b":[1,{"c":"\\u0000"}]}}', 'a.b.1.c', /U\+0000/],
    ['NUL in a key', '{"re\\u0000gion":"x"}', 're\\u0000gion', /key that contains U\+0000/],
    ['a lone high surrogate', '{"region":"a\\ud800b"}', 'region', /unpaired/],
    ['a lone low surrogate', '{"region":"\\udc00"}', 'region', /unpaired/],
    ['a high surrogate at the end', '{"region":"ab\\udbff"}', 'region', /unpaired/],
    ['a lone surrogate in a key', '{"\\ud800":1}', '\\ud800', /key that contains an unpaired/],
    ['a lone surrogate in an array', '["ok","\\udfff"]', '1', /unpaired/],
    ['NUL as the whole body', '"\\u0000"', 'body', /U\+0000/],
    ['__proto__', '{"__proto__":{"polluted":true}}', '__proto__', /reserved/],
    ['__proto__ written with escapes', '{"\\u005f_proto__":{}}', '__proto__', /reserved/],
    ['a nested constructor', '{"a":{"constructor":{"prototype":{}}}}', 'a.constructor', /reserved/],
  ])('refuses %s', (_label, text, field, message) => {
    const [error] = refusal(text);
    expect(error!.field).toBe(field);
    expect(error!.message).toMatch(message);
  });

  it.each([
    ['a paired surrogate escape', '{"r":"\\ud83d\\ude80"}', { r: '🚀' }],
    ['a raw emoji', '{"r":"🚀 ok"}', { r: '🚀 ok' }],
    ['an escaped backslash before u0000 (the text, not NUL)', '{"r":"\\\\u0000"}', { r: '\\u0000' }],
    ['an escaped quote inside a key', '{"a\\"b":1,"a":2}', { 'a"b': 1, a: 2 }],
    ['same keys in sibling objects', '{"x":{"a":1},"y":{"a":1}}', { x: { a: 1 }, y: { a: 1 } }],
    ['a leading byte order mark', '\ufeff{"a":1}', { a: 1 }],
    ['many keys (beyond the small-object list)', JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]))), undefined],
  ])('accepts %s', (_label, text, expected) => {
    expect(parseJsonBody(text)).toEqual(expected ?? JSON.parse(text));
  });

  it('a duplicate among many keys is still found', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(fields(`{${keys.join(',')},"k3":0}`)).toEqual(['k3']);
  });

  it('invalid and empty bodies are refused as the body', () => {
    expect(refusal('{"a": ')).toEqual([{ field: 'body', message: expect.stringMatching(/^is not valid JSON/) }]);
    expect(refusal('')).toEqual([{ field: 'body', message: 'is empty' }]);
    expect(refusal('{"a":1} x')[0]!.field).toBe('body');
  });

  it('reports at most 20 problems', () => {
    const text = `[${Array.from({ length: 100 }, () => '"\\u0000"').join(',')}]`;
    expect(refusal(text)).toHaveLength(20);
  });

  it('agrees with JSON.parse on any JSON without duplicate or reserved keys', () => {
    // fast-check's JSON values have unique keys per object; with binary units, strings hold any
    // code unit (NUL, lone surrogates), which JSON.stringify writes as \u escapes.
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const text = JSON.stringify(value);
        const bad = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(text) || /"(__proto__|constructor)":/.test(text);
        if (bad) expect(() => parseJsonBody(text)).toThrow(JsonBodyError);
        else expect(parseJsonBody(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
