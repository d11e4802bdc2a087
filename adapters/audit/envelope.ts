/**
 * One line of an exported log (`cxt export`) back into an envelope. The shape is checked strictly
 * — every envelope field with its type, nothing else — because a field the hash does not cover
 * (an extra key, `position`) could otherwise carry anything unnoticed.
 */
import type { StoredEvent } from '../../domain/hashChain.ts';

export type ParsedLine =
  | { readonly ok: true; readonly envelope: StoredEvent }
  | { readonly ok: false; readonly kind: 'not-json' | 'bad-envelope'; readonly message: string; readonly position?: number };

const FIELDS = ['id', 'type', 'stream', 'streamVersion', 'position', 'recordedAt', 'data', 'prevHash', 'hash'] as const;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
/** 0x and 64 lowercase hex digits, tested without a regular expression: two per line of an audit. */
const isHash = (v: unknown): boolean => {
  if (typeof v !== 'string' || v.length !== 66 || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 120) return false;
  for (let i = 2; i < 66; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
};
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const problemsOf = (o: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  for (const key of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(key)) problems.push(`unexpected field ${JSON.stringify(key)}`);
  for (const key of ['id', 'type', 'stream', 'recordedAt'] as const) if (!isText(o[key])) problems.push(`${key} must be a non-empty string`);
  for (const key of ['streamVersion', 'position'] as const) if (!isCount(o[key])) problems.push(`${key} must be a whole number ≥ 1`);
  if (o.data === null || typeof o.data !== 'object' || Array.isArray(o.data)) problems.push('data must be a JSON object');
  for (const key of ['prevHash', 'hash'] as const)
    if (!isHash(o[key])) problems.push(`${key} must be 0x and 64 lowercase hex digits`);
  return problems;
};

export const parseEnvelopeLine = (text: string): ParsedLine => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, kind: 'not-json', message: `the line is not JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, kind: 'bad-envelope', message: 'the line is JSON but not an event envelope object' };
  const o = value as Record<string, unknown>;
  const problems = problemsOf(o);
  if (problems.length > 0)
    return { ok: false, kind: 'bad-envelope', message: `the envelope is malformed: ${problems.join('; ')}`, ...(isCount(o.position) ? { position: o.position } : {}) };
  return { ok: true, envelope: o as unknown as StoredEvent };
};
