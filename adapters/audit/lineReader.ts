/**
 * Streams a JSON-lines file line by line (readline over a read stream), so a log of any size is
 * read in bounded memory. Bytes read are reported as they arrive, for a progress bar.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface LogLine {
  /** 1-based. */
  readonly number: number;
  readonly text: string;
}

export interface ReadFrom {
  /** Byte offset of the first line read (default 0). */
  readonly startByte: number;
  /** The number that line gets (default 1). */
  readonly firstLine: number;
}

export async function* readLogLines(path: string, onBytes?: (bytesRead: number) => void, from: ReadFrom = { startByte: 0, firstLine: 1 }): AsyncGenerator<LogLine> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, start: from.startByte });
  if (onBytes) {
    let bytesRead = 0;
    stream.on('data', (chunk) => {
      bytesRead += chunk.length;
      onBytes(bytesRead);
    });
  }
  // Surface an open error (no such file) here rather than as an unhandled stream error.
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = from.firstLine - 1;
  try {
    for await (const text of lines) yield { number: ++number, text };
  } finally {
    lines.close();
    stream.destroy();
  }
}
