/**
 * Throughput without loss (group commit + batch ingestion): 10 concurrent writers send 5,000
 * distinct signed contributions through the real service, half of them as batches of 100 and half
 * one request each. Every item is accepted exactly once, every accepted item has its event and
 * none has two, positions are gap-free, the chain verifies, and the exported log audits clean.
 * A batch sent again is answered item by item as duplicates with the original events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../adapters/audit/audit.ts';
import { exportLogToFile } from '../../adapters/audit/exportLog.ts';
import { verifyStoreChain } from '../../adapters/eventStore/index.ts';
import { ADMIN, proofHash, signedContribution, startHarness, storagesUnderTest, wallet, type Harness } from './harness.ts';

const WRITERS = 10;
const PER_WRITER = 500;
const BATCH = 100;
const CHAIN_ID = 31337;

type Signed = Awaited<ReturnType<typeof signedContribution>>;

/** Writer w's signed items: its own node, distinct ids. Signed once, sent to every storage. */
let items: Signed[][] = [];
const signers = Array.from({ length: WRITERS }, (_, w) => wallet(`writer-signer-${w}`));

beforeAll(async () => {
  items = await Promise.all(
    signers.map((signer, w) =>
      Promise.all(
        Array.from({ length: PER_WRITER }, (_, i) =>
          signedContribution(signer, CHAIN_ID, { contributionId: `w${w}-c${i}`, nodeId: `node-${w}`, epoch: 0, kind: 'compute', units: 1 + i, proofHash: proofHash(w * PER_WRITER + i) }),
        ),
      ),
    ),
  );
}, 120_000);

describe.each(await storagesUnderTest())('10 concurrent writers on %s', (storage) => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({ storage });
    dir = await mkdtemp(join(tmpdir(), 'cxt-writers-'));
    expect(h.service.chain.chainId).toBe(CHAIN_ID);
    for (const [w, signer] of signers.entries()) {
      const r = await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: `node-${w}`, operator: wallet(`writer-op-${w}`).address, signer: signer.address, hardwareClass: 'gpu' } });
      expect(r.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await h?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts each of 5,000 items exactly once: gap-free, chain intact, audit clean', async () => {
    const before = await h.eventCount();
    const statuses = await Promise.all(
      items.map(async (mine, w) => {
        const seen: string[] = [];
        if (w % 2 === 0)
          for (let i = 0; i < mine.length; i += BATCH) {
            const r = await h.request('POST', '/v1/contributions/batch', { body: { items: mine.slice(i, i + BATCH) } });
            expect(r.status).toBe(200);
            expect(r.json.results).toHaveLength(BATCH);
            for (const [k, result] of (r.json.results as Array<{ status: string; events: Array<{ id: string }> }>).entries()) {
              expect(result.events[0]!.id).toBe(`contribution:w${w}-c${i + k}`);
              seen.push(result.status);
            }
          }
        else
          for (const body of mine) {
            const r = await h.request('POST', '/v1/contributions', { body });
            expect(r.json.events[0].id).toBe(`contribution:${body.contribution.contributionId}`);
            seen.push(r.status === 201 ? 'accepted' : `http ${r.status}`);
          }
        return seen;
      }),
    );
    expect(statuses.flat().filter((s) => s !== 'accepted')).toEqual([]);

    const store = h.service.store;
    const log = await store.readAll({ fromPosition: 1, maxCount: 100_000 });
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
    const recorded = log.filter((e) => e.type === 'ContributionRecorded').map((e) => e.id);
    expect(recorded).toHaveLength(WRITERS * PER_WRITER);
    expect(new Set(recorded)).toEqual(new Set(items.flat().map((s) => `contribution:${s.contribution.contributionId}`)));
    expect(await h.eventCount()).toBe(before + WRITERS * PER_WRITER);
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, count: before + WRITERS * PER_WRITER });

    const exported = join(dir, 'events.jsonl');
    await exportLogToFile(store, exported);
    const audit = await runAudit({ eventsPath: exported, hashWorkers: 0 });
    expect(audit.findings).toEqual([]);
    expect(audit.verdict).toBe('clean');
  }, 300_000);

  it('answers a batch sent again item by item as duplicates with the original events, writing nothing', async () => {
    const head = await h.eventCount();
    const again = await h.request('POST', '/v1/contributions/batch', { body: { items: items[0]!.slice(0, BATCH) } });
    expect(again.status).toBe(200);
    expect(new Set(again.json.results.map((r: { status: string }) => r.status))).toEqual(new Set(['duplicate']));
    expect(again.json.results[7].events[0].position).toBe((await h.service.store.readById('contribution:w0-c7'))!.position);
    expect(await h.eventCount()).toBe(head);
  });
});
