/**
 * The fastify application: JSON only, bodies bounded, every error as problem+json, OpenAPI at
 * /docs built from the route specs (so from the io-ts codecs). Fastify's own JSON Schema
 * validation and response serialization are switched off: io-ts is the one validator, and the
 * schemas exist for the docs only.
 */
import { registerListReads } from './routes/listReads.ts';
import { registerReceipts } from './routes/receipts.ts';
import { registerWeb } from './routes/web.ts';
import { loadWebAssets } from './webAssets.ts';
import { registerTaskRoutes } from './routes/tasks.ts';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isDatabaseUnavailable } from '../eventStore/index.ts';
import { CorruptEventError, RequestConflictError } from '../ledger/index.ts';
import { JsonBodyError, parseJsonBody } from './jsonBody.ts';
import type { HttpDeps } from './ports.ts';
import { problems, sendProblem, type Problem } from './problem.ts';
import { registerAssetRoutes } from './routes/assets.ts';
import { registerDistributionWrites } from './routes/distributionWrites.ts';
import { registerOperations } from './routes/operations.ts';
import { registerOperatorWrites } from './routes/operatorWrites.ts';
import { registerReads } from './routes/reads.ts';
import { registerSignedWrites } from './routes/signedWrites.ts';
import { registerPayoutChainWrites } from './routes/payoutChainWrites.ts';
import { createSignatureRecovery } from './signatureRecovery.ts';
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors } from './transportErrors.ts';

export interface HttpAppOptions {
  /** pino logger; false for silence (tests). */
  readonly logger?: FastifyBaseLogger | false;
  readonly version?: string;
  /** Worker threads recovering EIP-712 signers (0: on the event loop); default: cores − 1, at most 4. */
  readonly recoveryWorkers?: number;
}

/** A database outage is usually a restart or a failover: seconds, not minutes. */
const RETRY_AFTER_SECONDS = 2;

/** Our body parser's and fastify's own errors (limits, media types) as problems; anything else is a 500. */
const problemFor = (error: FastifyError, bodyLimitBytes: number): Problem | undefined => {
  if (error instanceof RequestConflictError) return problems.conflict(error.message);
  if (error instanceof JsonBodyError) return problems.invalidJson(error.message, error.errors);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.tooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.unsupportedMediaType('request bodies must be application/json');
    default:
      break;
  }
  if (error.statusCode === 413) return problems.tooLarge(bodyLimitBytes);
  if (error.statusCode === 415) return problems.unsupportedMediaType('request bodies must be application/json');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return problems.invalidRequest([{ field: 'body', message: error.message }]);
  return undefined;
};

const registerDocs = async (app: FastifyInstance, version: string): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Corex settlement service',
        version,
        description:
          'Amounts are decimal strings of base units. Errors are RFC 9457 problem+json. Contributions and verdicts are EIP-712 signed (see /v1/info for the domain).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
};

export const createHttpApp = async (deps: HttpDeps, options: HttpAppOptions = {}): Promise<FastifyInstance> => {
  const app = Fastify({
    bodyLimit: deps.bodyLimitBytes,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  // A graceful stop closes the connections idle when it begins; a request in flight then finishes
  // on a keep-alive connection that would sit idle until the keep-alive timeout (72 s) held the
  // stop. Answers sent once the stop has begun close their connection instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.removeContentTypeParser('text/plain');
  // Our own JSON parser (jsonBody.ts) refuses duplicate keys, NUL, lone surrogates and
  // __proto__/constructor keys; reading as a string keeps fastify's bodyLimit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(reply.header('retry-after', String(RETRY_AFTER_SECONDS)), problems.databaseUnavailable(RETRY_AFTER_SECONDS));
    }
    if (error instanceof CorruptEventError) {
      // The log holds what this version cannot read: nothing can be decided until an operator looks (cxt audit).
      request.log.error({ err: error }, 'the log cannot be folded');
      return sendProblem(reply, problems.unavailable(`${error.message}; run cxt audit on an export to see why`));
    }
    const problem = problemFor(error, request.routeOptions.bodyLimit ?? deps.bodyLimitBytes);
    if (problem) return sendProblem(reply, problem);
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problems.internal());
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problems.notFound(`no route ${request.method} ${request.url.split('?')[0]}`)));
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await registerDocs(app, options.version ?? '0.1.0');
  registerOperations(app, deps);
  registerReads(app, deps);
  const signatures = createSignatureRecovery(options.recoveryWorkers);
  app.addHook('onClose', () => signatures.close());
  registerSignedWrites(app, deps, signatures);
  registerPayoutChainWrites(app, deps, signatures);
  registerOperatorWrites(app, deps);
  registerDistributionWrites(app, deps);
  registerAssetRoutes(app, deps);
  registerTaskRoutes(app, deps);
  registerListReads(app, deps);
  registerReceipts(app, deps);
  registerWeb(app, await loadWebAssets());
  await app.ready();
  return app;
};
