/**
 * Takes each distribution on-chain (DESIGN §6): created → proposed (DistributionPublished) →
 * accepted after the timelock (DistributionActivated), or revoked by the guardian
 * (DistributionRevoked). `step()` moves the oldest unfinished distribution one stage and is safe
 * to call as often as a scheduler likes.
 *
 * Crash safety: the chain is read before anything is sent. A proposal is recognised by its root
 * AND its dataHash — the distribution's logHead, unique to it — so a publisher that stopped after
 * proposing and before recording finds its RootProposed log and records that, never proposing
 * twice; an accept sent but not recorded is likewise found as a RootAccepted log.
 */
import { distributionsOn, latestLiveOn, PRIMARY_CHAIN, proposalId, type ChainKey, type Command, type DistributionState, type LedgerState } from '../../domain/index.ts';
import { revertOf, type DistributorClient, type DistributorEvent } from '../chain/distributorClient.ts';
import type { EventStore } from '../eventStore/port.ts';
import type { CommandHandler } from '../ledger/commandHandler.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { DEFAULT_MAX_BLOCK_RANGE, findEvents, findLatestEvent } from './chainScan.ts';
import { ensureDistributionDump } from './createDistribution.ts';
import { findShortfalls, InsufficientFundingError, unknownClaims } from './solvency.ts';
import type { TreeStore } from './treeStore.ts';

export interface PublisherOptions {
  readonly handler: CommandHandler;
  readonly ledger: Ledger;
  readonly treeStore: TreeStore;
  /** Lets a lost dump of an older distribution be rebuilt by replaying the log (see rebuildTree.ts). */
  readonly store?: EventStore;
  /** Sends as the distributor's updater. */
  readonly distributor: DistributorClient;
  /** The chain the distributor lives on; checked against the node once. */
  readonly chainId: number;
  /**
   * Whose trees this publisher takes on-chain (issue 15): the primary chain's (default) or a payout
   * chain's, `String(chainId)`. One publisher per chain, so a chain that is down delays only its trees.
   */
  readonly chain?: ChainKey;
  /**
   * Unix seconds. The next block's timestamp is what the contract checks, and on a chain that only
   * mines on demand (the embedded one) the latest block can be hours old, so "now" is the later of
   * this clock and the latest block; a contract that disagrees reverts in gas estimation, before
   * anything is sent, and the step just waits.
   */
  readonly clock: () => number;
  /** First block that can hold this distributor's logs (its deployment block); default 0. */
  readonly fromBlock?: number;
  /**
   * Seconds a transaction of the updater found unmined (after a restart, or sent by another tool)
   * may stay so before the publisher takes its nonce over with its own call at a higher fee
   * (transactionSender.ts); default: never, it waits. Taking the nonce over cannot make a proposal
   * twice: one nonce is mined once, and the chain is read again before every send.
   */
  readonly takeOverAfterSeconds?: number;
  readonly maxBlockRange?: number;
}

export type PublisherStep =
  | { readonly action: 'idle' }
  /** `stuck`: it will not resolve by itself; an operator must act. */
  | { readonly action: 'waiting'; readonly seq: number; readonly reason: string; readonly stuck?: true }
  | { readonly action: 'published'; readonly seq: number; readonly txHash: string; readonly blockNumber: number; readonly validAt: number; readonly recovered: boolean }
  | { readonly action: 'activated'; readonly seq: number; readonly txHash?: string; readonly recovered: boolean }
  | { readonly action: 'revoked'; readonly seq: number; readonly txHash: string };

export interface StepOptions {
  /**
   * Propose the latest distribution again on a contract that does not know claims the ledger has
   * recorded (they could be paid a second time there). Only an operator may decide that.
   */
  readonly allowClaimReplay?: boolean;
}

export interface Publisher {
  step(options?: StepOptions): Promise<PublisherStep>;
}

type RootProposed = Extract<DistributorEvent, { type: 'RootProposed' }>;

const waiting = (seq: number, reason: string): PublisherStep => ({ action: 'waiting', seq, reason });
const stuck = (seq: number, reason: string): PublisherStep => ({ action: 'waiting', seq, reason, stuck: true });

