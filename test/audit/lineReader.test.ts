import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../adapters/audit/lineReader.ts';

/** What node:readline (crlfDelay: Infinity, as the reader used before) makes of these chunks. */
const readlineLines = async (chunks: readonly Buffer[]): Promise<string[]> => {
  const lines: string[] = [];
  for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity })) lines.push(line);
  return lines;
};

const splitterLines = (chunks: readonly Buffer[]): string[] => {
  const splitter = createLineSplitter();
  return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
};

/** Text made of the pieces that matter: line breaks of every kind, multi-byte characters, plain JSON. */
const text = fc.array(fc.constantFrom('a', '{"k":1}', '\n', '\r', '\r\n', '\n\n', 'é', '€', '😀', ' '), { maxLength: 60 }).map((parts) => parts.join(''));

/** The bytes cut at arbitrary offsets: inside a character, between \r and \n, anywhere. */
const chunked = text.chain((t) => {
  const bytes = Buffer.from(t, 'utf8');
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 8 }).map((cuts) => {
    const offsets = [0, ...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
    return offsets.slice(1).map((end, i) => bytes.subarray(offsets[i], end)).filter((c) => c.length > 0);
  });
});

describe('the audit line splitter', () => {
  it('splits any bytes, cut into any chunks, into exactly the lines readline gives', async () => {
    await fc.assert(
      fc.asyncProperty(chunked, async (chunks) => {
        expect(splitterLines(chunks)).toEqual(await readlineLines(chunks));
      }),
      { numRuns: 500 },
    );
  });

  it('given a \\r\\n split across two chunks, when read, then it is one line break', () => {
    expect(splitterLines([Buffer.from('{"a":1}\r'), Buffer.from('\n{"b":2}\n')])).toEqual(['{"a":1}', '{"b":2}']);
  });
});
