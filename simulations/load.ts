/**
 * From a scenario name or file to validated values: built-ins by name, JSON files (optionally
 * `"extends": "baseline"` to override only some fields), and the effective protocol parameters,
 * decoded by the domain's own codec and coherence checks.
 */
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { checkParams, defaultParams, describeErrors, ProtocolParamsCodec, type ProtocolParams } from '../domain/index.ts';
import { BUILTIN_SCENARIOS } from './builtins.ts';
import { ScenarioCodec, type Scenario } from './scenario.ts';
import { ScenarioError } from './errors.ts';
import { deepMerge, isJsonObject, type Json, type JsonObject } from './json.ts';

/** The scenario JSON named by `--scenario`: a built-in name, or a path to a JSON file. */
export const loadScenarioJson = (nameOrPath: string): JsonObject => {
  const builtin = BUILTIN_SCENARIOS[nameOrPath];
  if (builtin) return structuredClone(builtin) as unknown as JsonObject;
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch {
    throw new ScenarioError(
      `scenario "${nameOrPath}" is neither a built-in (${Object.keys(BUILTIN_SCENARIOS).join(', ')}) nor a readable file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario file ${nameOrPath} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(parsed)) throw new ScenarioError(`scenario file ${nameOrPath} must hold a JSON object`);
  const { extends: parent, ...rest } = parsed;
  if (parent === undefined) return rest;
  if (typeof parent !== 'string' || !BUILTIN_SCENARIOS[parent])
    throw new ScenarioError(`scenario file ${nameOrPath}: extends must name a built-in scenario (${Object.keys(BUILTIN_SCENARIOS).join(', ')})`);
  return deepMerge(BUILTIN_SCENARIOS[parent] as unknown as Json, rest) as JsonObject;
};

export const decodeScenario = (json: JsonObject, source: string): Scenario => {
  const decoded = ScenarioCodec.decode(json);
  if (E.isLeft(decoded)) throw new ScenarioError(`scenario ${source} is invalid: ${describeErrors(decoded.left)}`);
  return decoded.right;
};

/** Default parameters (DESIGN §8) in their JSON form: the base every override is laid on. */
export const defaultParamsJson = (): JsonObject => ProtocolParamsCodec.encode(defaultParams()) as unknown as JsonObject;

/** The full effective protocol parameters of a scenario, or a ScenarioError naming every bad field. */
export const resolveParams = (overrides: Record<string, unknown>, source: string): ProtocolParams => {
  const merged = deepMerge(defaultParamsJson(), overrides as Json);
  const decoded = ProtocolParamsCodec.decode(merged);
  if (E.isLeft(decoded)) throw new ScenarioError(`scenario ${source}: params are invalid: ${describeErrors(decoded.left)}`);
  const checked = checkParams(decoded.right);
  if (E.isLeft(checked)) throw new ScenarioError(`scenario ${source}: params are incoherent: ${checked.left.join('; ')}`);
  return checked.right;
};
