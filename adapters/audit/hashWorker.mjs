/**
 * Worker thread of hashPool.ts: recomputes the chain hash of each line's envelope with the domain's
 * own hashEnvelope (loaded through tsx, as bin/cxt.mjs loads the CLI), so the rule stays written
 * once. Plain JavaScript so the worker starts without the TypeScript loader already in place.
 * A line that does not parse or hash gets null; the main thread reports it.
 */
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { hashEnvelope } = await import('../../domain/hashChain.ts');

const hashOf = (text) => {
  try {
    return hashEnvelope(JSON.parse(text));
  } catch {
    return null;
  }
};

parentPort.on('message', ({ id, lines }) => {
  parentPort.postMessage({ id, hashes: lines.map(hashOf) });
});
