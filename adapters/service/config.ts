/**
 * `cxt serve` configuration from the environment (and --data-dir), decoded with one io-ts codec.
 * With nothing set, every value has an embedded default (docs/service.md). A missing or malformed
 * value stops the start with ONE sentence naming each variable at fault.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import cron from 'node-cron';
import { Address, fieldErrors, strictObject } from '../../domain/index.ts';
import { HttpUrl, isUrl, PrivateKey, text, withHexPrefix } from './configCodecs.ts';
import { decodePayoutChains, type PayoutChainConfig } from './payoutChainConfig.ts';

const wholeNumber = (name: string, min: number, max: number) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) => {
      const n = typeof u === 'string' && /^[0-9]{1,16}$/.test(u.trim()) ? Number(u.trim()) : NaN;
      return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `must be a whole number from ${min} to ${max}`);
    },
    String,
  );

const PostgresUrl = text('PostgresUrl', isUrl(['postgres:', 'postgresql:']), 'must be a postgres:// or postgresql:// URL');
const Identifier = text('Identifier', (s) => /^[a-z_][a-z0-9_]*$/i.test(s), 'must be a plain SQL identifier (letters, digits, underscore)');
/** Tokens are secrets callers paste into headers: long enough not to be guessed, header-safe. */
const Token = text('Token', (s) => /^[\x21-\x7e]{24,512}$/.test(s), 'must be 24 to 512 printable characters without spaces');
const LogLevel = text('LogLevel', (s) => ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(s), 'must be one of fatal, error, warn, info, debug, trace, silent');
const NonEmpty = text('NonEmpty', (s) => s.trim().length > 0, 'must not be empty');

/** Every variable `cxt serve` reads; all optional, defaults applied by `loadConfig`. */
export const EnvCodec = strictObject(
  'Environment',
  {},
  {
    HOST: NonEmpty,
    PORT: wholeNumber('Port', 0, 65_535),
    DATA_DIR: NonEmpty,
    DATABASE_URL: PostgresUrl,
    DATABASE_SCHEMA: Identifier,
    RPC_URL: HttpUrl,
    PRIVATE_KEY: PrivateKey,
    DISTRIBUTOR_ADDRESS: Address,
    CXT_TOKEN_ADDRESS: Address,
    CHAIN_ID: wholeNumber('ChainId', 1, Number.MAX_SAFE_INTEGER),
    DISTRIBUTOR_FROM_BLOCK: wholeNumber('BlockNumber', 0, Number.MAX_SAFE_INTEGER),
    CONFIRMATIONS: wholeNumber('Blocks', 0, 1000),
    REPLACE_AFTER_SECONDS: wholeNumber('Seconds', 0, 86_400),
    EMBEDDED_RPC_PORT: wholeNumber('Port', 0, 65_535),
    ADMIN_TOKEN: Token,
    INDEXER_TOKEN: Token,
    BILLING_TOKEN: Token,
    LOG_LEVEL: LogLevel,
    SCHEDULE: NonEmpty,
    BODY_LIMIT_BYTES: wholeNumber('Bytes', 1024, 16 * 1024 * 1024),
    BATCH_BODY_LIMIT_BYTES: wholeNumber('Bytes', 1024, 64 * 1024 * 1024),
    SIGNATURE_WORKERS: wholeNumber('Workers', 0, 64),
    GENESIS_TIME_SECONDS: wholeNumber('UnixSeconds', 0, 2 ** 40),
    EPOCH_LENGTH_SECONDS: wholeNumber('Seconds', 1, 2 ** 32),
    TIMELOCK_SECONDS: wholeNumber('Seconds', 0, 2 ** 32),
    DISTRIBUTION_EVERY_EPOCHS: wholeNumber('Epochs', 1, 1_000_000),
    SNAPSHOT_RETENTION: wholeNumber('Snapshots', 1, 10_000),
    PAYOUT_CHAINS: NonEmpty,
  },
);
type Env = t.TypeOf<typeof EnvCodec>;
export const ENV_VARIABLES = [
  'HOST', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'DATABASE_SCHEMA', 'RPC_URL', 'PRIVATE_KEY', 'DISTRIBUTOR_ADDRESS', 'CXT_TOKEN_ADDRESS',
  'CHAIN_ID', 'DISTRIBUTOR_FROM_BLOCK', 'CONFIRMATIONS', 'REPLACE_AFTER_SECONDS', 'EMBEDDED_RPC_PORT', 'ADMIN_TOKEN', 'INDEXER_TOKEN', 'BILLING_TOKEN', 'LOG_LEVEL', 'SCHEDULE', 'BODY_LIMIT_BYTES',
  'BATCH_BODY_LIMIT_BYTES', 'SIGNATURE_WORKERS',
  'GENESIS_TIME_SECONDS', 'EPOCH_LENGTH_SECONDS', 'TIMELOCK_SECONDS', 'DISTRIBUTION_EVERY_EPOCHS', 'SNAPSHOT_RETENTION',
  'PAYOUT_CHAINS',
] as const;

