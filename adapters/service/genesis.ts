/**
 * Genesis: on an empty log the service records ProtocolConfigured once, with DESIGN §8's defaults,
 * the chain's CXT token and a genesis time at the start of the current epoch grid (today, UTC, for
 * daily epochs) — not the design's fixed 2026-01-01, which would make a fresh service owe hundreds
 * of empty closes. On a log that has a genesis, nothing is written and the CXT token must match.
 */
import { defaultParams, genesisParams, type ProtocolParams } from '../../domain/index.ts';
import { RequestConflictError, type CommandHandler, type Ledger } from '../ledger/index.ts';
import { ConfigError, type GenesisOverrides } from './config.ts';

export const GENESIS_KEY = 'genesis';

export interface GenesisInput {
  readonly ledger: Ledger;
  readonly commands: CommandHandler;
  readonly cxtToken: string;
  readonly nowSeconds: number;
  readonly overrides: GenesisOverrides;
  /** Any other parameter (tests). */
  readonly params?: Partial<ProtocolParams>;
}

export const genesisFor = (input: GenesisInput): ProtocolParams => {
  const epochLengthSeconds = input.overrides.epochLengthSeconds ?? input.params?.epochLengthSeconds ?? 86_400;
  return defaultParams({
    ...input.params,
    cxtToken: input.cxtToken,
    epochLengthSeconds,
    genesisTimeSeconds:
      input.overrides.genesisTimeSeconds ?? input.params?.genesisTimeSeconds ?? input.nowSeconds - (input.nowSeconds % epochLengthSeconds),
    ...(input.overrides.timelockSeconds === undefined ? {} : { timelockSeconds: input.overrides.timelockSeconds }),
    ...(input.overrides.distributionEveryEpochs === undefined ? {} : { distributionEveryEpochs: input.overrides.distributionEveryEpochs }),
  });
};

/** Writes genesis if the log has none; returns the genesis in force either way. */
export const ensureGenesis = async (input: GenesisInput): Promise<{ params: ProtocolParams; written: boolean }> => {
  await input.ledger.catchUp();
  let existing = genesisParams(input.ledger.state);
  let written = false;
  if (existing === undefined) {
    try {
      const r = await input.commands.handle({ type: 'ConfigureProtocol', params: genesisFor(input) }, { idempotencyKey: GENESIS_KEY });
      if (r.status === 'refused') throw new ConfigError(`the genesis configuration was refused: ${r.refusal.message}.`);
      written = r.status === 'accepted';
    } catch (error) {
      // Another process wrote a (slightly different) genesis first: theirs stands.
      if (!(error instanceof RequestConflictError)) throw error;
    }
    await input.ledger.catchUp();
    existing = genesisParams(input.ledger.state)!;
  }
  if (existing.cxtToken !== input.cxtToken.toLowerCase())
    throw new ConfigError(
      `the log's genesis names CXT token ${existing.cxtToken} but the chain's is ${input.cxtToken.toLowerCase()}; ` +
        'point CXT_TOKEN_ADDRESS (or the data dir) at the deployment this log belongs to.',
    );
  return { params: existing, written };
};
