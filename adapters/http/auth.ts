/**
 * Bearer tokens for the operator's endpoints. Only SHA-256 digests of the tokens are held, and a
 * presented token is compared by digest with crypto.timingSafeEqual: both sides are always 32
 * bytes, so neither the comparison nor its length check leaks how much of a guess was right.
 *
 * Roles: `admin` may call everything; `indexer` (stake movements from the staking contract's
 * indexer) and `billing` (marketplace revenue) only their own endpoints.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problems, sendProblem } from './problem.ts';

export type Role = 'admin' | 'indexer' | 'billing';

export type TokenDigest = Buffer;

export const tokenDigest = (token: string): TokenDigest => createHash('sha256').update(token, 'utf8').digest();

export interface AccessTokens {
  /** Digests accepted per role; admin digests are accepted for every role. */
  readonly admin: readonly TokenDigest[];
  readonly indexer: readonly TokenDigest[];
  readonly billing: readonly TokenDigest[];
}

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

const matchesAny = (presented: TokenDigest, accepted: readonly TokenDigest[]): boolean => {
  let match = false;
  // No early exit: the time taken does not depend on which digest (if any) matched.
  for (const digest of accepted) match = timingSafeEqual(presented, digest) || match;
  return match;
};

export const accepts = (tokens: AccessTokens, role: Role, token: string): boolean => {
  const presented = tokenDigest(token);
  const accepted = role === 'admin' ? tokens.admin : [...tokens.admin, ...tokens[role]];
  return matchesAny(presented, accepted);
};

/** An onRequest hook: runs before the body is read, so an unauthenticated caller never gets it parsed. */
export const requireRole =
  (tokens: AccessTokens, role: Role) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) {
      reply.header('www-authenticate', 'Bearer realm="corex"');
      sendProblem(reply, problems.unauthorized(`this endpoint needs an ${role} bearer token in the Authorization header`));
      return reply;
    }
    if (!accepts(tokens, role, match[1]!)) {
      sendProblem(reply, problems.forbidden(`the bearer token is not an ${role} token`));
      return reply;
    }
  };
