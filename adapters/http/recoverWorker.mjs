/**
 * Worker thread of signatureRecovery.ts: recovers the signing address of an EIP-712 digest, off
 * the HTTP event loop. Plain JavaScript so it loads in a worker without the TypeScript loader.
 * Signatures arrive already checked for shape by the main thread. A batch of requests arrives as
 * one message and is answered with one (fewer thread hops for batch ingestion).
 */
import { parentPort } from 'node:worker_threads';
import { recoverSignerAddress } from './recoverAddress.mjs';

const recoverOne = ({ id, digest, signature }) => {
  try {
    return { id, signer: recoverSignerAddress(digest, signature) };
  } catch (error) {
    return { id, error: error?.shortMessage ?? error?.message ?? 'unrecoverable' };
  }
};

parentPort.on('message', (requests) => parentPort.postMessage(requests.map(recoverOne)));
