/**
 * An exported log file read back as envelopes, for `cxt import`: strict — the first line that is not
 * an envelope stops the read with its line number (blank lines included, so envelope n is line n).
 */
import type { StoredEvent } from '../../domain/hashChain.ts';
import { parseEnvelopeLine } from './envelope.ts';
import { readLogLines } from './lineReader.ts';

export class LogFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'LogFileError';
  }
}

export async function* envelopesOf(path: string): AsyncGenerator<StoredEvent> {
  for await (const { number, text } of readLogLines(path)) {
    const parsed = parseEnvelopeLine(text);
    if (!parsed.ok) throw new LogFileError(number, `line ${number}: ${parsed.message}`);
    yield parsed.envelope;
  }
}
