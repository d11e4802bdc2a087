/**
 * Field-by-field difference of two JSON values (the encoded form of a recomputed event and of the
 * recorded one), so a finding names the exact field — `pools.compute.minted`, `revenue[0].buyback` —
 * rather than "the event differs".
 */

export interface FieldDifference {
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

export const diffJson = (expected: unknown, found: unknown, path = ''): FieldDifference[] => {
  if (Array.isArray(expected) && Array.isArray(found)) {
    const out: FieldDifference[] = [];
    if (expected.length !== found.length) out.push({ field: `${path}.length`, expected: String(expected.length), found: String(found.length) });
    for (let i = 0; i < Math.min(expected.length, found.length); i++) out.push(...diffJson(expected[i], found[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(expected) && isObject(found)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
    return keys.flatMap((k) => diffJson(expected[k], found[k], child(path, k)));
  }
  return expected === found ? [] : [{ field: path || '(value)', expected: show(expected), found: show(found) }];
};
