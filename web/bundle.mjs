/**
 * The dashboard's one build step, shared by `npm run build` (written to dist/web) and the service
 * run from its sources (bundled in memory at start): esbuild bundles web/app.ts into one minified
 * ES module. Returns the three files the service serves.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

export const bundleWeb = async () => {
  const result = await build({
    entryPoints: [here('./app.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  return {
    'index.html': readFileSync(here('./index.html'), 'utf8'),
    'app.css': readFileSync(here('./app.css'), 'utf8'),
    'app.js': result.outputFiles[0].text,
  };
};
