/**
 * `cxt devchain`: a local EVM as its own process, served over JSON-RPC on 127.0.0.1 — the chain to
 * rehearse `cxt contract deploy`, `cxt serve` with RPC_URL and `cxt audit --rpc-url` against before
 * going live, and what the tests start when the chain must be a separate process (a `kill -9` of
 * the service must not take the chain with it). Its accounts come from hardhat's public test
 * mnemonic: their keys are known to everyone, so it only ever listens on loopback.
 */
import { HDNodeWallet, Mnemonic } from 'ethers';
import type { CliCommand } from '../command.ts';
import { parseFlags, whole } from '../flags.ts';
import { LOCAL_CHAIN_MNEMONIC, startLocalChain } from '../../chain/localChain.ts';

const untilSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });

/** The private key of local account `index` (m/44'/60'/0'/0/index of the public mnemonic). */
export const devchainKey = (index: number): string =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(LOCAL_CHAIN_MNEMONIC), `m/44'/60'/0'/0/${index}`).privateKey;

export const devchainCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, {
      port: whole(0, 65_535),
      'chain-id': whole(1, 2 ** 32),
      'block-time': whole(0, 3600),
      accounts: whole(1, 100),
    });
    const chain = await startLocalChain({
      ...(flags['chain-id'] === undefined ? {} : { chainId: flags['chain-id'] }),
      ...(flags['block-time'] === undefined ? {} : { blockTimeSeconds: flags['block-time'] }),
      ...(flags.accounts === undefined ? {} : { accounts: flags.accounts }),
    });
    const endpoint = await chain.serve(flags.port ?? 8545);
    // The first line is the one scripts read; the rest is for people.
    io.stdout(`RPC_URL=${endpoint.url}`);
    io.stdout(`chain ${chain.chainId}, ${chain.signers.length} funded accounts from the public test mnemonic (never use them on a real chain):`);
    chain.signers.slice(0, 3).forEach((s, i) => io.stdout(`  account ${i}: ${s.address.toLowerCase()}  key ${devchainKey(i)}`));
    const signal = await untilSignal();
    io.stderr(`received ${signal}: stopping`);
    await endpoint.close();
    setTimeout(() => process.exit(0), 500).unref();
    return 0;
  },
};
