/**
 * RFC 9457 problem details: every error the service answers is one of these, served as
 * `application/problem+json`. `type` is a URN per kind of problem so clients can branch on it
 * without parsing `title`; domain refusals add the domain's stable `code`.
 */
import type { FastifyReply } from 'fastify';
import type { FieldError } from '../../domain/index.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Every field at fault (400 only), one entry per field. */
  readonly errors?: readonly FieldError[];
  /** Stable machine code: the domain's RefusalCode for 422, or the service's own for auth and conflicts. */
  readonly code?: string;
  /** RFC 9457 extension members of a particular problem type (e.g. `shortfalls`). */
  readonly [extension: string]: unknown;
}

const urn = (slug: string): string => `urn:corex:problem:${slug}`;

export const problems = {
  invalidRequest: (errors: readonly FieldError[]): Problem => ({
    type: urn('invalid-request'),
    title: 'The request is invalid',
    status: 400,
    detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
    errors,
  }),
  /** Unparseable JSON, or JSON this service refuses (duplicate keys, NUL, lone surrogates, reserved keys), by path. */
  invalidJson: (detail: string, errors: readonly FieldError[] = [{ field: 'body', message: detail }]): Problem => ({
    type: urn('invalid-json'),
    title: 'The body is not valid JSON',
    status: 400,
    detail,
    errors,
  }),
  unauthorized: (detail: string): Problem => ({ type: urn('unauthorized'), title: 'Authentication required', status: 401, detail, code: 'TOKEN_MISSING' }),
  forbidden: (detail: string, code = 'TOKEN_REJECTED'): Problem => ({ type: urn('forbidden'), title: 'Not allowed', status: 403, detail, code }),
  notFound: (detail: string): Problem => ({ type: urn('not-found'), title: 'Not found', status: 404, detail }),
  methodNotAllowed: (detail: string): Problem => ({ type: urn('method-not-allowed'), title: 'Method not allowed', status: 405, detail }),
  conflict: (detail: string): Problem => ({ type: urn('conflict'), title: 'Conflicts with an earlier request', status: 409, detail, code: 'IDEMPOTENCY_CONFLICT' }),
  tooLarge: (limitBytes: number): Problem => ({
    type: urn('payload-too-large'),
    title: 'The body is too large',
    status: 413,
    detail: `request bodies are limited to ${limitBytes} bytes`,
  }),
  unsupportedMediaType: (detail: string): Problem => ({ type: urn('unsupported-media-type'), title: 'Unsupported content type', status: 415, detail }),
  uriTooLong: (limit: number): Problem => ({
    type: urn('uri-too-long'),
    title: 'A path parameter is too long',
    status: 414,
    detail: `path parameters are limited to ${limit} characters`,
  }),
  headersTooLarge: (limitBytes: number): Problem => ({
    type: urn('headers-too-large'),
    title: 'The request headers are too large',
    status: 431,
    detail: `the request line and headers together are limited to ${limitBytes} bytes`,
  }),
  requestTimeout: (): Problem => ({ type: urn('request-timeout'), title: 'Request timeout', status: 408, detail: 'the request was not received in time' }),
  malformedHttp: (): Problem => ({
    type: urn('invalid-request'),
    title: 'The request is invalid',
    status: 400,
    detail: 'the request is not valid HTTP/1.1',
    errors: [{ field: 'request', message: 'is not valid HTTP/1.1' }],
  }),
  /** A domain Refusal, or a service rule phrased the same way (code + sentence). */
  refused: (refusal: { readonly code: string; readonly message: string }): Problem => ({
    type: urn('refused'),
    title: 'Refused by the settlement rules',
    status: 422,
    detail: refusal.message,
    code: refusal.code,
  }),
  /** The distributor cannot pay a root: a state of the world, not of the request; `shortfalls` name token, needed and held. */
  underfunded: (detail: string): Problem => ({
    type: urn('distributor-underfunded'),
    title: 'The distributor cannot pay this root yet',
    status: 409,
    detail,
    code: 'INSUFFICIENT_FUNDING',
  }),
  unavailable: (detail: string): Problem => ({ type: urn('unavailable'), title: 'Service unavailable', status: 503, detail }),
  databaseUnavailable: (retryAfterSeconds: number): Problem => ({
    type: urn('unavailable'),
    title: 'Service unavailable',
    status: 503,
    detail: `the database is unreachable; retry in ${retryAfterSeconds} s (writes are idempotent, so a retry never records twice)`,
  }),
  internal: (): Problem => ({
    type: urn('internal'),
    title: 'Internal error',
    status: 500,
    detail: 'the service failed while handling the request; the failure is logged',
  }),
};

export const sendProblem = (reply: FastifyReply, problem: Problem): FastifyReply => reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
