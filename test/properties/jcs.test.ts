/**
 * domain/jcs.ts is RFC 8785 canonical JSON: byte-identical to the `canonicalize` reference on any
 * JSON value (unicode, escapes, numbers at every magnitude, nesting, key orders), refusing what it
 * refuses; and the envelope hash, which writes its JCS text directly, equals hashing the
 * canonicalized envelope object.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashEnvelope, jcs, keccakJcs } from '../../domain/hashChain.ts';
import { allocationsHash } from '../../domain/settlement.ts';
import { canonicalJson } from '../../domain/jcs.ts';
import { RUNS } from './helpers.ts';

const thrown = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

const text = fc.string({ unit: 'binary', maxLength: 30 });
const numbers = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, 2 ** 53 + 2));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, numbers, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 6 }),
})).value;

describe('JCS (RFC 8785)', () => {
  it('is byte-identical to the canonicalize reference on any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(thrown(() => canonicalJson(value))).toBe(thrown(() => canonicalize(value)));
        if (thrown(() => canonicalize(value)) === undefined) expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('refuses what JSON cannot say, as the reference does', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '\ud800', { k: '\udc00x' }, { '\ud800': 1 }]) {
      expect(thrown(() => canonicalJson(bad))).toBeDefined();
      expect(thrown(() => canonicalize(bad))).toBeDefined();
    }
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe(canonicalize({ a: undefined, b: [undefined], c: new Date(0) }));
  });

  it('hashes an envelope exactly as keccak256(prevHash ‖ keccak256(JCS(envelope)))', () => {
    const envelope = fc.record({
      id: text,
      type: text,
      stream: text,
      streamVersion: fc.nat(),
      recordedAt: text,
      // Now and then a text around the one-shot kernel's stage (64 blocks, 8,704 bytes), either side of it.
      data: fc.oneof(
        { weight: 4, arbitrary: fc.dictionary(text, json, { maxKeys: 5 }) },
        { weight: 1, arbitrary: fc.integer({ min: 8_400, max: 9_000 }).map((n) => ({ long: 'x'.repeat(n) })) },
      ),
      // Lowercase as stores write it; uppercase and a prefix other than 0x take the general path.
      prevHash: fc
        .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('0x', '0x', '0x', 'XX'), fc.boolean())
        .map(([b, prefix, upper]) => `${prefix}${upper ? bytesToHex(b).toUpperCase() : bytesToHex(b)}`),
    });
    fc.assert(
      fc.property(envelope, (e) => {
        const reference = canonicalize(e);
        fc.pre(reference !== undefined && thrown(() => canonicalize(e)) === undefined);
        const body = keccak_256(utf8ToBytes(reference!));
        expect(hashEnvelope(e)).toBe(`0x${bytesToHex(keccak_256(concatBytes(hexToBytes(e.prevHash.slice(2)), body)))}`);
        expect(jcs(e)).toBe(reference);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('given envelope texts of every length around the kernel stage (8,704 bytes), when hashed, then the hash is the reference one', () => {
    const envelopeOf = (n: number) => ({ id: 'i', type: 't', stream: 's', streamVersion: 1, recordedAt: 'r', data: { long: 'x'.repeat(n) }, prevHash: `0x${'ab'.repeat(32)}` });
    const overhead = canonicalize(envelopeOf(0))!.length;
    for (let bytes = 8_560; bytes <= 8_710; bytes++) {
      const e = envelopeOf(bytes - overhead);
      const body = keccak_256(utf8ToBytes(canonicalize(e)!));
      expect(hashEnvelope(e), `${bytes} bytes`).toBe(`0x${bytesToHex(keccak_256(concatBytes(hexToBytes(e.prevHash.slice(2)), body)))}`);
    }
  });
});

describe('the allocations hash', () => {
  it('is keccak256 of the general JCS of its rows, whatever the strings', () => {
    const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${bytesToHex(b)}`);
    const allocation = fc.record({ account: fc.oneof(address, text), token: address, amountWei: fc.bigInt({ min: 1n, max: 2n ** 256n - 1n }) });
    fc.assert(
      fc.property(fc.array(allocation, { maxLength: 30 }), (allocations) => {
        expect(allocationsHash(allocations)).toBe(keccakJcs(allocations.map((a) => [a.account, a.token, a.amountWei.toString()])));
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
