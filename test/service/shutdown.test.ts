/**
 * Graceful shutdown over a real socket: stop() is called while dozens of signed contributions
 * are in flight. Every request the server took is answered in full (201), later ones are turned
 * away (503 or a refused connection), none fails half-way; the store, reopened, holds exactly the
 * answered writes; a second stop() is the same stop.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPgliteEventStore } from '../../adapters/eventStore/index.ts';
import { ADMIN, proofHash, signedContribution, startHarness, wallet } from './harness.ts';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, writes exactly what it answered, and stops once', async () => {
    const h = await startHarness();
    const signer = wallet('shutdown-signer');
    const register = await h.request('POST', '/v1/nodes', { token: ADMIN, body: { nodeId: 'n', operator: signer.address, signer: signer.address, hardwareClass: 'cpu' } });
    expect(register.status).toBe(201);
    const before = await h.eventCount();
    const bodies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        signedContribution(signer, h.service.chain.chainId, { contributionId: `s-${i}`, nodeId: 'n', epoch: 0, kind: 'data', units: i + 1, proofHash: proofHash(i + 1) }),
      ),
    );
    let firstAnswered!: () => void;
    const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
    const outcomes = bodies.map((body) =>
      fetch(`${h.service.url}/v1/contributions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => {
          firstAnswered();
          return r.status;
        },
        () => 'refused' as const,
      ),
    );
    await answered;
    const stopping = h.service.stop();
    expect(h.service.stop()).toBe(stopping);
    // A request that arrives once stopping has begun is turned away, never half-served.
    const late = fetch(`${h.service.url}/healthz`).then((r) => r.status, () => 'refused' as const);
    await stopping;
    expect([503, 'refused']).toContain(await late);
    const statuses = await Promise.all(outcomes);
    const accepted = statuses.filter((s) => s === 201).length;
    expect(accepted).toBeGreaterThan(0);
    for (const s of statuses) expect([201, 503, 'refused']).toContain(s);

    const store = await openPgliteEventStore(join(h.dataDir, 'pglite'));
    try {
      expect((await store.head()).position).toBe(before + accepted);
    } finally {
      await store.close();
      await rm(h.dataDir, { recursive: true, force: true });
    }
  });
});
