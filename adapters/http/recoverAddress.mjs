/**
 * secp256k1 signer recovery for an Ethereum signature (r ‖ s ‖ v over a 32-byte digest), lowercase
 * address out. libsecp256k1 through the `secp256k1` npm binding (built by node-gyp when the
 * package installs; its npm tarball also carries a prebuilt linux-x64 binary) recovers in about
 * 65 µs; ethers' pure-JS recovery, the fallback when the binding cannot load, takes about 1.6 ms
 * (`npm run bench -- signatures`). Plain JavaScript so the worker threads load it without the
 * TypeScript loader; signatures arrive already checked for shape (signatureProblem in eip712.ts).
 */
import { createRequire } from 'node:module';
import { Signature, getBytes, keccak256, recoverAddress } from 'ethers';

const loadNative = () => {
  try {
    // `secp256k1/bindings` is the native binding only: it throws rather than fall back to elliptic.
    return createRequire(import.meta.url)('secp256k1/bindings');
  } catch {
    return undefined;
  }
};

const native = loadNative();

/** Which implementation this process uses: 'libsecp256k1' or 'ethers'. */
export const recoveryBackend = native === undefined ? 'ethers' : 'libsecp256k1';

const recoverNative = (digest, signature) => {
  const bytes = getBytes(signature);
  // ethers' reading of v (0/1, 27/28 or EIP-155), so both backends accept exactly the same signatures.
  const recovery = Signature.getNormalizedV(bytes[64]) - 27;
  const publicKey = native.ecdsaRecover(bytes.subarray(0, 64), recovery, getBytes(digest), false);
  return `0x${keccak256(publicKey.subarray(1)).slice(-40)}`;
};

/** Throws (as ethers does) when the signature recovers to no key. */
export const recoverSignerAddress = native === undefined ? (digest, signature) => recoverAddress(digest, signature).toLowerCase() : recoverNative;
