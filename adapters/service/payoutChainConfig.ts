/**
 * PAYOUT_CHAINS (issue 15): the chains besides the primary one where accounts may choose to be
 * paid, as one JSON array in the environment. Each names its node, its distributor (deployed and
 * funded there by the operator: bridging tokens is not the engine's job) and the address there of
 * each asset it pays, keyed by the asset's symbol in the registry ("CXT", "WBNB") or its primary
 * address. Unset: no payout chain, the service is one chain as before.
 *
 *   PAYOUT_CHAINS='[{"chainId":97,"rpcUrl":"https://…","distributor":"0x…","fromBlock":123,
 *                    "assets":{"CXT":"0x…","WBNB":"0x…"}}]'
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Address, Count, fieldErrors, PositiveCount, strictObject } from '../../domain/index.ts';
import { HttpUrl, PrivateKey, withHexPrefix } from './configCodecs.ts';

const Assets = new t.Type<Record<string, string>, Record<string, string>, unknown>(
  'PayoutChainAssets',
  (u): u is Record<string, string> => typeof u === 'object' && u !== null,
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u) || Object.keys(u).length === 0)
      return t.failure(u, c, 'must map at least one asset (its symbol or primary address) to its address on this chain');
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(u)) {
      const address = Address.decode(value);
      if (E.isLeft(address)) return t.failure(value, [...c, { key, type: Address, actual: value }], 'must be a 0x-prefixed 20-byte address');
      out[key] = address.right;
    }
    return t.success(out);
  },
  (v) => v,
);

const Entry = strictObject(
  'PayoutChain',
  { chainId: PositiveCount, rpcUrl: HttpUrl, distributor: Address, assets: Assets },
  {
    /** Sends proposeRoot/acceptRoot there; default PRIVATE_KEY. */
    privateKey: PrivateKey,
    fromBlock: Count,
    confirmations: Count,
    replaceAfterSeconds: Count,
  },
);
export type PayoutChainConfig = t.TypeOf<typeof Entry> & { readonly privateKey: string };

/** Decodes PAYOUT_CHAINS; Left is one sentence naming every field at fault (PAYOUT_CHAINS[0].rpcUrl …). */
export const decodePayoutChains = (json: string, defaultKey: string | undefined): E.Either<string, PayoutChainConfig[]> => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return E.left(`PAYOUT_CHAINS is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) return E.left('PAYOUT_CHAINS must be a JSON array of chains');
  const chains: PayoutChainConfig[] = [];
  const faults: string[] = [];
  raw.forEach((item, i) => {
    const decoded = Entry.decode(item);
    if (E.isLeft(decoded)) {
      for (const f of fieldErrors(decoded.left)) faults.push(`PAYOUT_CHAINS[${i}]${f.field === '(root)' ? '' : `.${f.field}`} ${f.message}`);
      return;
    }
    const given = decoded.right.privateKey;
    const privateKey = given === undefined ? defaultKey : withHexPrefix(given);
    if (privateKey === undefined) faults.push(`PAYOUT_CHAINS[${i}].privateKey must be set (or PRIVATE_KEY): the updater signs proposals on chain ${decoded.right.chainId} too`);
    else chains.push({ ...decoded.right, privateKey });
  });
  const ids = chains.map((c) => c.chainId);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) faults.push(`PAYOUT_CHAINS lists chain ${twice} twice`);
  return faults.length > 0 ? E.left(faults.join('; ')) : E.right(chains);
};
