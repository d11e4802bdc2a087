/**
 * `cxt contract deploy` and `cxt contract verify`: put the CumulativeMerkleDistributor on a real
 * chain from the committed artifact (the one a test proves equal to a fresh solc build), and check
 * that the contract at an address is ours and configured as expected.
 *
 * The deployer's key comes from PRIVATE_KEY or from an encrypted JSON keystore (`--keystore FILE`,
 * passphrase asked on the terminal or read from the first line of stdin) — never from a flag,
 * which would land in shell history and `ps`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { JsonRpcProvider, Wallet, getAddress, isAddress, type Provider, type Signer } from 'ethers';
import type { CliCommand, CliIo } from '../command.ts';
import { InputError, UsageError } from '../command.ts';
import { parseFlags, requiredText, text, whole, onOff } from '../flags.ts';
import { readSecret } from '../secretPrompt.ts';
import { deployDistributor } from '../../chain/localChain.ts';
import { checkDistributor, type DistributorCheck } from '../../chain/contractCheck.ts';
import { chainDefaults } from '../../chain/chainDefaults.ts';
import { defaultParams } from '../../../domain/index.ts';
import { withTimeout } from '../../service/chainRuntime.ts';

/**
 * The protocol's own default (DESIGN §8, `timelockSeconds`): the ledger requires it to be shorter
 * than the distribution interval, or each pending root would still be waiting when the next
 * distribution is due (a root is never proposed over a pending one). A deploy must not default to
 * a timelock the genesis parameters would refuse.
 */
export const DEFAULT_TIMELOCK_SECONDS = defaultParams().timelockSeconds;

const addressFlag = (flag: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!isAddress(value)) throw new UsageError(`--${flag} must be a 20-byte hex address (got ${JSON.stringify(value)})`);
  return getAddress(value).toLowerCase();
};

const connect = async (rpcUrl: string): Promise<{ provider: JsonRpcProvider; chainId: number }> => {
  if (!/^https?:\/\//.test(rpcUrl)) throw new UsageError(`--rpc-url must be an http(s) URL (got ${JSON.stringify(rpcUrl)})`);
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250 });
  try {
    // The service's start-up bound: a node that never answers is an error, not a hang.
    return { provider, chainId: Number((await withTimeout(provider.getNetwork(), 15_000, `--rpc-url ${rpcUrl}`)).chainId) };
  } catch (error) {
    provider.destroy();
    throw new InputError(`--rpc-url ${rpcUrl} is not reachable: ${(error as Error).message}`);
  }
};

/** The deployer: PRIVATE_KEY, or a keystore and its passphrase; exactly one of them. */
const deployerKey = async (keystore: string | undefined, provider: Provider, io: CliIo): Promise<Signer> => {
  const envKey = process.env.PRIVATE_KEY;
  if (keystore !== undefined && envKey) throw new UsageError('give the deployer key once: PRIVATE_KEY is set and --keystore is given');
  if (keystore !== undefined) {
    let json: string;
    try {
      json = readFileSync(keystore, 'utf8');
    } catch (error) {
      throw new InputError(`--keystore ${keystore} cannot be read: ${(error as Error).message}`);
    }
    const passphrase = await readSecret(`passphrase for ${keystore}: `);
    try {
      return (await Wallet.fromEncryptedJson(json, passphrase)).connect(provider);
    } catch {
      throw new InputError(`--keystore ${keystore}: the passphrase does not open it (or it is not an encrypted JSON keystore)`);
    }
  }
  if (!envKey) throw new UsageError('no deployer key: set PRIVATE_KEY or give --keystore FILE (a key is never a flag)');
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(envKey)) throw new InputError('PRIVATE_KEY must be a 32-byte hex private key');
  io.stderr('deployer key: PRIVATE_KEY');
  return new Wallet(envKey.startsWith('0x') ? envKey : `0x${envKey}`, provider);
};

const describeCheck = (c: DistributorCheck): string[] => {
  const lines = [`code      ${c.codeMatches ? `matches the artifact (${c.codeBytes} bytes)` : 'DOES NOT MATCH the artifact'}`];
  if (c.roles) {
    lines.push(`owner     ${c.roles.owner}`, `updater   ${c.roles.updater}`, `guardian  ${c.roles.guardian}`, `timelock  ${c.roles.timelockSeconds} s`);
    if (c.roles.pendingOwner !== '0x0000000000000000000000000000000000000000') lines.push(`pending owner ${c.roles.pendingOwner}`);
  }
  for (const p of c.problems) lines.push(`problem   ${p}`);
  return lines;
};

