/**
 * The asset registry (DESIGN §3): revenue and buybacks may only name a registered ERC-20. The
 * service checks on the configured chain that the address holds a token and reads its symbol and
 * decimals itself, so a registered asset is one the distributor can hold and pay.
 */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { bodies } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';

const UNWIRED = 'the asset registry is not available in this build of the service';

export const registerAssetRoutes = (app: FastifyInstance, deps: HttpDeps): void => {
  const { tokens } = deps;

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/assets',
    tag: 'treasury',
    summary: 'Register an ERC-20 that revenue and buybacks may be recorded in',
    description:
      'The address must hold contract code on the configured chain and answer symbol(), decimals() and balanceOf(): 422 ' +
      'ASSET_NOT_A_CONTRACT / ASSET_NOT_ERC20 otherwise. CXT is registered at genesis, the embedded WBNB at the embedded chain’s start.',
    role: 'admin',
    body: bodies.registerAsset,
    responses: { 201: 'Registered: the AssetRegistered event', 200: 'Already registered by the same request' },
    handler: async ({ body }, _req, reply) => {
      if (!deps.assets) return sendProblem(reply, problems.unavailable(UNWIRED));
      const r = await deps.assets.register(body.asset);
      if (r.status === 'refused') return sendProblem(reply, problems.refused(r.refusal));
      if (r.status === 'unavailable') return sendProblem(reply.header('retry-after', '5'), problems.unavailable(r.message));
      return reply.code(r.status === 'accepted' ? 201 : 200).send({ status: r.status, asset: r.asset });
    },
  });

  defineRoute(app, tokens, {
    method: 'GET',
    url: '/v1/assets',
    tag: 'treasury',
    summary: 'Registered assets with their symbol, decimals and revenue ledger (gross, fees, provider, stakers, buyback budget and spent)',
    responses: { 200: 'Registered assets, by address' },
    handler: async (_input, _req, reply) => (deps.assets ? deps.assets.list() : sendProblem(reply, problems.unavailable(UNWIRED))),
  });
};
