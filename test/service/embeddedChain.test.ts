/**
 * Issue 9 defect 7 — the embedded chain's clock: block timestamps follow the wall clock, under a
 * burst of transactions and after a restart that replays the journal (which pins old blocks to
 * their recorded times and used to leave the chain behind by the downtime).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedChain } from '../../adapters/service/embeddedChain.ts';
import type { ChainRuntime } from '../../adapters/service/chainRuntime.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const wallSeconds = () => Math.floor(Date.now() / 1000);
const latest = async (c: ChainRuntime) => (await c.provider.getBlock('latest'))!.timestamp;
const burst = async (c: ChainRuntime, n: number) => {
  const to = await c.signer.getAddress();
  for (let i = 0; i < n; i++) await (await c.signer.sendTransaction({ to, value: 1n })).wait();
};

describe('embedded chain clock', () => {
  it('follows the wall clock after a burst of transactions and across a restart from an hour-old journal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxt-chain-'));
    dirs.push(dir);
    // A journal begun an hour ago (the service stopped right after creating it).
    await mkdir(join(dir, 'chain'), { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await writeFile(join(dir, 'chain', 'journal.jsonl'), `${JSON.stringify({ version: 1, initialDate: hourAgo, chainId: 31337 })}\n`);
    const options = { dir: join(dir, 'chain'), rpcPort: 0, timelockSeconds: 5 };

    const first = await startEmbeddedChain(options);
    expect(Math.abs((await latest(first)) - wallSeconds())).toBeLessThanOrEqual(2);
    await burst(first, 30);
    expect((await latest(first)) - wallSeconds()).toBeLessThanOrEqual(1);
    const distributor = first.distributor;
    const replayedHead = await first.provider.getBlockNumber();
    await first.close();

    const second = await startEmbeddedChain(options);
    expect(second.distributor).toBe(distributor);
    expect(await second.provider.getBlockNumber()).toBe(replayedHead);
    await burst(second, 3);
    expect(Math.abs((await latest(second)) - wallSeconds())).toBeLessThanOrEqual(2);
    await second.close();
  });
});
