#!/usr/bin/env node
/**
 * `npm run build`, also the `prepare` script (so `npm install` and `npm ci` run it): compiles the
 * TypeScript sources into dist/ for bin/cxt.mjs.
 *
 * Each file is transpiled on its own by esbuild (the transpiler tsx runs the sources with) into the
 * same tree layout, relative `.ts` imports rewritten to `.js`, every npm package left where it is.
 * Not one bundle: modules find their worker entries, Solidity sources and contract artifacts beside
 * them through import.meta.url, and hardhat resolves its internals with createRequire; a mirrored
 * tree keeps every such path true without the modules knowing they were compiled. Any other file in
 * the source folders (.sol, .json) is copied as is.
 *
 * Written to a fresh folder and swapped in at the end, so a running `cxt` never loads half a build
 * (while dist/ is briefly missing, bin/cxt.mjs runs the sources instead).
 */
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every folder whose code the CLI may load; tests and benchmarks are never part of dist/. */
const SOURCE_FOLDERS = ['domain', 'projections', 'adapters', 'simulations'];
const dist = join(root, 'dist');
const staging = join(root, `dist.building-${process.pid}`);

const filesUnder = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

const sources = SOURCE_FOLDERS.flatMap((folder) => filesUnder(join(root, folder)));
const typescript = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const javascript = sources.filter((f) => f.endsWith('.mjs'));
const assets = sources.filter((f) => !typescript.includes(f) && !javascript.includes(f));

/** Leaves every import to Node at run time; only the extension of our own modules changes. */
const mirrorImports = {
  name: 'mirror-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const path = /^\.\.?\//.test(args.path) ? args.path.replace(/\.ts$/, '.js') : args.path;
      return { path, external: true };
    });
  },
};

const options = {
  absWorkingDir: root,
  outbase: root,
  outdir: staging,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  plugins: [mirrorImports],
};

const started = performance.now();
let webLine = '';
rmSync(staging, { recursive: true, force: true });
try {
  await build({ ...options, entryPoints: typescript });
  // The worker entries are plain JavaScript that import TypeScript siblings: same rewrite, same name.
  await build({ ...options, entryPoints: javascript, outExtension: { '.js': '.mjs' } });
  for (const file of assets) cpSync(file, join(staging, relative(root, file)));
  // The dashboard: one bundle for the browser, beside the modules that serve it (dist/web).
  const { bundleWeb } = await import('../web/bundle.mjs');
  mkdirSync(join(staging, 'web'));
  const webStarted = performance.now();
  const web = await bundleWeb();
  for (const [name, text] of Object.entries(web)) writeFileSync(join(staging, 'web', name), text);
  const kb = (text) => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`;
  const shipped = Object.values(web).join('');
  webLine = `cxt: dashboard bundle app.js ${kb(web['app.js'])}, all three files ${kb(shipped)} (${kb(gzipSync(shipped))} gzipped), bundled in ${Math.round(performance.now() - webStarted)} ms`;
  if (existsSync(dist)) rmSync(dist, { recursive: true, force: true });
  renameSync(staging, dist);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  throw error;
}
const files = typescript.length + javascript.length + assets.length + 3;
console.log(`cxt: built ${files} files into dist/ in ${Math.round(performance.now() - started)} ms`);
console.log(webLine);
