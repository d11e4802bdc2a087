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
const { createKeccak256Sponge } = await import('../../domain/merkle/keccakSponge.ts');

/** keccak256 of the concatenated pieces: a close's stateHash, from its snapshot text. */
const keccakOf = (pieces) => {
  const sponge = createKeccak256Sponge();
  for (const piece of pieces) sponge.update(piece);
  return sponge.digestHex();
};

// true when the line's content hashes to the hash it records (nearly every line): a boolean
// crosses back to the main thread for less than a 66-character string would.
const hashOf = (text) => {
  try {
    const envelope = JSON.parse(text);
    const hash = hashEnvelope(envelope);
    return hash === envelope.hash ? true : hash;
  } catch {
    return null;
  }
};

parentPort.on('message', ({ id, lines, pieces }) => {
  if (pieces !== undefined) parentPort.postMessage({ id, hash: keccakOf(pieces) });
  else parentPort.postMessage({ id, hashes: lines.map(hashOf) });
});
