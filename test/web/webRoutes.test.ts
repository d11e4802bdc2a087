/**
 * The dashboard's three files over HTTP: served at /, /app.js and /app.css with their content
 * types and a strict Content-Security-Policy, and kept out of the OpenAPI document (they are not API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../service/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.destroy());

describe('dashboard files', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<script type="module" src="/app.js">'],
    ['/app.js', 'text/javascript; charset=utf-8', '/v1/accounts/'],
    ['/app.css', 'text/css; charset=utf-8', '.chart'],
  ])('%s is served as %s with a strict CSP', async (url, type, content) => {
    const r = await h.request('GET', url);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(type);
    expect(String(r.json)).toContain(content);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is not part of the OpenAPI document', async () => {
    const doc = (await h.request('GET', '/docs/json')).json;
    expect(Object.keys(doc.paths)).not.toContain('/');
    expect(Object.keys(doc.paths)).not.toContain('/app.js');
  });
});
