/** Configuration from the environment: embedded defaults, switches to real infrastructure, one-sentence errors. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../adapters/service/config.ts';

const KEY = `0x${'11'.repeat(32)}`;
const ADDR = `0x${'22'.repeat(20)}`;
const errorOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('service configuration', () => {
  it('has embedded defaults for everything and ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' })).toEqual({
      host: '127.0.0.1',
      port: 8080,
      storage: { kind: 'pglite', dataDir: './.cxt' },
      chain: { kind: 'embedded', rpcPort: 8545 },
      tokens: { admin: undefined, indexer: undefined, billing: undefined },
      logLevel: 'info',
      schedule: '* * * * * *',
      bodyLimitBytes: 65_536,
      genesis: {},
      payoutChains: [],
    });
  });

  it('--data-dir wins over DATA_DIR; empty values count as unset', () => {
    expect(loadConfig({ DATA_DIR: '/var/cxt', PORT: '' }, { dataDir: '/tmp/x' })).toMatchObject({ port: 8080, storage: { dataDir: '/tmp/x' } });
    expect(loadConfig({ DATA_DIR: '/var/cxt' }).storage).toEqual({ kind: 'pglite', dataDir: '/var/cxt' });
  });

  it('DATABASE_URL switches to PostgreSQL, the four chain variables to a real chain', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/corex',
      DATABASE_SCHEMA: 'settlement',
      RPC_URL: 'https://rpc.example',
      PRIVATE_KEY: KEY.slice(2),
      DISTRIBUTOR_ADDRESS: ADDR,
      CXT_TOKEN_ADDRESS: ADDR.toUpperCase().replace('0X', '0x'),
      CHAIN_ID: '56',
    });
    expect(c.storage).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/corex', schema: 'settlement', dataDir: './.cxt' });
    expect(c.chain).toEqual({ kind: 'external', rpcUrl: 'https://rpc.example', privateKey: KEY, distributor: ADDR, cxtToken: ADDR, chainId: 56 });
  });

  it('names the missing chain variables when only some are set', () => {
    expect(errorOf({ RPC_URL: 'https://rpc.example', PRIVATE_KEY: KEY })).toBe(
      'Invalid configuration: DISTRIBUTOR_ADDRESS, CXT_TOKEN_ADDRESS must be set too: a real chain needs all of RPC_URL, PRIVATE_KEY, DISTRIBUTOR_ADDRESS, CXT_TOKEN_ADDRESS (RPC_URL, PRIVATE_KEY are set).',
    );
  });

  it('lists every malformed variable in one sentence', () => {
    expect(errorOf({ PORT: '99999', LOG_LEVEL: 'loud', PRIVATE_KEY: 'abc' })).toBe(
      'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "99999"); PRIVATE_KEY must be a 32-byte hex private key (got "abc"); LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud").',
    );
  });

  it('refuses a bad cron schedule, a schema without a database, a short token, a bad address', () => {
    expect(errorOf({ SCHEDULE: 'every second' })).toMatch(/^Invalid configuration: SCHEDULE must be a node-cron expression/);
    expect(errorOf({ DATABASE_SCHEMA: 'x' })).toBe('Invalid configuration: DATABASE_SCHEMA applies only with DATABASE_URL, which is not set.');
    expect(errorOf({ BILLING_TOKEN: 'tiny' })).toMatch(/BILLING_TOKEN must be 24 to 512 printable characters/);
    expect(errorOf({ DISTRIBUTOR_ADDRESS: '0x123' })).toMatch(/DISTRIBUTOR_ADDRESS must be a 0x-prefixed 20-byte hex address/);
  });

  it('PAYOUT_CHAINS decodes each chain, the key defaulting to PRIVATE_KEY, and names every field at fault', () => {
    const chain = { chainId: 97, rpcUrl: 'https://bsc-testnet.example', distributor: ADDR, assets: { CXT: ADDR.toUpperCase().replace('0X', '0x') } };
    const real = { RPC_URL: 'https://rpc.example', PRIVATE_KEY: KEY, DISTRIBUTOR_ADDRESS: ADDR, CXT_TOKEN_ADDRESS: ADDR };
    expect(loadConfig({ ...real, PAYOUT_CHAINS: JSON.stringify([chain]) }).payoutChains).toEqual([{ ...chain, assets: { CXT: ADDR }, privateKey: KEY }]);
    expect(errorOf({ PAYOUT_CHAINS: JSON.stringify([chain]) })).toBe(
      'Invalid configuration: PAYOUT_CHAINS[0].privateKey must be set (or PRIVATE_KEY): the updater signs proposals on chain 97 too.',
    );
    expect(errorOf({ ...real, PAYOUT_CHAINS: JSON.stringify([{ ...chain, rpcUrl: 'ftp://x', assets: { CXT: '0x12' } }, chain, chain]) })).toBe(
      'Invalid configuration: PAYOUT_CHAINS[0].rpcUrl must be an http(s):// or ws(s):// URL; PAYOUT_CHAINS[0].assets.CXT must be a 0x-prefixed 20-byte address; PAYOUT_CHAINS lists chain 97 twice.',
    );
    expect(errorOf({ PAYOUT_CHAINS: '{"chainId": 97' })).toMatch(/^Invalid configuration: PAYOUT_CHAINS is not JSON: /);
    expect(errorOf({ ...real, PAYOUT_CHAINS: JSON.stringify([{ ...chain, assets: {} }]) })).toMatch(/PAYOUT_CHAINS\[0\]\.assets must map at least one asset/);
  });

  it('passes genesis-only parameters through', () => {
    expect(loadConfig({ EPOCH_LENGTH_SECONDS: '3600', TIMELOCK_SECONDS: '60', DISTRIBUTION_EVERY_EPOCHS: '6', GENESIS_TIME_SECONDS: '1700000000' }).genesis).toEqual({
      epochLengthSeconds: 3600,
      timelockSeconds: 60,
      distributionEveryEpochs: 6,
      genesisTimeSeconds: 1_700_000_000,
    });
  });
});

describe('the documented variables', () => {
  it('docs/service.md lists every variable the service reads, and no other, in its table', () => {
    const table = readFileSync(new URL('../../docs/service.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split('|')[1]!);
    const documented = new Set(table.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    expect([...documented].filter((v) => !(ENV_VARIABLES as readonly string[]).includes(v))).toEqual([]);
    expect(ENV_VARIABLES.filter((v) => !documented.has(v))).toEqual([]);
  });

  it('DISTRIBUTOR_FROM_BLOCK and CONFIRMATIONS go with a real chain; the deployment block alone is refused', () => {
    const real = { RPC_URL: 'http://127.0.0.1:8545', PRIVATE_KEY: KEY, DISTRIBUTOR_ADDRESS: ADDR, CXT_TOKEN_ADDRESS: ADDR };
    expect(loadConfig({ ...real, DISTRIBUTOR_FROM_BLOCK: '123', CONFIRMATIONS: '15' }).chain).toMatchObject({ kind: 'external', fromBlock: 123, confirmations: 15 });
    expect(loadConfig(real).chain).not.toHaveProperty('confirmations');
    expect(errorOf({ DISTRIBUTOR_FROM_BLOCK: '5' })).toContain('DISTRIBUTOR_FROM_BLOCK applies only to a real chain');
    expect(errorOf({ ...real, CONFIRMATIONS: '1001' })).toContain('CONFIRMATIONS');
  });

  it('SNAPSHOT_RETENTION sets how many snapshots are kept, from 1', () => {
    expect(loadConfig({ SNAPSHOT_RETENTION: '10' }).snapshotRetention).toBe(10);
    expect(loadConfig({}).snapshotRetention).toBeUndefined();
    expect(errorOf({ SNAPSHOT_RETENTION: '0' })).toContain('SNAPSHOT_RETENTION');
  });
});