export type ChainConfig =
  | { readonly kind: 'embedded'; readonly rpcPort: number; readonly chainId?: number }
  | {
      readonly kind: 'external';
      readonly rpcUrl: string;
      readonly privateKey: string;
      readonly distributor: string;
      readonly cxtToken: string;
      readonly chainId?: number;
      /** The distributor's deployment block (printed by `cxt contract deploy`): where scans start. */
      readonly fromBlock?: number;
      /** Blocks on top before a claim is indexed or a transaction counts; default per chain id (chainDefaults.ts). */
      readonly confirmations?: number;
      /** Seconds before an unmined updater transaction is replaced with a higher fee; default per chain id. */
      readonly replaceAfterSeconds?: number;
    };

export type StorageConfig = { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly dataDir: string };

/** Protocol parameters that only matter when the log is empty and genesis is written. */
export interface GenesisOverrides {
  readonly genesisTimeSeconds?: number;
  readonly epochLengthSeconds?: number;
  readonly timelockSeconds?: number;
  readonly distributionEveryEpochs?: number;
}

export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly storage: StorageConfig;
  readonly chain: ChainConfig;
  /** Chains besides the primary one where accounts may be paid (issue 15); empty by default. */
  readonly payoutChains: readonly PayoutChainConfig[];
  readonly tokens: { readonly admin?: string; readonly indexer?: string; readonly billing?: string };
  readonly logLevel: string;
  /** node-cron expression (6 fields: with seconds) of the scheduler tick. */
  readonly schedule: string;
  readonly bodyLimitBytes: number;
  /** Body limit of the batch routes; undefined: 1 MiB (never below bodyLimitBytes). */
  readonly batchBodyLimitBytes?: number;
  /** Worker threads recovering EIP-712 signers; undefined: cores − 1 (at most 4); 0: on the event loop. */
  readonly signatureWorkers?: number;
  readonly genesis: GenesisOverrides;
  /** Ledger snapshots kept beside the log (DESIGN §10); undefined: the ledger's default (3). */
  readonly snapshotRetention?: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const describe = (variable: string, value: unknown, message: string): string =>
  variable === '(root)' ? message : `${variable} ${message} (got ${JSON.stringify(value)})`;

const REAL_CHAIN = ['RPC_URL', 'PRIVATE_KEY', 'DISTRIBUTOR_ADDRESS', 'CXT_TOKEN_ADDRESS'] as const;

const chainConfig = (env: Env): E.Either<string, ChainConfig> => {
  const given = REAL_CHAIN.filter((k) => env[k] !== undefined);
  if (given.length === 0 && env.DISTRIBUTOR_FROM_BLOCK !== undefined)
    return E.left('DISTRIBUTOR_FROM_BLOCK applies only to a real chain (RPC_URL …); the embedded chain records its own');
  if (given.length === 0 && env.REPLACE_AFTER_SECONDS !== undefined)
    return E.left('REPLACE_AFTER_SECONDS applies only to a real chain (RPC_URL …); the embedded chain mines every transaction at once');
  if (given.length === 0) return E.right({ kind: 'embedded', rpcPort: env.EMBEDDED_RPC_PORT ?? 8545, ...(env.CHAIN_ID ? { chainId: env.CHAIN_ID } : {}) });
  const missing = REAL_CHAIN.filter((k) => env[k] === undefined);
  if (missing.length > 0)
    return E.left(`${missing.join(', ')} must be set too: a real chain needs all of ${REAL_CHAIN.join(', ')} (${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set)`);
  return E.right({
    kind: 'external',
    rpcUrl: env.RPC_URL!,
    privateKey: withHexPrefix(env.PRIVATE_KEY!),
    distributor: env.DISTRIBUTOR_ADDRESS!,
    cxtToken: env.CXT_TOKEN_ADDRESS!,
    ...(env.CHAIN_ID ? { chainId: env.CHAIN_ID } : {}),
    ...(env.DISTRIBUTOR_FROM_BLOCK === undefined ? {} : { fromBlock: env.DISTRIBUTOR_FROM_BLOCK }),
    ...(env.CONFIRMATIONS === undefined ? {} : { confirmations: env.CONFIRMATIONS }),
    ...(env.REPLACE_AFTER_SECONDS === undefined ? {} : { replaceAfterSeconds: env.REPLACE_AFTER_SECONDS }),
  });
};

