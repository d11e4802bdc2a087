/**
 * Chain hashes off the main thread. Recomputing each envelope's hash (JCS + two keccak256) is most
 * of an audit's CPU, and it needs nothing but the line itself, so batches of lines go to worker
 * threads while the main thread replays; the links between hashes are still checked in order on
 * the main thread (chainLinks.ts).
 */
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./hashWorker.mjs', import.meta.url);

export interface HashPool {
  /** hashEnvelope of each line's envelope, in order; null where the line does not parse or hash. */
  hashLines(lines: readonly string[]): Promise<(string | null)[]>;
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (hashes: (string | null)[]) => void;
  readonly reject: (error: Error) => void;
}

export const createHashPool = (workerCount: number): HashPool => {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const workers = Array.from({ length: workerCount }, () => {
    const worker = new Worker(WORKER_URL);
    worker.on('message', ({ id, hashes }: { id: number; hashes: (string | null)[] }) => {
      pending.get(id)?.resolve(hashes);
      pending.delete(id);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (pending.size > 0) fail(new Error(`a hash worker exited with code ${code}`));
    });
    return worker;
  });
  return {
    hashLines(lines) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, lines });
      });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
};
