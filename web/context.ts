/** What every page needs to name things: the deployment (/v1/info) and the registered assets. */
import { api, type Json } from './api.ts';

export interface Token {
  readonly symbol: string;
  readonly decimals: number;
}

export interface Context {
  readonly info: Json;
  token(address: string): Token;
}

export const loadContext = async (): Promise<Context> => {
  const [info, assets] = await Promise.all([api('/v1/info'), api('/v1/assets').catch(() => ({ assets: [] }))]);
  const tokens = new Map<string, Token>();
  for (const a of assets.assets as Json[]) if (a.symbol) tokens.set(a.asset, { symbol: a.symbol, decimals: a.decimals ?? 18 });
  const cxt = info.contracts?.cxtToken as string | undefined;
  if (cxt) tokens.set(cxt, { symbol: info.protocol?.symbol ?? 'CXT', decimals: info.protocol?.decimals ?? 18 });
  return { info, token: (address) => tokens.get(address) ?? { symbol: `${address.slice(0, 8)}…`, decimals: 18 } };
};
