/**
 * `cxt account payout-chain --account A --chain-id N --sequence S --signature 0x…`: what
 * POST /v1/accounts/:address/payout-chain does, for a change the account signed elsewhere (a wallet's
 * eth_signTypedData_v4 of EIP-712 `PayoutChain`). `--sign-with-env VAR` signs here instead, with the
 * private key held in environment variable VAR (never on the command line, where `ps` shows it);
 * then `--account` and `--sequence` default to the key's address and the account's next sequence.
 * `--chain-id` is an EVM chain id: a payout chain's, or the primary chain's to come back.
 */
import * as E from 'fp-ts/lib/Either.js';
import { Wallet } from 'ethers';
import { Address } from '../../../domain/index.ts';
import { payoutChainDigest, recoverSigner, signPayoutChain } from '../../http/eip712.ts';
import { payoutChainCommand } from '../../http/payoutChainRequest.ts';
import { InputError, UsageError, type CliCommand } from '../command.ts';
import { parseFlags, text, whole } from '../flags.ts';
import { refused, withCore } from '../operator/withCore.ts';

const FLAGS = {
  account: text('<address>'),
  'chain-id': whole(1, Number.MAX_SAFE_INTEGER),
  sequence: whole(1, Number.MAX_SAFE_INTEGER),
  signature: text('<0x…>'),
  'sign-with-env': text('<VAR>'),
  'data-dir': text('DIR'),
};

const signerFrom = (variable: string | undefined): Wallet | undefined => {
  if (variable === undefined) return undefined;
  const key = process.env[variable];
  if (key === undefined || key === '') throw new InputError(`--sign-with-env ${variable}: the environment variable ${variable} is not set`);
  try {
    return new Wallet(key.startsWith('0x') ? key : `0x${key}`);
  } catch {
    throw new InputError(`--sign-with-env ${variable}: ${variable} does not hold a 32-byte hex private key`);
  }
};

export const accountPayoutChainCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, FLAGS);
    const chainId = flags['chain-id'];
    if (chainId === undefined) throw new UsageError('--chain-id N is required: a payout chain’s id, or the primary chain’s to come back');
    if ((flags.signature === undefined) === (flags['sign-with-env'] === undefined)) throw new UsageError('give either --signature (signed elsewhere) or --sign-with-env VAR (signed here)');
    if (flags.signature !== undefined && (flags.account === undefined || flags.sequence === undefined))
      throw new UsageError('--signature needs the --account and --sequence it was signed with');
    const signer = signerFrom(flags['sign-with-env']);
    const given = flags.account === undefined ? undefined : Address.decode(flags.account);
    if (given !== undefined && E.isLeft(given)) throw new UsageError(`--account ${flags.account} ${given.left[0]?.message ?? 'is not an address'}`);
    const account = given?.right ?? signer!.address.toLowerCase();
    return withCore(flags['data-dir'], process.env, async ({ chain, commands, ledger }) => {
      await ledger.catchUp();
      const sequence = flags.sequence ?? (ledger.state.accounts.get(account)?.payoutSequence ?? 0) + 1;
      const message = { account, chainId, sequence };
      const signature = flags.signature ?? (await signPayoutChain(signer!, chain.chainId, message));
      const checked = payoutChainCommand(chain.chainId, message, recoverSigner(payoutChainDigest(chain.chainId, message), signature));
      if (E.isLeft(checked)) return refused(io, { code: checked.left.kind === 'unusable' ? 'INVALID_SIGNATURE' : 'SIGNATURE_MISMATCH', message: checked.left.message });
      const r = await commands.handle(checked.right);
      if (r.status === 'refused') return refused(io, r.refusal);
      const where = chainId === chain.chainId ? 'the primary chain' : `chain ${chainId}`;
      io.stdout(`${r.status === 'accepted' ? 'recorded' : 'already recorded'}: ${account} is paid on ${where} from now on (change ${sequence})`);
      return 0;
    });
  },
};
