/**
 * Worker thread of signatureRecovery.ts: recovers the signing address of an EIP-712 digest, off
 * the HTTP event loop (secp256k1 public-key recovery costs milliseconds of pure-JS CPU). Plain
 * JavaScript so it loads in a worker without the TypeScript loader. Signatures arrive already
 * checked for shape by the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { recoverAddress } from 'ethers';

parentPort.on('message', ({ id, digest, signature }) => {
  try {
    parentPort.postMessage({ id, signer: recoverAddress(digest, signature).toLowerCase() });
  } catch (error) {
    parentPort.postMessage({ id, error: error?.shortMessage ?? 'unrecoverable' });
  }
});
