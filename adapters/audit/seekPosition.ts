/**
 * Finds the line of one position in an exported log without reading what comes before it: lines
 * are in position order, so a binary search over byte offsets (each probe reads the first whole
 * line at or after an offset) lands on it in about log2(file size) reads. This is what lets a tail
 * audit of a log of any length start in milliseconds.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface LocatedLine {
  /** Byte offset of the line's first character. */
  readonly start: number;
  /** Byte offset just after its newline (where the next line starts). */
  readonly end: number;
  readonly text: string;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** The first whole line starting at or after `offset`. */
const lineFrom = async (file: FileHandle, offset: number, size: number): Promise<LocatedLine | undefined> => {
  let start = offset;
  const buffer = Buffer.alloc(CHUNK_BYTES);
  if (offset > 0) {
    // Skip the rest of the line the offset falls into (unless it falls just after a newline).
    for (let at = offset - 1; ; at += CHUNK_BYTES) {
      if (at >= size) return undefined;
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, at);
      const i = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
      if (i >= 0) {
        start = at + i + 1;
        break;
      }
    }
  }
  if (start >= size) return undefined;
  const parts: Buffer[] = [];
  for (let at = start; at < size; at += CHUNK_BYTES) {
    const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, at);
    const chunk = buffer.subarray(0, bytesRead);
    const i = chunk.indexOf(NEWLINE);
    if (i >= 0) {
      parts.push(Buffer.from(chunk.subarray(0, i)));
      return { start, end: at + i + 1, text: Buffer.concat(parts).toString('utf8') };
    }
    parts.push(Buffer.from(chunk));
  }
  return { start, end: size, text: Buffer.concat(parts).toString('utf8') };
};

/** The envelope's position as written by `cxt export`; undefined for a line that has none. */
const positionOf = (text: string): number | undefined => {
  const m = /"position":(\d+)/.exec(text);
  return m === null ? undefined : Number(m[1]);
};

/** The line holding `position`, or undefined when the file has none (or is out of order there). */
export const findLineAtPosition = async (path: string, position: number): Promise<LocatedLine | undefined> => {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    // Smallest offset whose first whole line is at `position` or later (or past the end).
    let low = 0;
    let high = size;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const line = await lineFrom(file, middle, size);
      const at = line === undefined ? Infinity : (positionOf(line.text) ?? -1);
      if (at >= position) high = middle;
      else low = middle + 1;
    }
    const line = await lineFrom(file, low, size);
    return line !== undefined && positionOf(line.text) === position ? line : undefined;
  } finally {
    await file.close();
  }
};
