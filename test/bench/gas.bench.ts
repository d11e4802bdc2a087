/**
 * Gas of the CumulativeMerkleDistributor beside Morpho's URD and Uniswap's MerkleDistributor
 * (the measuring itself lives in test/chain/gas.ts, which also runs stand-alone).
 */
import type { Bench } from './run.ts';
import { GAS_TREE_SIZES, gasTable, measureGas } from '../chain/gas.ts';
import type { GasReport } from '../chain/gas.ts';
import { SETTINGS } from '../../adapters/chain/index.ts';

const bench: Bench = async (ctx) => {
  const sizes = ctx.quick ? GAS_TREE_SIZES.slice(0, 1) : GAS_TREE_SIZES;
  const reports: GasReport[] = [];
  for (const size of sizes) {
    ctx.log(`  distributor gas, ${size} leaves`);
    reports.push(await measureGas(size));
  }
  return [
    '## CumulativeMerkleDistributor gas',
    '',
    `gasUsed of each transaction on the in-process EVM (hardhat EDR, prague); contract built with solc, viaIR ${SETTINGS.viaIR},`,
    `optimizer ${SETTINGS.optimizer.runs.toLocaleString('en-US')} runs, evm ${SETTINGS.evmVersion}. Reference columns are the published figures.`,
    '',
    gasTable(reports),
  ].join('\n');
};

export default bench;
