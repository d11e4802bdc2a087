/**
 * One route = one spec: its codecs validate the request AND become its OpenAPI schema, its role
 * installs the bearer check (before the body is even read), and its handler receives decoded input.
 */
import type * as t from 'io-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { requireRole, type AccessTokens, type Role } from './auth.ts';
import { toJsonSchema, type JsonSchema } from './jsonSchema.ts';
import { PROBLEM_CONTENT_TYPE, problems, sendProblem } from './problem.ts';
import { IDEMPOTENCY_HEADER } from './requestCodecs.ts';
import { validateRequest, type Input, type InputSpec } from './validate.ts';

export interface RouteSpec<B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed> extends InputSpec<B, P, Q> {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly role?: Role;
  /** This route's own body limit in bytes (batch routes); default: the service's. */
  readonly bodyLimit?: number;
  /** Success responses for the docs: status → description (and optional schema). */
  readonly responses: Readonly<Record<number, string | { description: string; schema: JsonSchema }>>;
  readonly handler: (input: Input<B, P, Q>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  title: 'Problem',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
};

const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } } });

const docsSchema = <B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed>(spec: RouteSpec<B, P, Q>): Record<string, unknown> => {
  const response: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses))
    response[status] = typeof r === 'string' ? { description: r, type: 'object' } : { description: r.description, ...r.schema };
  if (spec.body || spec.params || spec.query || spec.idempotencyKey) response['400'] = problemResponse('Invalid request: every field error listed');
  if (spec.role) {
    response['401'] = problemResponse('No bearer token');
    response['403'] = problemResponse('Wrong bearer token');
  }
  if (spec.body) {
    response['413'] = problemResponse('Body too large');
    response['415'] = problemResponse('Not application/json');
  }
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(spec.body ? { body: toJsonSchema(spec.body) } : {}),
    ...(spec.params ? { params: toJsonSchema(spec.params) } : {}),
    ...(spec.query ? { querystring: toJsonSchema(spec.query) } : {}),
    ...(spec.idempotencyKey
      ? {
          headers: {
            type: 'object',
            properties: { [IDEMPOTENCY_HEADER]: { type: 'string', pattern: '^[!-~]{1,200}$', description: 'Makes a retry return the original result' } },
            required: spec.idempotencyKey === 'required' ? [IDEMPOTENCY_HEADER] : [],
          },
        }
      : {}),
    ...(spec.role ? { security: [{ bearer: [] }] } : {}),
    response,
  };
};

export const defineRoute = <B extends t.Mixed, P extends t.Mixed, Q extends t.Mixed>(
  app: FastifyInstance,
  tokens: AccessTokens,
  spec: RouteSpec<B, P, Q>,
): void => {
  app.route({
    method: spec.method,
    url: spec.url,
    schema: docsSchema(spec),
    ...(spec.bodyLimit === undefined ? {} : { bodyLimit: spec.bodyLimit }),
    ...(spec.role ? { onRequest: requireRole(tokens, spec.role) } : {}),
    handler: async (request, reply) => {
      const validated = validateRequest(spec, request);
      if (!validated.ok) return sendProblem(reply, problems.invalidRequest(validated.errors));
      return spec.handler(validated.input, request, reply);
    },
  });
};
