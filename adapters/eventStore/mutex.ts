/**
 * A promise-chain mutex: the in-process append lock of the memory store (and the in-process half of
 * the EventStoreDB store's lock), so concurrent callers in one process never interleave an append.
 */
export interface Mutex {
  /** Runs `fn` once every earlier caller's `fn` has settled; a failure does not poison the lock. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export const createMutex = (): Mutex => {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn);
      tail = result.catch(() => undefined);
      return result;
    },
  };
};
