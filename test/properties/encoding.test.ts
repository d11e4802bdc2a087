/**
 * Encoding round trip (DESIGN §2–3) for every event random histories produce — every event type of
 * the catalogue: encodeEventData → JSON text → decodeEvent gives back an equal event, and encoding
 * that again gives the same canonical JSON (so the stored form is canonical). Addresses written in
 * EIP-55 checksum case or all upper case decode to the same (lowercase) event (checked on a quarter
 * of the events and the first of each type, to keep the run short).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { getAddress } from 'ethers';
import { decodeEvent, encodeEventData, EVENT_TYPES, jcs, type CorexEvent } from '../../domain/index.ts';
import { historyArb, runHistory, slashHeavy } from '../support/arbitraries.ts';
import { canonicalJson, check, RUNS } from './helpers.ts';

const ADDRESS = /^0x[0-9a-f]{40}$/;

/** Rewrites every address in a JSON value with `f`. */
const mapAddresses = (v: unknown, f: (a: string) => string): unknown => {
  if (typeof v === 'string') return ADDRESS.test(v) ? f(v) : v;
  if (Array.isArray(v)) return v.map((x) => mapAddresses(x, f));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapAddresses(x, f)]));
  return v;
};

const numbersIn = (v: unknown): number[] =>
  typeof v === 'number'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(numbersIn)
      : v !== null && typeof v === 'object'
        ? Object.values(v).flatMap(numbersIn)
        : [];

const roundTrip = (e: CorexEvent, recase: boolean): void => {
  const json = JSON.parse(JSON.stringify(encodeEventData(e))) as unknown;
  const decoded = decodeEvent(e.type, json);
  if (E.isLeft(decoded)) throw new Error(`${e.type} does not decode: ${JSON.stringify(decoded.left)}`);
  // Equal event: canonical JSON of both (bigints tagged, undefined optional fields dropped); the
  // slower deep toEqual only runs to print a diff.
  if (canonicalJson(decoded.right) !== canonicalJson(e)) expect(decoded.right).toEqual(e);
  check(jcs(encodeEventData(decoded.right)) === jcs(json), `${e.type} does not re-encode to the same JSON`);
  // Amounts are decimal strings in JSON; the only numbers are safe integers (epochs, counts, bps).
  check(numbersIn(json).every((n) => Number.isSafeInteger(n)), `${e.type} has a JSON number that is not a safe integer`);
  if (!recase) return;
  for (const variant of [(a: string) => getAddress(a), (a: string) => `0x${a.slice(2).toUpperCase()}`]) {
    const cased = decodeEvent(e.type, mapAddresses(json, variant));
    if (E.isLeft(cased)) throw new Error(`${e.type} with re-cased addresses does not decode: ${JSON.stringify(cased.left)}`);
    check(jcs(encodeEventData(cased.right)) === jcs(json), `${e.type} with re-cased addresses decodes differently`);
  }
};

describe('event encoding round trip', () => {
  it(`every generated event encodes to JSON and decodes back to an equal event (${RUNS} runs)`, () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.oneof(historyArb(), historyArb().map(slashHeavy)), (h) => {
        runHistory(h).events.forEach((e, i) => {
          // Re-cased addresses (keccak for EIP-55) on a quarter of the events and every first of a type.
          roundTrip(e, i % 4 === 0 || !seen.has(e.type));
          seen.add(e.type);
        });
      }),
      { numRuns: RUNS },
    );
    // The histories cover the whole catalogue.
    expect([...EVENT_TYPES].filter((t) => !seen.has(t))).toEqual([]);
  });
});
