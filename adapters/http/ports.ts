/**
 * What the HTTP layer needs from the rest of the service. The service (adapters/service) provides
 * these; tests may provide their own.
 */
import type { Command, LedgerState } from '../../domain/index.ts';
import type { HandleResult } from '../ledger/index.ts';
import type { AccessTokens } from './auth.ts';

export type Json = Record<string, unknown>;

export interface CommandPort {
  /** Throws RequestConflictError for a known key with different content. */
  handle(command: Command, options?: { idempotencyKey?: string }): Promise<HandleResult>;
}

/** A read that may find nothing (404) or find the read models a tick behind the ledger (503). */
export type Lookup =
  | { readonly status: 'ok'; readonly body: Json }
  | { readonly status: 'not-found' | 'catching-up'; readonly detail: string };

export interface QueryPort {
  /** The account's reward receipt for a closed epoch, with the distribution leaf it rolls into and its proof. */
  receipt(address: string, epoch: number): Promise<Lookup>;
  /** The account's receipts from `fromEpoch` on, ascending. */
  receipts(address: string, fromEpoch: number, limit: number): Promise<Json>;
  /** The receipts of every account a close paid or slashed, in address order, a page after the `after` cursor. */
  epochReceipts(epoch: number, after: string | undefined, limit: number): Promise<Lookup>;
  /** A contribution: open from the ledger, settled from its events; undefined when never recorded. */
  contribution(contributionId: string): Promise<Json | undefined>;
  /** Revenue records and burns in the order recorded, a page after the `after` cursor. */
  revenue(after: string | undefined, limit: number): Promise<Json>;
  /** An account's deposits, unstake requests and withdrawals in order, a page after the `after` cursor. */
  stakeHistory(address: string, after: string | undefined, limit: number): Promise<Json>;
  /** Tasks (open and settled) in task id order, a page after the `after` cursor. */
  tasks(after: string | undefined, limit: number): Promise<Json>;
  /** Every receipt of the account, one CSV line per epoch and token, in chunks. */
  receiptsCsv(address: string): Promise<AsyncIterable<string>>;
  account(address: string): Promise<Json>;
  proofs(address: string): Promise<Json>;
  epochs(fromEpoch: number, limit: number): Promise<Json>;
  epoch(epoch: number): Promise<Json>;
  supply(): Promise<Json>;
  distributions(): Promise<Json>;
  distribution(seq: number): Promise<Json | undefined>;
  /** The dump of `seq`'s tree on payout chain `chainId` (default: the primary chain's). */
  tree(seq: number, chainId?: number): Promise<Json | undefined>;
  /** An open task from the ledger, or a settled one from the read models; undefined when unknown. */
  task(taskId: string): Promise<Json | undefined>;
  /** The seats a node holds in open tasks, a page after the `after` cursor. */
  assignments(nodeId: string, after: string | undefined, limit: number): Promise<Json>;
  /** Registered nodes in node id order (of one operator, if given), a page after the `after` cursor. */
  nodes(operator: string | undefined, after: string | undefined, limit: number): Promise<Json>;
  /** One node with its open contributions and its seats in open tasks; undefined when not registered. */
  node(nodeId: string): Promise<Json | undefined>;
  verifiers(): Promise<Json>;
  /** Stored envelopes from `fromPosition` on, with position and hash, for auditors. */
  events(fromPosition: number, limit: number): Promise<Json>;
}

/**
 * Outcome of an admin distribution action: something was recorded (`accepted`, 201), nothing had
 * to be (`unchanged`, 200: already created, or the publisher is waiting, with the reason), or a
 * rule said no (422 with its code and sentence).
 */
export type DistributionActionResult =
  | { readonly status: 'accepted' | 'unchanged'; readonly distribution: Json; readonly action?: string; readonly detail?: string }
  | { readonly status: 'refused'; readonly refusal: { readonly code: string; readonly message: string } }
  /** The distributor cannot pay the root (409): per token, what it needs and what it holds. */
  | {
      readonly status: 'underfunded';
      readonly refusal: { readonly code: string; readonly message: string };
      readonly shortfalls: readonly { readonly token: string; readonly needed: string; readonly held: string }[];
    };

export interface DistributionPort {
  /** Creates the distribution through `throughEpoch` (default: the last closed epoch) and saves its tree. */
  create(throughEpoch: number | undefined): Promise<DistributionActionResult>;
  /** Drives the publisher for `seq`: proposes its root, or accepts it once the timelock has passed. */
  publish(seq: number, options?: { readonly allowClaimReplay?: boolean; /** A payout chain's tree (issue 15); default the primary chain's. */ readonly chainId?: number }): Promise<DistributionActionResult>;
  /** Revokes a created distribution that was never proposed (a proposed one is revoked on-chain by the guardian). */
  revoke(seq: number, reason: string | undefined): Promise<DistributionActionResult>;
  /**
   * The claim indexer of `chainId` (default: the primary chain's) reads again from `fromBlock` (the
   * way out of a chain that moved under it); refused for a chain the service does not serve.
   */
  rescanClaims(fromBlock: number, chainId?: number): Promise<{ readonly fromBlock: number } | { readonly refusal: { readonly code: string; readonly message: string } }>;
}

export type AssetActionResult =
  | { readonly status: 'accepted' | 'duplicate'; readonly asset: Json }
  | { readonly status: 'refused'; readonly refusal: { readonly code: string; readonly message: string } }
  /** The chain did not answer: retry later (503). */
  | { readonly status: 'unavailable'; readonly message: string };

export interface AssetPort {
  /** Checks the address holds an ERC-20 on the configured chain, reads symbol and decimals, records AssetRegistered. */
  register(asset: string): Promise<AssetActionResult>;
  list(): Promise<Json>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, 'ok' | string>>;
  /** Stuck states that need an operator; the service still serves (200, status "degraded"). */
  readonly attention?: readonly { readonly condition: string; readonly detail: string; readonly since: number }[];
}

export interface HttpMetricsPort {
  observe(method: string, route: string, statusCode: number, seconds: number): void;
  render(): Promise<string>;
  readonly contentType: string;
}

export interface HttpDeps {
  readonly chainId: number;
  readonly tokens: AccessTokens;
  readonly bodyLimitBytes: number;
  /** Body limit of the batch routes (default 1 MiB, never below bodyLimitBytes). */
  readonly batchBodyLimitBytes?: number;
  readonly commands: CommandPort;
  /** The ledger state caught up before answering (signer and verifier checks read it). */
  readonly fresh: () => Promise<LedgerState>;
  /** The ledger state as last folded, without a store round trip. */
  readonly current: () => LedgerState;
  readonly queries: QueryPort;
  /** Absent until the distribution adapters are wired: the endpoints answer 503. */
  readonly distributions?: DistributionPort;
  readonly assets?: AssetPort;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly metrics: HttpMetricsPort;
  /** Public facts a client needs (chain, contracts, EIP-712 domain), served at /v1/info. */
  readonly info: () => Json;
}
