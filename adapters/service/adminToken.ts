/**
 * The admin token of the embedded default. Generated on the first start and printed once; only
 * its SHA-256 digest is kept (in the data dir), so a copy of the data dir does not hand out the
 * token. A restart keeps the digest and therefore the token. Lost it? Delete the file and restart.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenDigest, type TokenDigest } from '../http/auth.ts';

export const ADMIN_TOKEN_FILE = 'admin-token.sha256';

export interface AdminToken {
  readonly digest: TokenDigest;
  /** The token itself, only on the start that generated it. */
  readonly generated?: string;
}

const readDigest = (path: string): TokenDigest => {
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${path} does not hold a SHA-256 digest; delete it to generate a new admin token`);
  return Buffer.from(hex, 'hex');
};

export const ensureAdminToken = (dataDir: string): AdminToken => {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  const token = `cxt_admin_${randomBytes(32).toString('base64url')}`;
  const digest = tokenDigest(token);
  try {
    // 'wx': two processes starting together cannot both generate one; the loser reads the winner's.
    writeFileSync(path, `${digest.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    return { digest, generated: token };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { digest: readDigest(path) };
  }
};
