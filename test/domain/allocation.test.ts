/**
 * DESIGN §4, §5 — pro-rata sharing with floors, and allocationsHash = keccak256(JCS(sorted
 * [account, token, amount] list)).
 */
import { describe, expect, it } from 'vitest';
import { address, scenario } from './scenario.ts';
import { allocationsHash, cxt, jcs, keccakJcs, proRata, sortAllocations } from '../../domain/index.ts';

describe('proRata', () => {
  it('gives floor(pool·w/Σw) to each recipient, keeping the dust', () => {
    const shares = proRata(100n, new Map([['a', 1n], ['b', 1n], ['c', 1n]]));
    expect(shares).toEqual(new Map([['a', 33n], ['b', 33n], ['c', 33n]]));
    const uneven = proRata(1000n, new Map([['a', 3n], ['b', 7n], ['c', 11n]]));
    // 1000·3/21 = 142.86, 1000·7/21 = 333.33, 1000·11/21 = 523.81
    expect(uneven).toEqual(new Map([['a', 142n], ['b', 333n], ['c', 523n]]));
  });

  it('leaves out zero weights and zero shares; a pool with no weight allocates nothing', () => {
    expect(proRata(10n, new Map([['a', 0n], ['b', 5n]]))).toEqual(new Map([['b', 10n]]));
    expect(proRata(1n, new Map([['a', 1n], ['b', 1n]]))).toEqual(new Map());
    expect(proRata(10n, new Map([['a', 0n]]))).toEqual(new Map());
    expect(proRata(0n, new Map([['a', 1n]]))).toEqual(new Map());
    expect(proRata(10n, new Map())).toEqual(new Map());
  });

  it('refuses negative weights', () => {
    expect(() => proRata(10n, new Map([['a', -1n]]))).toThrow(RangeError);
  });
});

describe('allocationsHash', () => {
  it('is keccak256 of the JCS of the [account, token, amount] list sorted by account then token', () => {
    const list = [
      { account: address(2), token: address(0xc0de), amountWei: 5n },
      { account: address(1), token: address(0xffff), amountWei: 7n },
      { account: address(1), token: address(0xaaaa), amountWei: 10n ** 30n },
    ];
    const sorted = sortAllocations(list);
    expect(sorted.map((a) => [a.account, a.token])).toEqual([
      [address(1), address(0xaaaa)],
      [address(1), address(0xffff)],
      [address(2), address(0xc0de)],
    ]);
    expect(jcs(sorted.map((a) => [a.account, a.token, a.amountWei.toString()]))).toBe(
      `[["${address(1)}","${address(0xaaaa)}","1000000000000000000000000000000"],["${address(1)}","${address(0xffff)}","7"],["${address(2)}","${address(0xc0de)}","5"]]`,
    );
    expect(allocationsHash(sorted)).toBe(keccakJcs(sorted.map((a) => [a.account, a.token, a.amountWei.toString()])));
    // Order matters: the unsorted list hashes differently.
    expect(keccakJcs(list.map((a) => [a.account, a.token, a.amountWei.toString()]))).not.toBe(allocationsHash(sorted));
  });

  it('EpochClosed.allocationsHash and recipients match the allocations recomputed by hand', () => {
    const OP = address(0x10); // compute + staking, merged into one CXT line
    const STAKER = address(0x20); // staking + a revenue share
    const VERIFIER = address(0x30);
    const PROVIDER = address(0x40);
    const USDC = address(0xa55e7);
    const s = scenario().asset(USDC).at(0).node('n1', OP).verifier(VERIFIER).stake(OP, cxt(100)).stake(STAKER, cxt(300));
    s.close(0);
    s.at(1).work('c1', 'n1', 10, { verifier: VERIFIER });
    s.run({ type: 'RecordRevenue', revenueId: 'r', source: 'api', asset: USDC, gross: 100_000n, provider: PROVIDER });
    s.close(1);
    const c = s.closed(1);
    const cxtToken = s.params.cxtToken;
    // Single operator and single verifier take their whole pools; stake 100 : 300.
    const opCxt = c.pools.compute.budget + (c.pools.staking.budget * 100n) / 400n;
    const stakerCxt = (c.pools.staking.budget * 300n) / 400n;
    // Revenue: fee 10_000, provider 90_000, stakers' pool 5000 → 1250 / 3750, buyback 5000.
    const expected = [
      [OP, cxtToken, opCxt],
      [OP, USDC, 1250n],
      [STAKER, cxtToken, stakerCxt],
      [STAKER, USDC, 3750n],
      [VERIFIER, cxtToken, c.pools.verification.budget],
      [PROVIDER, USDC, 90_000n],
    ] as const;
    // Within an account, the CXT placeholder 0x…00c0de sorts before 0x…0a55e7.
    expect(cxtToken < USDC).toBe(true);
    expect(s.allocations().map((a) => [a.account, a.token, a.amountWei])).toEqual(expected);
    expect(c.allocationsHash).toBe(keccakJcs(expected.map(([account, token, amount]) => [account, token, amount.toString()])));
    expect(c.recipients).toBe(6);
    expect(c.minted).toBe(opCxt + stakerCxt + c.pools.verification.budget);
  });

  it('an epoch with no allocations hashes the empty list', () => {
    const s = scenario();
    s.close(0);
    expect(s.closed(0).allocationsHash).toBe(keccakJcs([]));
    expect(s.closed(0).recipients).toBe(0);
  });
});
