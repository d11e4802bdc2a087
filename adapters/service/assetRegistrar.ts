/**
 * Registering an asset (DESIGN §3 AssetRegistered): the service looks at the address on the chain
 * first — it must hold code and answer symbol(), decimals() and balanceOf() like an ERC-20 — and
 * records what the token says about itself. A revenue record can then only name a token the
 * distributor could actually hold, so no record can stall publishing for everyone.
 */
import { Contract, decodeBytes32String, type Provider } from 'ethers';
import * as E from 'fp-ts/lib/Either.js';
import { AssetDecimals, AssetSymbol, genesisParams } from '../../domain/index.ts';
import type { CommandHandler, HandleResult, Ledger } from '../ledger/index.ts';

export interface AssetFacts {
  readonly asset: string;
  readonly symbol: string;
  readonly decimals: number;
}

/** A service rule that said no, phrased like a domain refusal. */
export interface AssetRefusal {
  readonly code: 'ASSET_NOT_A_CONTRACT' | 'ASSET_NOT_ERC20';
  readonly message: string;
}

/** The chain did not answer: the request may be retried (HTTP 503). */
export class ChainUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainUnavailableError';
  }
}

const ERC20 = [
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
];
const BYTES32_SYMBOL = ['function symbol() view returns (bytes32)'];

const notErc20 = (asset: string, why: string): E.Either<AssetRefusal, AssetFacts> =>
  E.left({ code: 'ASSET_NOT_ERC20', message: `asset ${asset} does not behave like an ERC-20: ${why}` });

/** Some older tokens (MKR and friends) return their symbol as bytes32. */
const readSymbol = async (asset: string, provider: Provider): Promise<string> => {
  try {
    return (await new Contract(asset, ERC20, provider).getFunction('symbol').staticCall()) as string;
  } catch {
    return decodeBytes32String((await new Contract(asset, BYTES32_SYMBOL, provider).getFunction('symbol').staticCall()) as string);
  }
};

/** What the token at `asset` says about itself, or why it is not one. */
export const inspectErc20 = async (provider: Provider, asset: string): Promise<E.Either<AssetRefusal, AssetFacts>> => {
  let code: string;
  try {
    code = await provider.getCode(asset);
  } catch (error) {
    throw new ChainUnavailableError(`the chain did not answer while checking asset ${asset}: ${(error as Error).message}`);
  }
  if (code === '0x') return E.left({ code: 'ASSET_NOT_A_CONTRACT', message: `asset ${asset} holds no contract code on this chain, so the distributor could never pay it` });
  const erc20 = new Contract(asset, ERC20, provider);
  let symbol: string;
  let decimals: number;
  try {
    symbol = await readSymbol(asset, provider);
    decimals = Number(await erc20.getFunction('decimals').staticCall());
    await erc20.getFunction('balanceOf').staticCall(asset);
  } catch (error) {
    return notErc20(asset, `symbol(), decimals() or balanceOf() failed (${(error as Error).message.split('\n')[0]})`);
  }
  if (!AssetSymbol.is(symbol)) return notErc20(asset, `its symbol ${JSON.stringify(String(symbol).slice(0, 40))} is empty, longer than 32 characters or holds control characters`);
  if (!AssetDecimals.is(decimals)) return notErc20(asset, `its decimals ${decimals} are not a uint8`);
  return E.right({ asset: asset.toLowerCase(), symbol, decimals });
};

export type RegisterAssetResult = HandleResult | { readonly status: 'refused'; readonly refusal: AssetRefusal };

export interface AssetRegistrar {
  /** Checks the token on-chain, then records it. Throws ChainUnavailableError when the chain is down. */
  register(asset: string): Promise<RegisterAssetResult>;
}

export const createAssetRegistrar = (provider: Provider, commands: CommandHandler): AssetRegistrar => ({
  async register(asset) {
    const facts = await inspectErc20(provider, asset);
    if (E.isLeft(facts)) return { status: 'refused', refusal: facts.left };
    return commands.handle({ type: 'RegisterAsset', ...facts.right });
  },
});

/**
 * At start: CXT must be registered (a log from before the registry has genesis without it), and on
 * the embedded chain its WBNB test token too, so local revenue in it works out of the box.
 */
export const ensureStartupAssets = async (input: {
  readonly ledger: Ledger;
  readonly commands: CommandHandler;
  readonly registrar: AssetRegistrar;
  readonly wbnbToken?: string;
}): Promise<void> => {
  await input.ledger.catchUp();
  const p = genesisParams(input.ledger.state);
  if (p && !input.ledger.state.assetRegistry.has(p.cxtToken))
    await input.commands.handle({ type: 'RegisterAsset', asset: p.cxtToken, symbol: p.symbol, decimals: p.decimals });
  const wbnb = input.wbnbToken?.toLowerCase();
  if (wbnb && !input.ledger.state.assetRegistry.has(wbnb)) {
    const r = await input.registrar.register(wbnb);
    if (r.status === 'refused') throw new Error(`the embedded WBNB token ${wbnb} could not be registered: ${r.refusal.message}`);
  }
};
