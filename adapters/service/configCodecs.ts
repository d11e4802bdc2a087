/** The text codecs of the configuration: environment variables, and the fields of PAYOUT_CHAINS. */
import * as t from 'io-ts';

export const text = (name: string, test: (s: string) => boolean, message: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, message)),
    (v) => v,
  );

export const isUrl = (protocols: readonly string[]) => (s: string) => {
  try {
    return protocols.includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

export const HttpUrl = text('HttpUrl', isUrl(['http:', 'https:', 'ws:', 'wss:']), 'must be an http(s):// or ws(s):// URL');
export const PrivateKey = text('PrivateKey', (s) => /^(0x)?[0-9a-fA-F]{64}$/.test(s), 'must be a 32-byte hex private key');

/** A private key as ethers takes it. */
export const withHexPrefix = (key: string): string => (key.startsWith('0x') ? key : `0x${key}`);
