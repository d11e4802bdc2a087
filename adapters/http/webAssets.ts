/**
 * The dashboard's files: built by `npm run build` into dist/web beside the compiled modules, or,
 * when the service runs from its sources (tests, `tsx`), bundled in memory from web/ once at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type WebAssets = Readonly<Record<'index.html' | 'app.css' | 'app.js', string>>;

/** dist/adapters/http → dist/web (built); adapters/http → web (sources). */
const WEB_DIR = new URL('../../web/', import.meta.url);

let loading: Promise<WebAssets> | undefined;

/** Once per process: every app (tests start many) serves the same files. */
export const loadWebAssets = (): Promise<WebAssets> => (loading ??= readOrBundle());

const readOrBundle = async (): Promise<WebAssets> => {
  const built = (name: string) => fileURLToPath(new URL(name, WEB_DIR));
  if (existsSync(built('app.js'))) {
    return { 'index.html': readFileSync(built('index.html'), 'utf8'), 'app.css': readFileSync(built('app.css'), 'utf8'), 'app.js': readFileSync(built('app.js'), 'utf8') };
  }
  const { bundleWeb } = (await import(new URL('bundle.mjs', WEB_DIR).href)) as { bundleWeb: () => Promise<WebAssets> };
  const assets = await bundleWeb();
  // esbuild keeps a child process for later builds; a service makes none.
  (await import('esbuild')).stop();
  return assets;
};
