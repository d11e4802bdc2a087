/**
 * Built-in scenarios in their JSON form (what a scenario file would contain). Sizes are chosen so
 * `cxt simulate --scenario baseline --epochs 3650 --runs 8` finishes in a couple of minutes on two
 * cores: at most 200 active nodes in fleets of about 4 per operator and 30 pure stakers, i.e. about
 * 0.7 million node-epochs per 10-year run. What bounds the cost is the number of reward recipients per
 * close (the domain hashes every epoch's allocations twice: once deciding, once folding).
 */

const USDT_BSC = '0x55d398326f99059ff775485246999027b3197955';

export const baselineScenario = {
  name: 'baseline',
  description:
    'A small but growing network under the default parameters of DESIGN §8: 100 nodes at launch in fleets ' +
    'of about 4 per operator, growing about 0.2% per epoch with 0.08% churn up to a cap of 200 active nodes (the cap keeps ' +
    'a 3,650-epoch run near 0.7 million node-epochs, so 8 runs take a couple of minutes on two cores); a third of the ' +
    'operators run edge devices; ' +
    '2% of work is invalid and 0.2% fraudulent; no stake exists at genesis, 30 stakers and the operators bond from circulating CXT aiming at a ' +
    '40% staking ratio at a 15% APR; revenue of 0.05 USDT per work unit growing 40% a year; the CXT price follows a ' +
    'geometric Brownian motion from 0.10 USDT with 80% annual volatility and a drift of σ²/2, so its median stays at 0.10; half the buyback budget is spent each epoch.',
  epochs: 3650,
  runs: 8,
  params: {},
  network: {
    initialNodes: 100,
    maxNodes: 200,
    growthPerEpoch: 0.002,
    churnPerEpoch: 0.0008,
    uptime: 0.95,
    nodesPerOperator: 4,
    hardwareMix: { gpu: 0.25, cpu: 0.3, edge: 0.35, storage: 0.05, bandwidth: 0.05 },
    unitsPerNode: {
      gpu: { median: 1000, sigma: 0.5 },
      cpu: { median: 200, sigma: 0.4 },
      edge: { median: 30, sigma: 0.6 },
      storage: { median: 80, sigma: 0.3 },
      bandwidth: { median: 80, sigma: 0.3 },
    },
    kindMix: { compute: 0.7, training: 0.2, data: 0.1 },
  },
  verification: { verifiers: 7, invalidRate: 0.02, fraudRate: 0.002 },
  staking: {
    initialStakeCxt: 0,
    initialStakers: 1,
    stakers: 30,
    baseRatio: 0.4,
    referenceApr: 0.15,
    aprSensitivity: 0.5,
    maxRatio: 0.75,
    adjustPerEpoch: 0.05,
    exitPerEpoch: 0.002,
    operatorShare: 0.3,
    depositsPerEpoch: 4,
    aprSmoothingEpochs: 30,
  },
  marketplace: {
    asset: USDT_BSC,
    revenuePerUnit: 0.05,
    demandGrowthPerYear: 0.4,
    noiseSigma: 0.2,
    recordsPerEpoch: 4,
    providerShare: 0.9,
  },
  price: { initial: 0.1, driftPerYear: 0.32, volatilityPerYear: 0.8 },
  buyback: { spendShare: 0.5 },
  // Illustrative running costs per node-day in USDT (power, hosting, depreciation), for operator returns.
  value: { hardwareCostPerEpoch: { gpu: 1.5, cpu: 0.3, edge: 0.05, storage: 0.2, bandwidth: 0.1 } },
};

export type ScenarioJson = typeof baselineScenario;

export const bearScenario: ScenarioJson = {
  ...baselineScenario,
  name: 'bear',
  description:
    'The baseline network in a bear market: the price has no drift and 100% volatility, so its median falls about 40% a ' +
    'year (e^−σ²/2); demand does not grow; ' +
    'nodes join 40% less often and churn about twice as often (the network shrinks by about 7% a year), and stakers ' +
    'want a higher APR (25%) before bonding and leave twice as fast.',
  network: { ...baselineScenario.network, growthPerEpoch: 0.0012, churnPerEpoch: 0.0015 },
  staking: { ...baselineScenario.staking, referenceApr: 0.25, exitPerEpoch: 0.004 },
  marketplace: { ...baselineScenario.marketplace, demandGrowthPerYear: 0 },
  price: { initial: 0.1, driftPerYear: 0, volatilityPerYear: 1 },
};

export const boomScenario: ScenarioJson = {
  ...baselineScenario,
  name: 'boom',
  description:
    'The baseline network in a boom: the price has a 60% annual drift and 90% volatility (its median rises about 22% a year), demand doubles every year, nodes join twice as fast ' +
    '(still capped at 200 active nodes so runs stay comparable in cost), and stakers settle for a 10% APR.',
  network: { ...baselineScenario.network, growthPerEpoch: 0.004 },
  staking: { ...baselineScenario.staking, referenceApr: 0.1 },
  marketplace: { ...baselineScenario.marketplace, demandGrowthPerYear: 1 },
  price: { initial: 0.1, driftPerYear: 0.6, volatilityPerYear: 0.9 },
};

export const BUILTIN_SCENARIOS: Readonly<Record<string, ScenarioJson>> = {
  baseline: baselineScenario,
  bear: bearScenario,
  boom: boomScenario,
};
