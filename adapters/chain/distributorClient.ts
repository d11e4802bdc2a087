/**
 * Typed ethers v6 access to a deployed CumulativeMerkleDistributor: transactions, reads and log
 * queries. The publisher and the indexer build on it; it holds no state of its own.
 *
 * Addresses come back lowercase (DESIGN §2), amounts as bigint, timestamps and block numbers as
 * numbers. A reverted call throws the ethers error; `revertOf` names the contract's custom error.
 */
import { Contract, Interface } from 'ethers';
import type { ContractRunner, ContractTransactionResponse, Log, Provider, Signer, TransactionReceipt } from 'ethers';
import { loadContracts } from './compile.ts';
import { DEFAULT_FEE_POLICY, sendReplaceable, type FeePolicy, type SenderHooks } from './transactionSender.ts';

export interface ClaimArgs {
  readonly account: string;
  readonly token: string;
  readonly cumulative: bigint;
  readonly proof: readonly string[];
}

export interface TxOutcome {
  readonly txHash: string;
  readonly blockNumber: number;
  readonly gasUsed: bigint;
}

/**
 * A transaction handed to the node but not necessarily mined: its hash is known at once, so a
 * caller can note it (or look for it after a crash) before waiting.
 */
export interface SentTx {
  readonly txHash: string;
  /** Resolves once mined (throws if it reverted), with the distributor events it emitted. */
  readonly wait: () => Promise<MinedTx>;
}

export interface MinedTx extends TxOutcome {
  readonly events: readonly DistributorEvent[];
}

export interface BlockRef {
  readonly blockNumber: number;
  /** Unix seconds. */
  readonly timestamp: number;
}

export interface PendingRoot {
  readonly root: string;
  readonly dataHash: string;
  /** Unix seconds from which acceptRoot succeeds. */
  readonly validAt: number;
}

export interface DistributorRolesView {
  readonly owner: string;
  readonly updater: string;
  readonly guardian: string;
  readonly timelock: number;
}

export interface LogRef {
  readonly blockNumber: number;
  /** Tells a block apart from one at the same height of another chain, or of the same chain started over. */
  readonly blockHash: string;
  readonly txHash: string;
  readonly logIndex: number;
}

export type DistributorEvent =
  | (LogRef & { readonly type: 'RootProposed'; readonly root: string; readonly dataHash: string; readonly validAt: number })
  | (LogRef & { readonly type: 'RootRevoked'; readonly root: string })
  | (LogRef & { readonly type: 'RootAccepted'; readonly root: string; readonly dataHash: string })
  | (LogRef & {
      readonly type: 'Claimed';
      readonly account: string;
      readonly token: string;
      readonly amount: bigint;
      readonly cumulative: bigint;
    });

export type DistributorEventType = DistributorEvent['type'];

export const DISTRIBUTOR_EVENT_TYPES: readonly DistributorEventType[] = ['RootProposed', 'RootRevoked', 'RootAccepted', 'Claimed'];

export interface EventQuery {
  readonly fromBlock: number;
  /** Inclusive; default 'latest'. */
  readonly toBlock?: number | 'latest';
  /** Default: all four. */
  readonly types?: readonly DistributorEventType[];
}

export interface DistributorClient {
  readonly address: string;
  /** The same contract, sending from another account (e.g. a relayer claiming for someone). */
  readonly connect: (runner: Signer) => DistributorClient;
  readonly proposeRoot: (root: string, dataHash: string) => Promise<TxOutcome>;
  readonly acceptRoot: () => Promise<TxOutcome>;
  readonly revokePendingRoot: () => Promise<TxOutcome>;
  readonly claim: (claim: ClaimArgs) => Promise<TxOutcome>;
  readonly claimMany: (claims: readonly ClaimArgs[]) => Promise<TxOutcome>;
  /**
   * proposeRoot / acceptRoot split in two: send (hash known), then `wait()` for the receipt, which
   * replaces a version left unmined with a higher fee (transactionSender.ts). `replacing`: the
   * nonce of an unmined transaction of ours to take over (see `inFlight`).
   */
  readonly sendProposeRoot: (root: string, dataHash: string, options?: SendOptions) => Promise<SentTx>;
  readonly sendAcceptRoot: (options?: SendOptions) => Promise<SentTx>;
  /** Active root; 32 zero bytes before the first acceptRoot. */
  readonly root: () => Promise<string>;
  readonly pending: () => Promise<PendingRoot | undefined>;
  readonly claimed: (account: string, token: string) => Promise<bigint>;
  readonly roles: () => Promise<DistributorRolesView>;
  /** ERC-20 balance of `holder` (default: the distributor itself). */
  readonly tokenBalance: (token: string, holder?: string) => Promise<bigint>;
  readonly events: (query: EventQuery) => Promise<DistributorEvent[]>;
  readonly chainId: () => Promise<number>;
  readonly latestBlock: () => Promise<BlockRef>;
  /** The hash of block `blockNumber` as this node has it (lowercase), or undefined when it has no such block. */
  readonly blockHash: (blockNumber: number) => Promise<string | undefined>;
  /**
   * Transactions of the sending account that the node knows of but has not mined (pending nonce −
   * mined nonce) and the lowest of their nonces; undefined when there are none or for a read-only
   * client. Lets a restarted sender see its own transaction still in flight.
   */
  readonly inFlight: () => Promise<{ readonly count: number; readonly firstNonce: number } | undefined>;
}

