/**
 * Drives a realistic multi-epoch history through a real command handler: nodes, verifiers, signed-off
 * work, stakes, unstakes, revenue, a fraud, burns and closes. Used by the ledger, projection and
 * replay suites so they all exercise the same flows.
 */
import { cxt, defaultParams, type Command, type ProtocolParams } from '../../domain/index.ts';
import type { CommandHandler, HandleResult } from '../../adapters/ledger/index.ts';

export const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
export const h32 = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
export const ASSET_USDC = addr(0xa55e7);

export interface Clock {
  nowSeconds: number;
}

/**
 * The event store's clock for a world driven by `clock`: envelopes are sealed at the time their
 * command was decided, as in the service, where the store and the handler read one wall clock.
 */
export const storeClock = (clock: Clock) => (): Date => new Date(clock.nowSeconds * 1000);

export const historyParams = (overrides: Partial<ProtocolParams> = {}): ProtocolParams =>
  defaultParams({
    tiers: [
      { name: 'bronze', minStake: 0n, minTenureEpochs: 0, bps: 10_000 },
      { name: 'silver', minStake: cxt(100), minTenureEpochs: 1, bps: 11_000 },
      { name: 'gold', minStake: cxt(1_000), minTenureEpochs: 2, bps: 12_500 },
    ],
    unbondingEpochs: 2,
    ...overrides,
  });

const must = async (p: Promise<HandleResult>): Promise<HandleResult> => {
  const r = await p;
  if (r.status === 'refused') throw new Error(`refused: ${r.refusal.code} ${r.refusal.message}`);
  return r;
};

/** Runs `epochs` epochs of activity; every epoch is closed at its end. */
export const driveHistory = async (
  handler: CommandHandler,
  clock: Clock,
  options: {
    epochs?: number;
    nodes?: number;
    params?: ProtocolParams;
    /** ERC-20 address of the revenue asset (default ASSET_USDC); chain suites pass a deployed token. */
    asset?: string;
  } = {},
): Promise<void> => {
  const params = options.params ?? historyParams();
  const asset = options.asset ?? ASSET_USDC;
  const epochs = options.epochs ?? 4;
  const nodes = options.nodes ?? 4;
  const start = (e: number) => params.genesisTimeSeconds + e * params.epochLengthSeconds;
  const run = (c: Command, key?: string) => must(handler.handle(c, key ? { idempotencyKey: key } : {}));

  clock.nowSeconds = start(0) + 10;
  await run({ type: 'ConfigureProtocol', params }, 'genesis');
  if (asset !== params.cxtToken) await run({ type: 'RegisterAsset', asset, symbol: 'USDC', decimals: 6 });
  await run({ type: 'RegisterVerifier', verifier: addr(900) }, 'verifier-900');
  await run({ type: 'RegisterVerifier', verifier: addr(901) }, 'verifier-901');
  for (let n = 0; n < nodes; n++) {
    await run({ type: 'RegisterNode', nodeId: `node-${n}`, operator: addr(100 + (n % 3)), signer: addr(200 + n), hardwareClass: n % 2 ? 'edge' : 'gpu' });
  }
  for (let e = 0; e < epochs; e++) {
    clock.nowSeconds = start(e) + 100;
    for (let n = 0; n < nodes; n++) {
      const id = `c-${e}-${n}`;
      await run({ type: 'RecordContribution', contributionId: id, nodeId: `node-${n}`, epoch: e, kind: (['compute', 'training', 'data'] as const)[n % 3]!, units: 100 + 37 * n + e, proofHash: h32(e * 1000 + n + 1) });
      const verifier = addr(900 + (n % 2));
      if (e === 2 && n === 1) await run({ type: 'RejectContribution', contributionId: id, verifier, reason: 'fraud' });
      else if (n === 3) await run({ type: 'RejectContribution', contributionId: id, verifier, reason: 'invalid' });
      else await run({ type: 'VerifyContribution', contributionId: id, verifier });
    }
    await run({ type: 'DepositStake', account: addr(100 + (e % 3)), amount: cxt(50 + 400 * e), ref: `dep-${e}` });
    await run({ type: 'DepositStake', account: addr(300), amount: cxt(777) + BigInt(e), ref: `dep-s-${e}` });
    await run({ type: 'RecordRevenue', revenueId: `rev-${e}-a`, source: 'api', asset, gross: 1_000_003n * BigInt(e + 1), provider: addr(101) });
    await run({ type: 'RecordRevenue', revenueId: `rev-${e}-b`, source: 'subscription', asset, gross: 999_999n });
    if (e === 1) await run({ type: 'RequestUnstake', account: addr(300), amount: cxt(100) }, 'unstake-1');
    if (e === 3) await run({ type: 'WithdrawStake', account: addr(300), amount: cxt(60) }, 'withdraw-3');
    if (e === 2) await run({ type: 'BurnTokens', burnId: 'burn-1', amount: cxt(1), reason: 'other' });
    clock.nowSeconds = start(e + 1) + 1;
    await run({ type: 'CloseEpoch', epoch: e, logHead: h32(0) });
  }
};
