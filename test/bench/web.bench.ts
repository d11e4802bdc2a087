/**
 * `npm run bench -- web`: what the dashboard ships and how long it takes to build, beside what the
 * one library it would otherwise need would add: ethers' Interface for the claim calldata (the
 * dashboard encodes claim and claimMany by hand, held equal to ethers by a property test).
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { bundleWeb } from '../../web/bundle.mjs';
import type { BenchContext } from './run.ts';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sizes = (text: string) => ({ raw: Buffer.byteLength(text), gzip: gzipSync(text).length });

/** The smallest program that encodes a claim with ethers, bundled and minified as the dashboard is. */
const ethersClaim = async (): Promise<string> => {
  const result = await build({
    stdin: {
      contents: `import { Interface } from 'ethers';
        const i = new Interface(['function claim(address,address,uint256,bytes32[])', 'function claimMany(address[],address[],uint256[],bytes32[][])']);
        export const encode = (a, t, c, p) => i.encodeFunctionData('claim', [a, t, c, p]);`,
      resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
};

export default async function webBench(ctx: BenchContext): Promise<string> {
  const runs = ctx.quick ? 3 : 10;
  const times: number[] = [];
  let files: Record<string, string> = {};
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    files = await bundleWeb();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const app = sizes(files['app.js']!);
  const all = sizes(Object.values(files).join(''));
  const ethers = sizes(await ethersClaim());
  return [
    '## Dashboard bundle',
    '',
    `Command: \`npm run bench -- web\`. esbuild, minified, ES2020; median of ${runs} bundles.`,
    '',
    '| what | size | gzipped |',
    '|---|---:|---:|',
    `| app.js (every page, charts, wallet, claim calldata) | ${kb(app.raw)} | ${kb(app.gzip)} |`,
    `| index.html + app.css + app.js | ${kb(all.raw)} | ${kb(all.gzip)} |`,
    `| ethers' Interface alone, encoding claim and claimMany (what the hand encoder saves) | ${kb(ethers.raw)} | ${kb(ethers.gzip)} |`,
    '',
    `Bundle time: ${Math.round(times[Math.floor(runs / 2)]!)} ms (median), ${Math.round(times[0]!)} ms fastest.`,
  ].join('\n');
}
