/**
 * Streaming file helpers: buffered line writers and readers over plain file descriptors, so a
 * series of millions of rows passes through memory a chunk at a time.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const CHUNK_BYTES = 1 << 20;

export interface LineWriter {
  write(line: string): void;
  close(): void;
}

export const openLineWriter = (path: string, flags: 'w' | 'a' = 'w'): LineWriter => {
  const fd = openSync(path, flags);
  let buffer: string[] = [];
  let size = 0;
  const flush = () => {
    if (buffer.length === 0) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    write(line) {
      buffer.push(line, '\n');
      size += line.length + 1;
      if (size >= CHUNK_BYTES) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
};

export interface LineReader {
  /** The next line without its newline, or undefined at the end. */
  next(): string | undefined;
  close(): void;
}

export const openLineReader = (path: string): LineReader => {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let pending = '';
  let lines: string[] = [];
  let cursor = 0;
  let ended = false;
  const fill = (): void => {
    while (cursor >= lines.length && !ended) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) {
        ended = true;
        lines = pending === '' ? [] : [pending];
        pending = '';
      } else {
        // Rows are ASCII, so a chunk boundary can never split a character.
        const parts = (pending + chunk.toString('latin1', 0, n)).split('\n');
        pending = parts.pop()!;
        lines = parts;
      }
      cursor = 0;
    }
  };
  return {
    next() {
      fill();
      return cursor < lines.length ? lines[cursor++] : undefined;
    },
    close: () => closeSync(fd),
  };
};

/** Appends the whole of `from` to the open writer, line by line. */
export const copyLines = (from: string, to: LineWriter): number => {
  const reader = openLineReader(from);
  let count = 0;
  try {
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      to.write(line);
      count++;
    }
  } finally {
    reader.close();
  }
  return count;
};
