/**
 * The profile behind a figure: with BENCH_PROFILE=<dir>, `profiled(name, work)` records the bench
 * process's main thread (V8's sampling profiler, through node:inspector) while `work` runs, writes
 * `<dir>/<name>.cpuprofile` (open it in Chrome DevTools) and returns the functions that took the
 * most self time, as a table for the bench's output. Without it, `work` just runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const TOP = 15;

const where = (n: ProfileNode): string => {
  const file = n.callFrame.url.split('/').slice(-2).join('/');
  return `${n.callFrame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
};

/** Self time per function (µs), largest first. */
const selfTimes = (p: Profile): Array<[string, number]> => {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    // The inspector's own Profiler.stop, sampled as it serializes the profile: not the bench's work.
    if (node.callFrame.functionName === 'dispatch' && node.callFrame.url === '') return;
    const key = where(node);
    totals.set(key, (totals.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
};

export interface Profiled<T> {
  readonly result: T;
  /** Markdown lines (empty without BENCH_PROFILE). */
  readonly summary: string[];
}

export const profiled = async <T>(name: string, work: () => Promise<T>): Promise<Profiled<T>> => {
  const dir = process.env.BENCH_PROFILE;
  if (dir === undefined || dir === '') return { result: await work(), summary: [] };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let result: T;
  let profile: Profile;
  try {
    result = await work();
  } finally {
    ({ profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile });
    session.disconnect();
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  const times = selfTimes(profile);
  const total = times.reduce((sum, [, t]) => sum + t, 0);
  return {
    result,
    summary: [
      '',
      `Profile of the bench process's main thread during "${name}" (BENCH_PROFILE, ${join(dir, `${name}.cpuprofile`)}): self time, top ${TOP}. ` +
        'The profiler slows what it watches: take throughput figures from a run without it.',
      '',
      '| function | self time | share |',
      '|---|---:|---:|',
      ...times.slice(0, TOP).map(([fn, t]) => `| ${fn.replaceAll('|', '\\|')} | ${(t / 1e6).toFixed(2)} s | ${((100 * t) / total).toFixed(1)} % |`),
    ],
  };
};