/** The distributor's roles and timelock: what deploy sets and verify expects. */
const ROLE_FLAGS = {
  'rpc-url': requiredText('URL'),
  owner: text('ADDRESS'),
  updater: text('ADDRESS'),
  guardian: text('ADDRESS'),
  timelock: whole(0, 2 ** 32 - 1),
} as const;

export const contractDeployCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, {
      ...ROLE_FLAGS,
      confirmations: whole(0, 1000),
      keystore: text('FILE'),
      'cxt-token': text('ADDRESS'),
      out: text('FILE'),
    });
    const owner = addressFlag('owner', flags.owner);
    const updater = addressFlag('updater', flags.updater);
    const guardian = addressFlag('guardian', flags.guardian);
    const cxtToken = addressFlag('cxt-token', flags['cxt-token']);
    const { provider, chainId } = await connect(flags['rpc-url']);
    try {
      const signer = await deployerKey(flags.keystore, provider, io);
      const deployer = (await signer.getAddress()).toLowerCase();
      const defaults = chainDefaults(chainId);
      const confirmations = flags.confirmations ?? defaults.confirmations;
      const roles = { owner: owner ?? deployer, updater: updater ?? deployer, guardian: guardian ?? deployer, timelock: flags.timelock ?? DEFAULT_TIMELOCK_SECONDS };
      if (guardian === undefined) io.stderr('note: the guardian (who may revoke a pending root) is the deployer; pass --guardian to give that power to another key');
      io.stderr(`deploying CumulativeMerkleDistributor on ${defaults.name} (chain ${chainId}) from ${deployer}; waiting for ${confirmations} confirmation${confirmations === 1 ? '' : 's'}…`);
      const deployment = await deployDistributor(signer, roles, confirmations);
      const check = await checkDistributor(provider, deployment.address, { ...roles, timelockSeconds: roles.timelock });
      if (flags.out !== undefined)
        writeFileSync(
          flags.out,
          `${JSON.stringify({ chainId, ...deployment, confirmations, deployer, roles: { owner: roles.owner, updater: roles.updater, guardian: roles.guardian, timelockSeconds: roles.timelock } }, null, 2)}\n`,
        );
      io.stdout(
        [
          `deployed CumulativeMerkleDistributor at ${deployment.address}`,
          `block     ${deployment.blockNumber} (tx ${deployment.txHash}), ${confirmations} confirmation${confirmations === 1 ? '' : 's'} on top`,
          ...describeCheck(check),
          '',
          '# Environment for cxt serve (docs/service.md, "Going live"):',
          `RPC_URL=${flags['rpc-url']}`,
          `CHAIN_ID=${chainId}`,
          `DISTRIBUTOR_ADDRESS=${deployment.address}`,
          `DISTRIBUTOR_FROM_BLOCK=${deployment.blockNumber}`,
          `CONFIRMATIONS=${confirmations}`,
          cxtToken ? `CXT_TOKEN_ADDRESS=${cxtToken}` : '# CXT_TOKEN_ADDRESS=<the CXT ERC-20 on this chain> (pass --cxt-token to print it here)',
          `# PRIVATE_KEY=<the updater's key, ${roles.updater}> from your secret store: the service proposes roots with it`,
        ].join('\n'),
      );
      return check.problems.length === 0 ? 0 : 1;
    } finally {
      provider.destroy();
    }
  },
};

export const contractVerifyCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { ...ROLE_FLAGS, address: requiredText('ADDRESS'), json: onOff() });
    const address = addressFlag('address', flags.address)!;
    const expected = {
      ...(flags.owner === undefined ? {} : { owner: addressFlag('owner', flags.owner)! }),
      ...(flags.updater === undefined ? {} : { updater: addressFlag('updater', flags.updater)! }),
      ...(flags.guardian === undefined ? {} : { guardian: addressFlag('guardian', flags.guardian)! }),
      ...(flags.timelock === undefined ? {} : { timelockSeconds: flags.timelock }),
    };
    const { provider } = await connect(flags['rpc-url']);
    try {
      const check = await checkDistributor(provider, address, expected);
      const ok = check.problems.length === 0;
      io.stdout(flags.json ? JSON.stringify({ ok, ...check }, null, 2) : [`${ok ? 'verified' : 'NOT verified'}: ${address} on chain ${check.chainId}`, ...describeCheck(check)].join('\n'));
      return ok ? 0 : 1;
    } finally {
      provider.destroy();
    }
  },
};
