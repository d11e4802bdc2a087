/**
 * `cxt export`: the log as JSON lines, one envelope per line in global order, exactly as the store
 * returns it (ids, positions, recordedAt, hashes). Page by page, so memory does not grow with the
 * log, and up to the head as it stood when the export began: appends made meanwhile are left for
 * the next export, and the file is always a prefix of the log with a known last hash.
 */
import type { EventStore, LogHead } from '../eventStore/port.ts';
import { readAllPages } from '../eventStore/shared.ts';
import { writeFileAtomically } from './atomicFile.ts';

export interface ExportResult {
  readonly count: number;
  readonly head: LogHead;
}

/** The envelopes as lines, page by page, through the head read at the start. */
export async function* logLines(store: Pick<EventStore, 'readAll' | 'head'>, pageSize = 1000): AsyncGenerator<string, ExportResult> {
  const head = await store.head();
  let count = 0;
  for await (const page of readAllPages(store, 1, pageSize)) {
    const lines: string[] = [];
    for (const e of page) {
      if (e.position > head.position) break;
      lines.push(`${JSON.stringify(e)}\n`);
    }
    count += lines.length;
    if (lines.length > 0) yield lines.join('');
    if (lines.length < page.length) break;
  }
  return { count, head };
}

/** Written beside the target and renamed over it, so a failed export leaves no half file. */
export const exportLogToFile = (store: Pick<EventStore, 'readAll' | 'head'>, path: string, pageSize = 1000): Promise<ExportResult> =>
  writeFileAtomically(path, async (handle) => {
    const lines = logLines(store, pageSize);
    for (;;) {
      const next = await lines.next();
      if (next.done) return next.value;
      await handle.write(next.value);
    }
  });
