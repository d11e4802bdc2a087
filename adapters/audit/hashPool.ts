/**
 * Chain hashes off the main thread. Recomputing each envelope's hash (JCS + two keccak256) is most
 * of an audit's CPU, and it needs nothing but the line itself, so batches of lines go to worker
 * threads while the main thread replays; the links between hashes are still checked in order on
 * the main thread (chainLinks.ts).
 */
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./hashWorker.mjs', import.meta.url);

export type LineHash = true | string | null;

interface Reply {
  readonly id: number;
  readonly hashes?: LineHash[];
  readonly hash?: string;
}

export interface HashPool {
  /**
   * Per line, in order: true when its envelope hashes (hashEnvelope) to the hash the line records,
   * else the hash it does hash to; null where the line does not parse or hash.
   */
  hashLines(lines: readonly string[]): Promise<LineHash[]>;
  /** keccak256 of the concatenated pieces (snapshot.ts snapshotText: a close's stateHash). */
  keccakText(pieces: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (reply: Reply) => void;
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
    worker.on('message', (reply: Reply) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (pending.size > 0) fail(new Error(`a hash worker exited with code ${code}`));
    });
    return worker;
  });
  const ask = (message: Record<string, unknown>): Promise<Reply> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      workers[id % workers.length]!.postMessage({ id, ...message });
    });
  };
  return {
    hashLines: async (lines) => (await ask({ lines })).hashes!,
    keccakText: async (pieces) => (await ask({ pieces })).hash!,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
};
