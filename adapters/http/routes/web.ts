/**
 * The dashboard at `/`: three files, no CDN. A strict Content-Security-Policy (same-origin scripts,
 * styles and requests only) since the page shows data anyone can write into the log (node ids,
 * task ids): the page builds its DOM with text nodes, and the policy is the second fence.
 */
import type { FastifyInstance } from 'fastify';
import type { WebAssets } from '../webAssets.ts';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FILES: ReadonlyArray<readonly [string, keyof WebAssets, string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/app.css', 'app.css', 'text/css; charset=utf-8'],
];

export const registerWeb = (app: FastifyInstance, assets: WebAssets): void => {
  for (const [url, name, type] of FILES)
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'no-cache').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').send(assets[name]),
    );
};