export interface SendOptions {
  readonly replacing?: number;
}

export interface DistributorClientOptions {
  /** How the updater's transactions are priced and replaced (default: EIP-1559 fees, never replaced). */
  readonly feePolicy?: FeePolicy;
  readonly senderHooks?: SenderHooks;
}

const ERC20_ABI = ['function balanceOf(address) view returns (uint256)'];

let cachedInterface: Interface | undefined;
/** The distributor's ABI as an ethers Interface (from the committed or freshly compiled artifact). */
export const distributorInterface = (): Interface =>
  (cachedInterface ??= new Interface(loadContracts().contracts.CumulativeMerkleDistributor.abi));

const lower = (address: string): string => address.toLowerCase();

const providerOf = (runner: ContractRunner): Provider => {
  if (runner.provider === null || runner.provider === undefined) throw new Error('the distributor client needs a runner with a provider');
  return runner.provider;
};

const settle = async (sent: Promise<ContractTransactionResponse>): Promise<TxOutcome> => {
  const receipt = await (await sent).wait();
  if (receipt === null) throw new Error('transaction was not mined');
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
};

const sendOnly = async (address: string, sent: Promise<{ readonly txHash: string; readonly wait: () => Promise<TransactionReceipt | null> }>): Promise<SentTx> => {
  const response = await sent;
  return {
    txHash: response.txHash,
    wait: async () => {
      const receipt = await response.wait();
      if (receipt === null) throw new Error(`transaction ${response.txHash} was not mined`);
      const iface = distributorInterface();
      const events = receipt.logs
        .filter((log) => lower(log.address) === lower(address))
        .flatMap((log) => toEvent(iface, log) ?? []);
      return { txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, events };
    },
  };
};

const claimArrays = (claims: readonly ClaimArgs[]): [string[], string[], bigint[], string[][]] => [
  claims.map((c) => c.account),
  claims.map((c) => c.token),
  claims.map((c) => c.cumulative),
  claims.map((c) => [...c.proof]),
];

const toEvent = (iface: Interface, log: Log): DistributorEvent | undefined => {
  const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
  if (parsed === null) return undefined;
  const ref: LogRef = { blockNumber: log.blockNumber, blockHash: log.blockHash.toLowerCase(), txHash: log.transactionHash, logIndex: log.index };
  const a = parsed.args;
  switch (parsed.name) {
    case 'RootProposed':
      return { ...ref, type: 'RootProposed', root: a.root as string, dataHash: a.dataHash as string, validAt: Number(a.validAt) };
    case 'RootRevoked':
      return { ...ref, type: 'RootRevoked', root: a.root as string };
    case 'RootAccepted':
      return { ...ref, type: 'RootAccepted', root: a.root as string, dataHash: a.dataHash as string };
    case 'Claimed':
      return {
        ...ref,
        type: 'Claimed',
        account: lower(a.account as string),
        token: lower(a.token as string),
        amount: a.amount as bigint,
        cumulative: a.cumulative as bigint,
      };
    default:
      return undefined; // role and timelock changes are not distribution events
  }
};

const queryEvents = async (provider: Provider, address: string, query: EventQuery): Promise<DistributorEvent[]> => {
  const iface = distributorInterface();
  const topics = (query.types ?? DISTRIBUTOR_EVENT_TYPES).map((t) => iface.getEvent(t)!.topicHash);
  const logs = await provider.getLogs({ address, fromBlock: query.fromBlock, toBlock: query.toBlock ?? 'latest', topics: [topics] });
  return logs.flatMap((log) => toEvent(iface, log) ?? []);
};

