/**
 * Request validation with io-ts: body, path, query and the idempotency header are all decoded
 * before anything runs, and every field error of every part is reported together (body fields
 * bare, e.g. "amount", the body as a whole "body"; the others prefixed, e.g. "params.address",
 * "headers.idempotency-key").
 */
import type * as t from 'io-ts';
import type { FastifyRequest } from 'fastify';
import { fieldErrors, type FieldError } from '../../domain/index.ts';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from './requestCodecs.ts';

export interface InputSpec<B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed> {
  readonly body?: B;
  readonly params?: P;
  readonly query?: Q;
  readonly idempotencyKey?: 'required' | 'optional';
}

export interface Input<B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed> {
  readonly body: t.TypeOf<B>;
  readonly params: t.TypeOf<P>;
  readonly query: t.TypeOf<Q>;
  readonly idempotencyKey: string | undefined;
}

export type Validated<B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed> =
  | { readonly ok: true; readonly input: Input<B, P, Q> }
  | { readonly ok: false; readonly errors: FieldError[] };

/** The body's own errors are named "body"; a part's, by the part ("params"). */
const prefixed = (prefix: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ field: e.field === '(root)' ? prefix : prefix === 'body' ? e.field : `${prefix}.${e.field}`, message: e.message }));

/** Enumerations fail without a message of their own; name the accepted values instead of the codec. */
const withEnumMessages = (errors: t.Errors): t.Errors =>
  errors.map((e) => {
    const type = e.context[e.context.length - 1]?.type as { _tag?: string; keys?: Record<string, unknown> } | undefined;
    if (e.message !== undefined || e.value === undefined || type?._tag !== 'KeyofType' || !type.keys) return e;
    return { ...e, message: `must be one of ${Object.keys(type.keys).join(', ')}` };
  });

const decodePart = (codec: t.Mixed | undefined, value: unknown, prefix: string, errors: FieldError[]): unknown => {
  if (codec === undefined) return undefined;
  const r = codec.decode(value);
  if (r._tag === 'Right') return r.right;
  errors.push(...prefixed(prefix, fieldErrors(withEnumMessages(r.left))));
  return undefined;
};

export const validateRequest = <B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed>(
  spec: InputSpec<B, P, Q>,
  request: FastifyRequest,
): Validated<B, P, Q> => {
  const errors: FieldError[] = [];
  const body = decodePart(spec.body, request.body, 'body', errors);
  const params = decodePart(spec.params, request.params, 'params', errors);
  const query = decodePart(spec.query, request.query ?? {}, 'query', errors);
  let idempotencyKey: string | undefined;
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) {
    if (spec.idempotencyKey === 'required')
      errors.push({ field: `headers.${IDEMPOTENCY_HEADER}`, message: 'is required: this request has no natural key, so retries need one' });
  } else if (spec.idempotencyKey !== undefined) {
    const r = IdempotencyKey.decode(header);
    if (r._tag === 'Right') idempotencyKey = r.right;
    else errors.push({ field: `headers.${IDEMPOTENCY_HEADER}`, message: r.left[0]?.message ?? 'is invalid' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: { body, params, query, idempotencyKey } as Input<B, P, Q> };
};
