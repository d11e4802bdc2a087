/**
 * Streams a JSON-lines file line by line, so a log of any size is read in bounded memory. Bytes
 * read are reported as they arrive, for a progress bar.
 *
 * Lines are split on the bytes themselves (createLineSplitter) rather than by node:readline, which
 * decodes every chunk to a string and runs a regular expression over it: on a million-event audit
 * that was about a second of the main thread. The split is readline's exactly (\n, \r\n and a lone
 * \r end a line; an empty last line is not one); a property test holds the two equal.
 */
import { createReadStream } from 'node:fs';

export interface LogLine {
  /** 1-based. */
  readonly number: number;
  readonly text: string;
}

/** The lines of one chunk of the file: `lines[i]` is line `firstLine + i`. */
export interface LogLineBatch {
  readonly firstLine: number;
  readonly lines: readonly string[];
}

export interface ReadFrom {
  /** Byte offset of the first line read (default 0). */
  readonly startByte: number;
  /** The number that line gets (default 1). */
  readonly firstLine: number;
}

const LF = 0x0a;
const CR = 0x0d;

export interface LineSplitter {
  /** The lines that end in this chunk (a line may have begun in earlier ones). */
  push(chunk: Buffer): string[];
  /** The last line, when the input does not end with a line break. */
  end(): string[];
}

export const createLineSplitter = (): LineSplitter => {
  // Bytes of a line begun in earlier chunks and not ended yet (a list: a long line is not re-copied per chunk).
  let pending: Buffer[] = [];
  // The last chunk ended in \r: a \n opening the next one belongs to that line break.
  let afterCr = false;
  const take = (chunk: Buffer, start: number, end: number): string => {
    if (pending.length === 0) return chunk.toString('utf8', start, end);
    const text = Buffer.concat([...pending, chunk.subarray(start, end)]).toString('utf8');
    pending = [];
    return text;
  };
  return {
    push(chunk) {
      const lines: string[] = [];
      let start = afterCr && chunk[0] === LF ? 1 : 0;
      afterCr = false;
      let cr = chunk.indexOf(CR, start);
      let lf = chunk.indexOf(LF, start);
      while (lf >= 0 || cr >= 0) {
        const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
        lines.push(take(chunk, start, end));
        start = end + (chunk[end] === CR && chunk[end + 1] === LF ? 2 : 1);
        if (chunk[end] === CR && end + 1 === chunk.length) afterCr = true;
        if (cr >= 0 && cr < start) cr = chunk.indexOf(CR, start);
        if (lf >= 0 && lf < start) lf = chunk.indexOf(LF, start);
      }
      // A copy of the tail only: a subarray would keep the whole chunk alive.
      if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
      return lines;
    },
    end() {
      if (pending.length === 0) return [];
      const last = Buffer.concat(pending).toString('utf8');
      pending = [];
      return [last];
    },
  };
};

/** The file's lines, one batch per chunk read (about 1 MiB): an await per chunk, not per line. */
export async function* readLogLineBatches(path: string, onBytes?: (bytesRead: number) => void, from: ReadFrom = { startByte: 0, firstLine: 1 }): AsyncGenerator<LogLineBatch> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, start: from.startByte });
  // Surface an open error (no such file) here rather than as an unhandled stream error.
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const splitter = createLineSplitter();
  let next = from.firstLine;
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      onBytes?.(bytesRead);
      const lines = splitter.push(chunk);
      if (lines.length === 0) continue;
      yield { firstLine: next, lines };
      next += lines.length;
    }
    const last = splitter.end();
    if (last.length > 0) yield { firstLine: next, lines: last };
  } finally {
    stream.destroy();
  }
}

export async function* readLogLines(path: string, onBytes?: (bytesRead: number) => void, from?: ReadFrom): AsyncGenerator<LogLine> {
  for await (const { firstLine, lines } of readLogLineBatches(path, onBytes, from)) for (const [i, text] of lines.entries()) yield { number: firstLine + i, text };
}
