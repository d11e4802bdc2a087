/**
 * `cxt export`: the log as JSON lines, one envelope per line in global order, exactly as the store
 * returns it (ids, positions, recordedAt, hashes). Page by page, so memory does not grow with the
 * log, and up to the head as it stood when the export began: appends made meanwhile are left for
 * the next export, and the file is always a prefix of the log with a known last hash.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EventStore, LogHead } from '../eventStore/port.ts';
import { readAllPages } from '../eventStore/shared.ts';

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

/** Writes beside the target and renames over it, so a failed export leaves no half file. */
export const exportLogToFile = async (store: Pick<EventStore, 'readAll' | 'head'>, path: string, pageSize = 1000): Promise<ExportResult> => {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    let result: ExportResult;
    try {
      const lines = logLines(store, pageSize);
      for (;;) {
        const next = await lines.next();
        if (next.done) {
          result = next.value;
          break;
        }
        await handle.write(next.value);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};
