/**
 * The one flag parser of every `cxt` command: `--name value` or `--name=value`, no positionals.
 * Every refusal is one sentence naming the flag and the value, thrown as a UsageError (exit 2), so
 * an operator never sees Node's own parser wording and every command words the same mistake alike.
 * Loaded with the command, never by `cxt --help`: it must stay free of heavy imports anyway.
 */
import { UsageError } from './command.ts';

export interface TextFlag {
  readonly kind: 'text';
  /** Shown in "is required" messages, e.g. "<dir>". */
  readonly placeholder: string;
  readonly required: boolean;
}

/** May be given several times (e.g. `--sweep a=1,2 --sweep b=3`); the values keep their order. */
export interface ListFlag {
  readonly kind: 'list';
}

/** A decimal whole number within [min, max]; both bounds are safe integers. */
export interface WholeFlag {
  readonly kind: 'whole';
  readonly min: number;
  readonly max: number;
}

/** A WholeFlag that may be given several times (one `--from-block` per `--rpc-url`); the values keep their order. */
export interface WholeListFlag {
  readonly kind: 'whole-list';
  readonly min: number;
  readonly max: number;
}

/** Present or absent, never with a value (`--allow-claim-replay`). */
export interface SwitchFlag {
  readonly kind: 'switch';
}

export type FlagSpec = TextFlag | ListFlag | WholeFlag | WholeListFlag | SwitchFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export const text = (placeholder: string): TextFlag => ({ kind: 'text', placeholder, required: false });
export const requiredText = (placeholder: string): TextFlag & { readonly required: true } => ({ kind: 'text', placeholder, required: true });
export const list = (): ListFlag => ({ kind: 'list' });
export const whole = (min: number, max: number): WholeFlag => ({ kind: 'whole', min, max });
export const wholeList = (min: number, max: number): WholeListFlag => ({ kind: 'whole-list', min, max });
export const onOff = (): SwitchFlag => ({ kind: 'switch' });

type ValueOf<S extends FlagSpec> = S extends WholeFlag ? number : S extends WholeListFlag ? readonly number[] : S extends ListFlag ? readonly string[] : S extends SwitchFlag ? true : string;
type RequiredKeys<F extends FlagSpecs> = { [K in keyof F]: F[K] extends { readonly required: true } ? K : never }[keyof F];

/** Required text flags are present; every other flag may be absent (a list flag is then []). */
export type Flags<F extends FlagSpecs> = { readonly [K in RequiredKeys<F>]: string } & {
  readonly [K in Exclude<keyof F, RequiredKeys<F>>]?: ValueOf<F[K]>;
} & { readonly [K in keyof F as F[K] extends ListFlag ? K : never]: readonly string[] } & {
  readonly [K in keyof F as F[K] extends WholeListFlag ? K : never]: readonly number[];
};

const quoted = (value: string): string => JSON.stringify(value);

const optionList = (specs: FlagSpecs): string => {
  const names = Object.keys(specs).map((n) => `--${n}`);
  return names.length === 0 ? 'it takes no options' : `its options are ${names.join(', ')}`;
};

const wholeNumber = (flag: string, spec: Pick<WholeFlag, 'min' | 'max'>, raw: string): number => {
  // BigInt compares exactly, so "99999999999999999999" is out of range rather than rounded into it.
  if (!/^[0-9]+$/.test(raw) || BigInt(raw) < BigInt(spec.min) || BigInt(raw) > BigInt(spec.max))
    throw new UsageError(`${flag} must be a whole number from ${spec.min} to ${spec.max} (got ${quoted(raw)})`);
  return Number(raw);
};

/** Splits `--name=value`; a lone `--name` takes the next token unless that is itself a `--flag`. */
const tokens = function* (args: readonly string[], switches: ReadonlySet<string>): Generator<{ readonly flag: string; readonly value: string | undefined }> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) throw new UsageError(`unexpected argument ${quoted(arg)}: every value follows its --option`);
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 2) {
      yield { flag: arg.slice(0, eq), value: arg.slice(eq + 1) };
      continue;
    }
    if (switches.has(arg)) {
      yield { flag: arg, value: undefined };
      continue;
    }
    const next = args[i + 1];
    // "-5" is a value (then refused as a number); "--out" is the next flag, so this one has none.
    if (next === undefined || next.startsWith('--')) yield { flag: arg, value: undefined };
    else {
      i++;
      yield { flag: arg, value: next };
    }
  }
};

export const parseFlags = <const F extends FlagSpecs>(args: readonly string[], specs: F): Flags<F> => {
  const out: Record<string, string | number | string[] | number[] | boolean> = {};
  for (const name of Object.keys(specs)) if (specs[name]!.kind === 'list' || specs[name]!.kind === 'whole-list') out[name] = [];
  const switches = new Set(Object.entries(specs).flatMap(([name, spec]) => (spec.kind === 'switch' ? [`--${name}`] : [])));
  for (const { flag, value } of tokens(args, switches)) {
    const name = flag.slice(2);
    const spec = flag.startsWith('--') && Object.hasOwn(specs, name) ? specs[name]! : undefined;
    if (spec === undefined) throw new UsageError(`${flag} is not an option of this command (${optionList(specs)})`);
    if (spec.kind === 'switch') {
      if (value !== undefined) throw new UsageError(`${flag} takes no value (got ${quoted(value)})`);
      if (name in out) throw new UsageError(`${flag} is given twice`);
      out[name] = true as unknown as string;
      continue;
    }
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    if (spec.kind === 'list') {
      (out[name] as string[]).push(value);
      continue;
    }
    if (spec.kind === 'whole-list') {
      (out[name] as number[]).push(wholeNumber(flag, spec, value));
      continue;
    }
    if (name in out) throw new UsageError(`${flag} is given twice (${quoted(String(out[name]))} and ${quoted(value)})`);
    out[name] = spec.kind === 'whole' ? wholeNumber(flag, spec, value) : value;
  }
  for (const [name, spec] of Object.entries(specs))
    if (spec.kind === 'text' && spec.required && out[name] === undefined) throw new UsageError(`--${name} ${spec.placeholder} is required`);
  return out as Flags<F>;
};
