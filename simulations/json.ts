/** Small helpers over plain JSON values, for layering scenario files and sweep overrides. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` laid on `base`: objects merge key by key, anything else (arrays included) replaces. */
export const deepMerge = (base: Json, over: Json): Json => {
  if (!isJsonObject(base) || !isJsonObject(over)) return structuredClone(over);
  const out: JsonObject = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k]!, v) : structuredClone(v);
  return out;
};

export const getPath = (root: Json, path: readonly string[]): Json | undefined => {
  let cur: Json | undefined = root;
  for (const k of path) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
};

/** A copy of `root` with the value at `path` replaced, creating objects on the way. */
export const setPath = (root: JsonObject, path: readonly string[], value: Json): JsonObject => {
  const out = structuredClone(root);
  let cur: JsonObject = out;
  path.forEach((k, i) => {
    if (i === path.length - 1) cur[k] = value;
    else {
      if (!isJsonObject(cur[k])) cur[k] = {};
      cur = cur[k] as JsonObject;
    }
  });
  return out;
};
