/**
 * Signer recovery in a small pool of worker threads, so the CPU each EIP-712 recovery costs
 * (≈ 65 µs with libsecp256k1, ≈ 1.6 ms with the pure-JS fallback) does not stall every other
 * request (health checks included) on the event loop. Recoveries asked for in the same tick (a
 * batch request) travel to a worker as one message. With no workers it recovers inline. A worker
 * that dies fails only its own pending requests and is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { recoverSigner, signatureProblem, type Recovered } from './eip712.ts';

export interface SignatureRecovery {
  recover(digest: string, signature: string): Promise<Recovered>;
  close(): Promise<void>;
}

/** One core stays with the event loop; at most four workers. */
export const defaultRecoveryWorkers = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

const WORKER_URL = new URL('./recoverWorker.mjs', import.meta.url);

interface Request {
  readonly id: number;
  readonly digest: string;
  readonly signature: string;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, (r: Recovered) => void>;
  /** Asked for in this tick, not yet posted. */
  outgoing: Request[];
}

export const createSignatureRecovery = (workers = defaultRecoveryWorkers()): SignatureRecovery => {
  if (workers <= 0) return { recover: async (digest, signature) => recoverSigner(digest, signature), close: async () => undefined };
  let nextId = 0;
  let closed = false;

  const spawnInto = (slot: Slot): void => {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (answers: Array<{ id: number; signer?: string; error?: string }>) => {
      for (const m of answers) {
        const settle = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        settle?.(m.signer ? { ok: true, signer: m.signer } : { ok: false, message: `is not a valid secp256k1 signature (${m.error})` });
      }
    });
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      for (const settle of slot.pending.values()) settle({ ok: false, message: 'could not be checked: the signature worker stopped; retry the request' });
      slot.pending.clear();
      if (!closed) spawnInto(slot);
    });
    slot.worker = worker;
  };

  const slots: Slot[] = Array.from({ length: workers }, () => {
    const slot = { pending: new Map(), outgoing: [] as Request[] } as Slot;
    spawnInto(slot);
    return slot;
  });

  return {
    recover(digest, signature) {
      const problem = signatureProblem(signature);
      if (problem) return Promise.resolve({ ok: false, message: problem });
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise((resolve) => {
        slot.pending.set(id, resolve);
        if (slot.outgoing.push({ id, digest, signature }) > 1) return;
        queueMicrotask(() => {
          const requests = slot.outgoing;
          slot.outgoing = [];
          slot.worker.postMessage(requests);
        });
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
};
