/** A canonical JSON text of any ledger or read-model value (Maps, Sets, bigints), to compare states byte for byte. */
const normalise = (v: unknown): unknown => {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [normalise(k), normalise(x)]).sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1)) };
  if (v instanceof Set) return { $set: [...v].map(normalise).map((x) => JSON.stringify(x)).sort() };
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise((v as Record<string, unknown>)[k])]));
  return v;
};

export const canonicalState = (value: unknown): string => JSON.stringify(normalise(value));
