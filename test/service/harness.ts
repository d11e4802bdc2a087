/**
 * Starts the real service in-process (PGlite in a temp dir or a fresh PostgreSQL schema, the
 * embedded EVM, a test clock, manual scheduler ticks) and talks to it over fastify's inject —
 * the full HTTP pipeline (parsing, hooks, error handler) without a socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Wallet, id } from 'ethers';
import type { ProtocolParams } from '../../domain/index.ts';
import { loadConfig } from '../../adapters/service/config.ts';
import { startService, type Service } from '../../adapters/service/service.ts';
import { signContribution, signVerdict, type ContributionMessage, type VerdictMessage } from '../../adapters/http/eip712.ts';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName, postgresAvailable } from '../support/postgres.ts';

export const ADMIN = 'test-admin-token-0123456789abcdef';
export const INDEXER = 'test-indexer-token-0123456789abcdef';
export const BILLING = 'test-billing-token-0123456789abcdef';
export const DAY = 86_400;
/** A fixed genesis, a day boundary: epoch e spans [GENESIS + e·DAY, GENESIS + (e+1)·DAY). */
export const GENESIS = 1_767_225_600;

export interface TestClock {
  nowSeconds: number;
}

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  /** Parsed JSON (problem or result); tests inspect it field by field. */
  readonly json: any;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (invalid JSON, oversized text). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export interface Harness {
  readonly service: Service;
  readonly clock: TestClock;
  readonly dataDir: string;
  readonly schema?: string;
  request(method: string, url: string, options?: RequestOptions): Promise<Reply>;
  eventCount(): Promise<number>;
  /** Moves the clock to `seconds` into epoch `epoch`. */
  at(epoch: number, seconds?: number): void;
  stop(): Promise<void>;
  /** Stops the service and deletes its data. */
  destroy(): Promise<void>;
}

export type Storage = NonNullable<HarnessOptions['storage']>;

/** PGlite always; PostgreSQL when the test server answers (and always under CI, which fails when it does not). */
export const storagesUnderTest = async (): Promise<Storage[]> => ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

export interface HarnessOptions {
  readonly storage?: 'pglite' | 'postgres';
  /** Reuse a data dir (restart tests). */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly clock?: TestClock;
  readonly params?: Partial<ProtocolParams>;
  readonly env?: Record<string, string>;
  /** PostgreSQL server for storage 'postgres' (default: the shared test server). */
  readonly databaseUrl?: string;
}

export const startHarness = async (o: HarnessOptions = {}): Promise<Harness> => {
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'cxt-service-')));
  const schema = o.storage === 'postgres' ? (o.schema ?? freshSchemaName('svc')) : undefined;
  const clock = o.clock ?? { nowSeconds: GENESIS + 100 };
  const databaseUrl = o.databaseUrl ?? TEST_DATABASE_URL;
  const config = loadConfig({
    PORT: '0',
    EMBEDDED_RPC_PORT: '0',
    ADMIN_TOKEN: ADMIN,
    INDEXER_TOKEN: INDEXER,
    BILLING_TOKEN: BILLING,
    ...(schema ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}),
    ...o.env,
  }, { dataDir });
  const service = await startService({
    config,
    clock: () => clock.nowSeconds,
    logger: pino({ level: 'silent' }),
    ticking: 'manual',
    params: { genesisTimeSeconds: GENESIS, ...o.params },
    print: () => undefined,
  });
  const stop = () => service.stop();
  return {
    service,
    clock,
    dataDir,
    ...(schema ? { schema } : {}),
    async request(method, url, { token, body, raw, headers = {} } = {}) {
      const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
      const r = await service.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(payload !== undefined ? { payload } : {}),
      });
      const contentType = String(r.headers['content-type'] ?? '');
      return { status: r.statusCode, contentType, json: contentType.includes('json') ? r.json() : r.body, headers: r.headers };
    },
    eventCount: async () => (await service.store.head()).position,
    at(epoch, seconds = 100) {
      clock.nowSeconds = GENESIS + epoch * DAY + seconds;
    },
    stop,
    async destroy() {
      await stop();
      if (schema && !o.schema) await dropSchema(schema, databaseUrl);
      if (!o.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** Deterministic wallets, so failures are reproducible. */
export const wallet = (label: string): Wallet => new Wallet(id(`corex-test:${label}`));

export const signedContribution = async (signer: Wallet, chainId: number, c: ContributionMessage) => ({
  contribution: c,
  signature: await signContribution(signer, chainId, c),
});

export const signedVerdict = async (signer: Wallet, chainId: number, v: VerdictMessage) => ({ verdict: v, signature: await signVerdict(signer, chainId, v) });

export const proofHash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

/** Moves the embedded chain's clock forward and mines a block (journaled like any other request): past a timelock, say. */
export const chainForward = async (h: Harness, seconds: number): Promise<void> => {
  const provider = h.service.chain.provider as unknown as { send: (method: string, params: unknown[]) => Promise<unknown> };
  await provider.send('evm_increaseTime', [seconds]);
  await provider.send('evm_mine', []);
};
