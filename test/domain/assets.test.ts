/**
 * DESIGN §3 — the asset registry: revenue and buybacks only in registered ERC-20s (CXT from
 * genesis), so no record can name a token the distributor could never hold.
 */
import { describe, expect, it } from 'vitest';
import { address, scenario } from './scenario.ts';
import { cxt } from '../../domain/index.ts';

const USDC = address(0xa55e7);
const NOT_A_TOKEN = address(0);

describe('asset registry', () => {
  it('registers CXT at genesis: revenue in CXT needs no further step', () => {
    const s = scenario().at(0);
    expect(s.state.assetRegistry.get(s.params.cxtToken)).toEqual({ asset: s.params.cxtToken, symbol: 'CXT', decimals: 18 });
    s.run({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: s.params.cxtToken, gross: 100n });
  });

  it('refuses revenue in an unregistered asset (ASSET_UNKNOWN), and accepts it once registered', () => {
    const s = scenario().at(0);
    const r = s.refused({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: NOT_A_TOKEN, gross: 100n });
    expect(r.code).toBe('ASSET_UNKNOWN');
    expect(r.message).toContain(NOT_A_TOKEN);
    expect(s.refused({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: USDC, gross: 100n }).code).toBe('ASSET_UNKNOWN');
    s.asset(USDC, 'USDC');
    expect(s.events.at(-1)).toEqual({ type: 'AssetRegistered', data: { asset: USDC, symbol: 'USDC', decimals: 18 } });
    s.run({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: USDC, gross: 100n });
  });

  it('refuses a buyback burn that names an unregistered asset (ASSET_UNKNOWN)', () => {
    const s = scenario().at(0).node('n', address(1)).work('c', 'n', 10);
    s.close(0);
    const r = s.at(1).refused({ type: 'BurnTokens', burnId: 'b', amount: 1n, reason: 'buyback', asset: NOT_A_TOKEN, spent: 1n });
    expect(r.code).toBe('ASSET_UNKNOWN');
    expect(s.state.mintedWei).toBeGreaterThan(cxt(1));
  });

  it('refuses registering an asset twice (ASSET_EXISTS), CXT included', () => {
    const s = scenario().at(0).asset(USDC);
    expect(s.refused({ type: 'RegisterAsset', asset: USDC, symbol: 'USDC', decimals: 6 }).code).toBe('ASSET_EXISTS');
    expect(s.refused({ type: 'RegisterAsset', asset: s.params.cxtToken, symbol: 'CXT', decimals: 18 }).code).toBe('ASSET_EXISTS');
  });
});