/** Only the variables this service reads; everything else in the environment is not its business. */
const relevant = (env: NodeJS.ProcessEnv): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k of ENV_VARIABLES) {
    const v = env[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
};

/** Decodes the environment; throws ConfigError with one sentence naming every variable at fault. */
export const loadConfig = (env: NodeJS.ProcessEnv, args: { dataDir?: string } = {}): ServiceConfig => {
  const raw = relevant(env);
  const decoded = EnvCodec.decode(raw);
  if (E.isLeft(decoded)) {
    const faults = fieldErrors(decoded.left).map((f) => describe(f.field, raw[f.field], f.message));
    throw new ConfigError(`Invalid configuration: ${faults.join('; ')}.`);
  }
  const e = decoded.right;
  const chain = chainConfig(e);
  if (E.isLeft(chain)) throw new ConfigError(`Invalid configuration: ${chain.left}.`);
  if (e.DATABASE_SCHEMA !== undefined && e.DATABASE_URL === undefined)
    throw new ConfigError('Invalid configuration: DATABASE_SCHEMA applies only with DATABASE_URL, which is not set.');
  if (e.SCHEDULE !== undefined && !cron.validate(e.SCHEDULE))
    throw new ConfigError(`Invalid configuration: SCHEDULE must be a node-cron expression such as "*/5 * * * * *" (got ${JSON.stringify(e.SCHEDULE)}).`);
  const payoutChains = e.PAYOUT_CHAINS === undefined ? E.right([]) : decodePayoutChains(e.PAYOUT_CHAINS, chain.right.kind === 'external' ? chain.right.privateKey : undefined);
  if (E.isLeft(payoutChains)) throw new ConfigError(`Invalid configuration: ${payoutChains.left}.`);
  const dataDir = args.dataDir ?? e.DATA_DIR ?? './.cxt';
  return {
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT ?? 8080,
    storage: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, dataDir, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) }
      : { kind: 'pglite', dataDir },
    chain: chain.right,
    payoutChains: payoutChains.right,
    tokens: { admin: e.ADMIN_TOKEN, indexer: e.INDEXER_TOKEN, billing: e.BILLING_TOKEN },
    logLevel: e.LOG_LEVEL ?? 'info',
    schedule: e.SCHEDULE ?? '* * * * * *',
    bodyLimitBytes: e.BODY_LIMIT_BYTES ?? 65_536,
    ...(e.BATCH_BODY_LIMIT_BYTES === undefined ? {} : { batchBodyLimitBytes: e.BATCH_BODY_LIMIT_BYTES }),
    ...(e.SIGNATURE_WORKERS === undefined ? {} : { signatureWorkers: e.SIGNATURE_WORKERS }),
    ...(e.SNAPSHOT_RETENTION === undefined ? {} : { snapshotRetention: e.SNAPSHOT_RETENTION }),
    genesis: {
      ...(e.GENESIS_TIME_SECONDS === undefined ? {} : { genesisTimeSeconds: e.GENESIS_TIME_SECONDS }),
      ...(e.EPOCH_LENGTH_SECONDS === undefined ? {} : { epochLengthSeconds: e.EPOCH_LENGTH_SECONDS }),
      ...(e.TIMELOCK_SECONDS === undefined ? {} : { timelockSeconds: e.TIMELOCK_SECONDS }),
      ...(e.DISTRIBUTION_EVERY_EPOCHS === undefined ? {} : { distributionEveryEpochs: e.DISTRIBUTION_EVERY_EPOCHS }),
    },
  };
};