/** Wraps the distributor at `address`; pass a Signer to send transactions, a Provider to only read. */
export const distributorClient = (address: string, runner: Signer | Provider, clientOptions: DistributorClientOptions = {}): DistributorClient => {
  const contract = new Contract(address, distributorInterface(), runner);
  const policy = clientOptions.feePolicy ?? DEFAULT_FEE_POLICY;
  const call = <T>(name: string, ...args: unknown[]): Promise<T> => contract.getFunction(name).staticCall(...args) as Promise<T>;
  const send = (name: string, ...args: unknown[]): Promise<TxOutcome> =>
    settle(contract.getFunction(name).send(...args) as Promise<ContractTransactionResponse>);
  const provider = (): Provider => providerOf(runner);
  const start = (name: string, args: unknown[], sendOptions: SendOptions = {}): Promise<SentTx> =>
    sendOnly(
      address,
      (async () => {
        if (!('sendTransaction' in runner)) throw new Error('sending needs a Signer');
        const request = await contract.getFunction(name).populateTransaction(...args);
        return sendReplaceable(runner as Signer, request, policy, { ...clientOptions.senderHooks, ...sendOptions });
      })(),
    );
  const sender = (): Promise<string> | undefined => ('getAddress' in runner ? (runner as Signer).getAddress() : undefined);
  return {
    address: lower(address),
    connect: (signer) => distributorClient(address, signer, clientOptions),
    proposeRoot: (root, dataHash) => send('proposeRoot', root, dataHash),
    acceptRoot: () => send('acceptRoot'),
    revokePendingRoot: () => send('revokePendingRoot'),
    claim: (c) => send('claim', c.account, c.token, c.cumulative, [...c.proof]),
    claimMany: (claims) => send('claimMany', ...claimArrays(claims)),
    sendProposeRoot: (root, dataHash, sendOptions) => start('proposeRoot', [root, dataHash], sendOptions),
    sendAcceptRoot: (sendOptions) => start('acceptRoot', [], sendOptions),
    root: () => call<string>('root'),
    pending: async () => {
      const [root, dataHash, validAt] = await call<[string, string, bigint]>('pending');
      return validAt === 0n ? undefined : { root, dataHash, validAt: Number(validAt) };
    },
    claimed: (account, token) => call<bigint>('claimed', account, token),
    roles: async () => {
      const [owner, updater, guardian, timelock] = await Promise.all([
        call<string>('owner'),
        call<string>('updater'),
        call<string>('guardian'),
        call<bigint>('timelock'),
      ]);
      return { owner: lower(owner), updater: lower(updater), guardian: lower(guardian), timelock: Number(timelock) };
    },
    tokenBalance: (token, holder = address) =>
      new Contract(token, ERC20_ABI, provider()).getFunction('balanceOf').staticCall(holder) as Promise<bigint>,
    events: (query) => queryEvents(provider(), address, query),
    chainId: async () => Number((await provider().getNetwork()).chainId),
    latestBlock: async () => {
      const block = await provider().getBlock('latest');
      if (block === null) throw new Error('the chain returned no latest block');
      return { blockNumber: block.number, timestamp: block.timestamp };
    },
    blockHash: async (blockNumber) => (await provider().getBlock(blockNumber))?.hash?.toLowerCase() ?? undefined,
    inFlight: async () => {
      const from = await sender();
      if (from === undefined) return undefined;
      const [pending, mined] = await Promise.all([provider().getTransactionCount(from, 'pending'), provider().getTransactionCount(from, 'latest')]);
      return pending > mined ? { count: pending - mined, firstNonce: mined } : undefined;
    },
  };
};

export interface Revert {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** The distributor's custom error behind a failed call or transaction, if that is what it was. */
export const revertOf = (error: unknown): Revert | undefined => {
  const e = error as { revert?: { name: string; args: unknown[] }; data?: unknown; info?: { error?: { data?: unknown } } };
  if (e?.revert !== undefined && e.revert !== null) return { name: e.revert.name, args: [...e.revert.args] };
  const data = typeof e?.data === 'string' ? e.data : e?.info?.error?.data;
  if (typeof data !== 'string') return undefined;
  try {
    const parsed = distributorInterface().parseError(data);
    return parsed === null ? undefined : { name: parsed.name, args: [...parsed.args] };
  } catch {
    return undefined;
  }
};
