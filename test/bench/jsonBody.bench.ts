/**
 * The HTTP JSON body parser (JSON.parse + one scan for duplicate keys, NUL, lone surrogates and
 * reserved keys) against JSON.parse alone, on 64 KB bodies (the default BODY_LIMIT_BYTES).
 */
import { performance } from 'node:perf_hooks';
import { parseJsonBody } from '../../adapters/http/jsonBody.ts';
import type { BenchContext } from './run.ts';

const LIMIT_BYTES = 65_536;

const fill = (piece: (i: number) => string, open: string, close: string): string => {
  const parts: string[] = [];
  let size = open.length + close.length;
  for (let i = 0; ; i++) {
    const p = piece(i);
    if (size + p.length + 1 > LIMIT_BYTES) break;
    parts.push(p);
    size += p.length + 1;
  }
  return `${open}${parts.join(',')}${close}`;
};

const BODIES: ReadonlyArray<readonly [string, string]> = [
  [
    'many small objects (contribution-shaped)',
    fill(
      (i) =>
        JSON.stringify({ contributionId: `c-${i}`, nodeId: `gpu-${i % 64}`, epoch: 12, kind: 'training', units: 1500, proofHash: `0x${'1d'.repeat(32)}`, taskId: '' }),
      '{"items":[',
      ']}',
    ),
  ],
  ['one long string (padding)', `{"region":"eu","padding":"${'x'.repeat(LIMIT_BYTES - 40)}"}`],
  ['escaped strings (every string decoded)', fill((i) => `"k${i}":"line\\nnext \\u00e9 \\ud83d\\ude80"`, '{', '}')],
];

const microsPerParse = (body: string, parse: (s: string) => unknown, rounds: number): number => {
  for (let i = 0; i < Math.min(rounds, 200); i++) parse(body);
  const t = performance.now();
  for (let i = 0; i < rounds; i++) parse(body);
  return ((performance.now() - t) * 1000) / rounds;
};

export default async function jsonBodyBench(ctx: BenchContext): Promise<string> {
  const rounds = ctx.quick ? 200 : 3_000;
  const rows = BODIES.map(([label, body]) => {
    const plain = microsPerParse(body, (s) => JSON.parse(s), rounds);
    const ours = microsPerParse(body, parseJsonBody, rounds);
    return `| ${label} | ${(body.length / 1024).toFixed(1)} KB | ${plain.toFixed(0)} | ${ours.toFixed(0)} | ${(ours / plain).toFixed(2)}× |`;
  });
  return [
    '## JSON body parser (duplicate keys, NUL, lone surrogates)',
    '',
    `Command: \`npm run bench -- jsonBody\`. ${rounds.toLocaleString('en')} parses of each body, one thread.`,
    '',
    '| body | size | JSON.parse µs | parseJsonBody µs | ratio |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
