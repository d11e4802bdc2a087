/**
 * Signer recovery: the native libsecp256k1 path recovers exactly what ethers does (any key, both
 * recovery ids, v as 27/28, 0/1 or EIP-155), refuses what ethers refuses, is the one this machine runs, and
 * the worker pool answers a burst (one message per worker) in request order, each its own.
 */
import fc from 'fast-check';
import { Wallet, hexlify, recoverAddress } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverSignerAddress, recoveryBackend } from '../../adapters/http/recoverAddress.mjs';
import { createSignatureRecovery } from '../../adapters/http/signatureRecovery.ts';

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x !== 0) && b[0]! < 0xff);
const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b));

describe('signer recovery', () => {
  const pool = createSignatureRecovery(2);
  afterAll(() => pool.close());

  it('runs on libsecp256k1 here (the binding installed and loads)', () => {
    expect(recoveryBackend).toBe('libsecp256k1');
  });

  it('recovers what ethers recovers, for any key and digest', () => {
    fc.assert(
      fc.property(keyArb, digestArb, (key, digest) => {
        const wallet = new Wallet(hexlify(key));
        const signature = wallet.signingKey.sign(digest);
        expect(recoverSignerAddress(digest, signature.serialized)).toBe(wallet.address.toLowerCase());
        // v written as a recovery id (0/1) instead of 27/28.
        const raw = `${signature.serialized.slice(0, 130)}${(signature.v - 27).toString(16).padStart(2, '0')}`;
        expect(recoverSignerAddress(digest, raw)).toBe(recoverAddress(digest, signature.serialized).toLowerCase());
        // …and as EIP-155 (chain 1: 37/38), which ethers also reads.
        const eip155 = `${signature.serialized.slice(0, 130)}${(signature.v + 10).toString(16)}`;
        expect(recoverSignerAddress(digest, eip155)).toBe(recoverAddress(digest, eip155).toLowerCase());
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a signature that recovers to no key', () => {
    const digest = `0x${'11'.repeat(32)}`;
    expect(() => recoverSignerAddress(digest, `0x${'00'.repeat(64)}1b`)).toThrow();
  });

  it('answers a burst through the workers in order, each with its own signer', async () => {
    const wallets = Array.from({ length: 50 }, (_, i) => new Wallet(hexlify(new Uint8Array(32).fill(i + 1))));
    const digest = `0x${'42'.repeat(32)}`;
    const answers = await Promise.all(wallets.map((w) => pool.recover(digest, w.signingKey.sign(digest).serialized)));
    expect(answers).toEqual(wallets.map((w) => ({ ok: true, signer: w.address.toLowerCase() })));
    expect(await pool.recover(digest, `0x${'00'.repeat(64)}1b`)).toMatchObject({ ok: false });
  });
});
