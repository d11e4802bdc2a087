/**
 * Feeds the lines of a log file, in order, to a handler — with their chain hashes precomputed by a
 * hash pool when there is one. Batches go to the workers ahead of the handler, a bounded number at
 * a time, so the file is still streamed in bounded memory while the workers hash ahead.
 */
import type { HashPool, LineHash } from './hashPool.ts';
import { readLogLineBatches, type ReadFrom } from './lineReader.ts';

/** `hash`: what a hash worker found for the line (hashPool.ts); undefined without workers or where it could not. */
export type LineHandler = (line: number, text: string, hash: Exclude<LineHash, null> | undefined) => void;

const LINES_PER_BATCH = 500;
const BATCHES_IN_FLIGHT_PER_WORKER = 4;

interface Batch {
  readonly firstLine: number;
  readonly lines: readonly string[];
  readonly hashes: Promise<LineHash[]>;
}

export const forEachLogLine = async (
  path: string,
  handle: LineHandler,
  options: { readonly pool?: HashPool; readonly workers?: number; readonly onBytes?: (bytesRead: number) => void; readonly from?: ReadFrom } = {},
): Promise<void> => {
  const { pool } = options;
  const readBatches = () => readLogLineBatches(path, options.onBytes, options.from);
  if (pool === undefined) {
    for await (const { firstLine, lines } of readBatches()) for (let i = 0; i < lines.length; i++) handle(firstLine + i, lines[i]!, undefined);
    return;
  }
  const maxInFlight = BATCHES_IN_FLIGHT_PER_WORKER * Math.max(1, options.workers ?? 1);
  const queue: Batch[] = [];
  const send = (firstLine: number, lines: readonly string[]) => {
    const hashes = pool.hashLines(lines);
    // Awaited in order later; until then a failure must not surface as an unhandled rejection.
    hashes.catch(() => undefined);
    queue.push({ firstLine, lines, hashes });
  };
  const handleOldest = async () => {
    const batch = queue.shift()!;
    const hashes = await batch.hashes;
    batch.lines.forEach((text, i) => handle(batch.firstLine + i, text, hashes[i] ?? undefined));
  };
  // Each chunk's lines go to the workers in slices of LINES_PER_BATCH (a chunk's last slice may be shorter).
  for await (const chunk of readBatches())
    for (let i = 0; i < chunk.lines.length; i += LINES_PER_BATCH) {
      send(chunk.firstLine + i, chunk.lines.slice(i, i + LINES_PER_BATCH));
      if (queue.length >= maxInFlight) await handleOldest();
    }
  while (queue.length > 0) await handleOldest();
};