/** Reverts that mean "not yet" rather than "wrong": gas estimation fails on them, so nothing was sent. */
const NOT_YET = new Set(['PendingRootWaiting', 'RootNotReady', 'NoPendingRoot']);

export const createPublisher = (options: PublisherOptions): Publisher => {
  const { handler, ledger, treeStore, distributor, chainId, clock } = options;
  const chain = options.chain ?? PRIMARY_CHAIN;
  if (chain !== PRIMARY_CHAIN && chain !== String(chainId)) throw new Error(`a publisher for chain ${chainId} cannot take chain ${chain}'s trees`);
  /** Stage commands of a payout chain's tree name their chain; the primary chain's name none (as before issue 15). */
  const treeField = chain === PRIMARY_CHAIN ? {} : { chainId };
  const maxBlocks = options.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  let chainChecked = false;
  let running: Promise<PublisherStep> | undefined;
  /** The lowest unmined nonce of the updater last seen, and since when (clock seconds). */
  let inFlightSeen: { nonce: number; sinceSeconds: number } | undefined;

  /**
   * Undefined: nothing of the updater is in flight, send as usual. A number: the nonce to take over
   * (in flight for too long). 'wait': in flight, not for long enough yet.
   */
  const inFlightDecision = async (): Promise<number | 'wait' | undefined> => {
    const inFlight = await distributor.inFlight();
    if (inFlight === undefined) {
      inFlightSeen = undefined;
      return undefined;
    }
    if (inFlightSeen?.nonce !== inFlight.firstNonce) inFlightSeen = { nonce: inFlight.firstNonce, sinceSeconds: clock() };
    const limit = options.takeOverAfterSeconds;
    return limit !== undefined && clock() - inFlightSeen.sinceSeconds >= limit ? inFlight.firstNonce : 'wait';
  };

  const record = async (command: Command): Promise<void> => {
    const result = await handler.handle(command);
    if (result.status === 'refused') throw new Error(`the ledger refused ${command.type}: ${result.refusal.code} ${result.refusal.message}`);
  };

  const checkChain = async (): Promise<void> => {
    if (chainChecked) return;
    const actual = await distributor.chainId();
    if (actual !== chainId) throw new Error(`the publisher is configured for chain ${chainId} but its node is on chain ${actual}`);
    chainChecked = true;
  };

  const nowSeconds = async (): Promise<{ blockNumber: number; nowSeconds: number }> => {
    const head = await distributor.latestBlock();
    return { blockNumber: head.blockNumber, nowSeconds: Math.max(head.timestamp, clock()) };
  };

  const onThisChain = (d: DistributionState): boolean => d.published?.contract === distributor.address && d.published.chainId === chainId;

  /** Our proposal can only be newer than the last distribution this contract has published. */
  const scanStart = (): number =>
    Math.max(options.fromBlock ?? 0, ...distributionsOn(ledger.state, chain).flatMap((x) => (onThisChain(x) ? [x.published!.blockNumber] : [])));

  /** Is this RootProposed log the proposal the ledger recorded for `d` (same transaction in the same block)? */
  const isRecordedProposal = (d: DistributionState, e: RootProposed): boolean => {
    const p = d.published;
    if (p === undefined || !onThisChain(d)) return false;
    return proposalId(p) === proposalId({ txHash: e.txHash, blockNumber: e.blockNumber, validAt: e.validAt, ...(p.blockHash === undefined ? {} : { blockHash: e.blockHash }) });
  };

  /** A proposal of `d` on this contract that the ledger has not recorded yet (not the recorded one). */
  const findProposal = async (d: DistributionState, toBlock: number): Promise<RootProposed | undefined> =>
    (await findLatestEvent(
      distributor,
      { fromBlock: scanStart(), toBlock, types: ['RootProposed'], maxBlocks },
      (e) => e.type === 'RootProposed' && e.root === d.root && e.dataHash === d.logHead && !isRecordedProposal(d, e),
    )) as RootProposed | undefined;

  const recordPublished = async (d: DistributionState, log: RootProposed, recovered: boolean): Promise<PublisherStep> => {
    const { txHash, blockNumber, validAt, blockHash } = log;
    await record({ type: 'RecordDistributionPublished', seq: d.seq, chainId, contract: distributor.address, txHash, blockNumber, validAt, blockHash });
    return { action: 'published', seq: d.seq, txHash, blockNumber, validAt, recovered };
  };

  /** The ledger's distribution that a pending root on-chain is, if any. */
  const ledgerPending = (state: LedgerState, pending: { root: string; dataHash: string }): DistributionState | undefined =>
    distributionsOn(state, chain).find((x) => x.status === 'published' && onThisChain(x) && x.root === pending.root && x.logHead === pending.dataHash);

  const propose = async (d: DistributionState, stepOptions: StepOptions): Promise<PublisherStep> => {
    // A root whose proofs nobody can serve must not become claimable: the dump is checked (or rebuilt) first.
    const dump = await ensureDistributionDump(d, { ledger, treeStore, store: options.store, chain });
    const head = await nowSeconds();
    const proposed = await findProposal(d, head.blockNumber);
    if (proposed !== undefined) return recordPublished(d, proposed, true);
    const inFlight = await inFlightDecision();
    if (inFlight === 'wait') return waiting(d.seq, 'a transaction of the updater is still unmined; it may be this proposal');
    const pending = await distributor.pending();
    if (pending !== undefined) {
      // An older distribution of ours waits on-chain: accept it first (its claims open a timelock sooner).
      const ours = ledgerPending(ledger.state, pending);
      if (head.nowSeconds < pending.validAt)
        return waiting(ours?.seq ?? d.seq, `root ${pending.root} is pending until ${pending.validAt} (unix seconds); it is never proposed over`);
      if (ours !== undefined) return accept(ours);
    }
    if (d.status !== 'created') {
      // Proposed again where the chain does not hold it: claims this contract has not seen could be paid twice.
      const replayed = await unknownClaims({ dump, state: ledger.state, distributor, chain });
      if (replayed.length > 0 && stepOptions.allowClaimReplay !== true)
        return stuck(
          d.seq,
          `distribution ${d.seq} is not on contract ${distributor.address} (chain ${chainId}), and claims the ledger recorded are unknown to it ` +
            `(${replayed.map((r) => `${r.missingWei} base units of token ${r.token}`).join(', ')}); proposing it there would let them be claimed again. ` +
            (chain === PRIMARY_CHAIN
              ? 'An operator may still do so: POST /v1/distributions/:seq/publish with {"allowClaimReplay": true}, or cxt distribution publish --allow-claim-replay'
              : `An operator may still do so: POST /v1/distributions/:seq/publish with {"allowClaimReplay": true, "chainId": ${chainId}}, or cxt distribution publish --allow-claim-replay --chain-id ${chainId}`),
        );
    }
    const shortfalls = await findShortfalls({ distribution: d, dump, state: ledger.state, distributor, chain });
    if (shortfalls.length > 0) throw new InsufficientFundingError(d.seq, distributor.address, shortfalls);
    let mined;
    try {
      mined = await (await distributor.sendProposeRoot(d.root, d.logHead, inFlight === undefined ? {} : { replacing: inFlight })).wait();
    } catch (error) {
      const revert = revertOf(error);
      if (revert !== undefined && NOT_YET.has(revert.name)) return waiting(d.seq, `the contract refused the proposal for now (${revert.name})`);
      throw error;
    }
    const log = mined.events.find((e): e is RootProposed => e.type === 'RootProposed' && e.root === d.root);
    if (log === undefined) throw new Error(`transaction ${mined.txHash} proposed no root ${d.root}`);
    return recordPublished(d, log, false);
  };

  const accept = async (d: DistributionState): Promise<PublisherStep> => {
    const inFlight = await inFlightDecision();
    if (inFlight === 'wait') return waiting(d.seq, 'a transaction of the updater is still unmined; it may be this acceptance');
    let mined;
    try {
      mined = await (await distributor.sendAcceptRoot(inFlight === undefined ? {} : { replacing: inFlight })).wait();
    } catch (error) {
      const revert = revertOf(error);
      if (revert !== undefined && NOT_YET.has(revert.name)) return waiting(d.seq, `the contract refused acceptRoot for now (${revert.name})`);
      throw error;
    }
    const log = mined.events.find((e) => e.type === 'RootAccepted');
    if (log?.type !== 'RootAccepted' || log.root !== d.root) throw new Error(`acceptRoot in ${mined.txHash} did not accept root ${d.root} of distribution ${d.seq}`);
    await record({ type: 'ActivateDistribution', seq: d.seq, txHash: mined.txHash, proposal: proposalId(d.published!), ...treeField });
    return { action: 'activated', seq: d.seq, txHash: mined.txHash, recovered: false };
  };

  /** The proposal is no longer pending: its logs say whether it was accepted or revoked, or the chain never kept it. */
  const concluded = async (d: DistributionState, fromBlock: number, stepOptions: StepOptions): Promise<PublisherStep> => {
    // Read after pending(): whatever ended the proposal is in a block up to this one.
    const { blockNumber: toBlock } = await distributor.latestBlock();
    const [outcome] = await findEvents(
      distributor,
      { fromBlock, toBlock, types: ['RootAccepted', 'RootRevoked'], maxBlocks },
      (e) => (e.type === 'RootAccepted' && e.root === d.root && e.dataHash === d.logHead) || (e.type === 'RootRevoked' && e.root === d.root),
    );
    if (outcome?.type === 'RootRevoked') {
      await record({ type: 'RevokeDistribution', seq: d.seq, txHash: outcome.txHash, reason: 'pending root revoked on-chain', ...treeField });
      return { action: 'revoked', seq: d.seq, txHash: outcome.txHash };
    }
    if (outcome?.type === 'RootAccepted' || (await distributor.root()) === d.root) {
      const txHash = outcome?.txHash;
      await record({ type: 'ActivateDistribution', seq: d.seq, ...(txHash === undefined ? {} : { txHash }), proposal: proposalId(d.published!), ...treeField });
      return { action: 'activated', seq: d.seq, ...(txHash === undefined ? {} : { txHash }), recovered: true };
    }
    // Neither pending, accepted nor revoked here: this chain does not hold the proposal (it started
    // over, or another proposal replaced it). Cumulative, so the latest distribution alone is proposed again.
    if (latestLiveOn(ledger.state, chain)?.seq === d.seq) return propose(d, stepOptions);
    return waiting(d.seq, `distribution ${d.seq} is not on this chain and a newer distribution supersedes it`);
  };

  const activate = async (d: DistributionState, stepOptions: StepOptions): Promise<PublisherStep> => {
    const pending = await distributor.pending();
    if (pending === undefined || pending.root !== d.root || pending.dataHash !== d.logHead) return concluded(d, d.published!.blockNumber, stepOptions);
    const head = await nowSeconds();
    if (head.nowSeconds < pending.validAt) return waiting(d.seq, `timelock: root ${d.root} can be accepted from ${pending.validAt} (unix seconds)`);
    return accept(d);
  };

  const run = async (stepOptions: StepOptions): Promise<PublisherStep> => {
    await ledger.catchUp();
    await checkChain();
    const d = latestLiveOn(ledger.state, chain);
    if (d === undefined) return { action: 'idle' };
    switch (d.status) {
      case 'created':
        return propose(d, stepOptions);
      case 'published':
        return onThisChain(d) ? activate(d, stepOptions) : propose(d, stepOptions);
      case 'active':
        // Accepted here and still the root: nothing to do. Anywhere else (another contract, or a chain that lost it): propose it again.
        if ((await distributor.root()) === d.root) return { action: 'idle' };
        // propose() first looks for a proposal of it made here and not yet recorded (after a crash), and records that.
        return propose(d, stepOptions);
      default:
        return { action: 'idle' };
    }
  };

  return {
    // One step at a time: a second caller shares the step in progress instead of racing it to the chain.
    step: (stepOptions = {}) => (running ??= run(stepOptions).finally(() => (running = undefined))),
  };
};
