/**
 * The io-ts codecs of every request the HTTP layer accepts, built from the domain's pieces so a
 * body that passes here is one field away from a domain command (its `type`). The same codecs
 * feed /docs through jsonSchema.ts.
 */
import * as t from 'io-ts';
import { Address, boundedArray as domainBoundedArray, commandFields, Count, Epoch, HardwareClass, Id, MAX_TASK_FRAGMENTS, PositiveCount, Reason, Redundancy, literalUnion } from '../../domain/index.ts';
import { describeOptional, describeScalar, describedObject, toJsonSchema } from './jsonSchema.ts';

/** A 65-byte secp256k1 signature (r ‖ s ‖ v) as 0x-prefixed hex, what eth_signTypedData_v4 returns. */
export const Signature = describeScalar(
  new t.Type<string, string, unknown>(
    'Signature',
    (u): u is string => typeof u === 'string' && /^0x[0-9a-f]{130}$/.test(u),
    (u, c) =>
      typeof u === 'string' && /^0x[0-9a-fA-F]{130}$/.test(u) ? t.success(u.toLowerCase()) : t.failure(u, c, 'must be a 0x-prefixed 65-byte hex signature'),
    (v) => v,
  ),
  { type: 'string', pattern: '^0x[0-9a-fA-F]{130}$', description: '65-byte EIP-712 signature (r ‖ s ‖ v), 0x-prefixed hex.' },
);

/** Path and query values arrive as text: whole numbers are parsed here, then checked by the domain codec. */
const wholeNumberText = (inner: t.Type<number, number, unknown>, name: string) =>
  new t.Type<number, string, unknown>(
    name,
    inner.is,
    (u, c) => {
      if (typeof u !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(u)) return t.failure(u, c, 'must be a whole number written in decimal');
      const r = inner.validate(Number(u), c);
      return r._tag === 'Left' ? t.failure(u, c, r.left[0]?.message ?? 'is out of range') : r;
    },
    (v) => String(v),
  );

export const EpochText = describeScalar(wholeNumberText(Epoch, 'EpochText'), { type: 'integer', minimum: 0, maximum: 2 ** 40 });
export const SeqText = describeScalar(wholeNumberText(PositiveCount, 'SeqText'), { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const LimitText = describeScalar(
  wholeNumberText(
    new t.Type<number, number, unknown>(
      'Limit',
      (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 1000,
      (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 1000 ? t.success(u) : t.failure(u, c, 'must be from 1 to 1000')),
      (v) => v,
    ),
    'LimitText',
  ),
  { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
);

/** A body that may be left out (no content type, no payload): undefined then, else the object codec. */
const optionalBody = <C extends t.Mixed>(codec: C) => describeOptional(codec);

// ---------------------------------------------------------------- signed messages (EIP-712)

/** An id, or "" for none: EIP-712 has no optional fields, so a signer signs "" for "none". */
const idOrNone = (name: string, what: string) =>
  describeScalar(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => u === '' || Id.is(u),
      (u, c) => (u === '' || Id.is(u) ? t.success(u) : t.failure(u, c, `must be 1 to 200 printable characters without spaces, or "" for no ${what}`)),
      (v) => v,
    ),
    { type: 'string', pattern: '^([!-~]{1,200})?$', description: `The ${what}; "" or absent: none (both sign as "").` },
  );
const TaskIdOrNone = idOrNone('TaskIdOrNone', 'task');
const FragmentIdOrNone = idOrNone('FragmentIdOrNone', 'task fragment (a task result names its task and fragment)');

const contributionFields = describedObject(
  'Contribution',
  commandFields.RecordContribution.required,
  { ...commandFields.RecordContribution.optional, taskId: TaskIdOrNone, fragmentId: FragmentIdOrNone },
  'The EIP-712 `Contribution` message; an absent taskId or fragmentId is signed as the empty string.',
);

/**
 * `"taskId": ""` (and `"fragmentId": ""`) decode to no such field at all, so it is the same
 * command, event and digest as an omitted field, and the two are idempotent replays of each other.
 */
export const ContributionMessage = describeScalar(
  new t.Type<t.TypeOf<typeof contributionFields>, t.OutputOf<typeof contributionFields>, unknown>(
    'Contribution',
    (u): u is t.TypeOf<typeof contributionFields> => contributionFields.is(u) && u.taskId !== '' && u.fragmentId !== '',
    (u, c) => {
      const r = contributionFields.validate(u, c);
      if (r._tag === 'Left' || (r.right.taskId !== '' && r.right.fragmentId !== '')) return r;
      const { taskId, fragmentId, ...rest } = r.right;
      return t.success({ ...rest, ...(taskId === '' || taskId === undefined ? {} : { taskId }), ...(fragmentId === '' || fragmentId === undefined ? {} : { fragmentId }) });
    },
    contributionFields.encode,
  ),
  toJsonSchema(contributionFields),
);
export const VerdictValue = literalUnion('VerdictValue', ['verified', 'invalid', 'fraud']);
export const VerdictMessage = describedObject('Verdict', { contributionId: Id, verdict: VerdictValue }, {}, 'The EIP-712 `Verdict` message.');

/** Most items one batch request may carry. */
export const MAX_BATCH_ITEMS = 1000;

/** An array of 1 to `max` items, each decoded by `item` (errors name the index: items.3.signature), described for /docs. */
const boundedArray = <C extends t.Mixed>(item: C, max: number) =>
  describeScalar(domainBoundedArray(`ArrayOf1To${max}`, item, 1, max), { type: 'array', items: toJsonSchema(item), minItems: 1, maxItems: max });

const signedContribution = describedObject('SignedContribution', { contribution: ContributionMessage, signature: Signature }, {}, 'Signed by the node’s registered signer.');
const signedVerdict = describedObject('SignedVerdict', { verdict: VerdictMessage, signature: Signature }, {}, 'Signed by a registered verifier.');

describeScalar(Redundancy, { type: 'integer', minimum: 1, maximum: 5, description: 'From 1 to 5.' });

/** A task's fragments: the domain's codecs, described for /docs. */
const taskFragment = describedObject('TaskFragment', { fragmentId: Id, units: PositiveCount, hardwareClass: HardwareClass }, {}, 'One executable piece of the task.');

/**
 * A cursor of a paged list: opaque to the client (base64url of the position it continues after),
 * so a changed or made-up one is refused (400) rather than silently starting elsewhere.
 */
/** The opaque form of a page position (what `Cursor` decodes back). */
export const encodeCursor = (position: string): string => Buffer.from(position, 'utf8').toString('base64url');

/** A page as the API answers it: its `next` position made opaque (or null at the end). */
export const withOpaqueNext = <P extends { readonly next?: unknown }>(page: P): P & { next: string | null } => ({
  ...page,
  next: typeof page.next === 'string' ? encodeCursor(page.next) : null,
});

export const Cursor = describeScalar(
  new t.Type<string, string, unknown>(
    'Cursor',
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string' || !/^[A-Za-z0-9_-]{1,600}$/.test(u)) return t.failure(u, c, 'must be a cursor returned by this endpoint (base64url)');
      try {
        const text = Buffer.from(u, 'base64url').toString('utf8');
        const parsed = JSON.parse(text) as unknown;
        if (Array.isArray(parsed) && parsed.length >= 1 && parsed.length <= 2 && parsed.every((x) => Id.is(x))) return t.success(text);
      } catch {
        // falls through to the failure
      }
      return t.failure(u, c, 'must be a cursor returned by this endpoint');
    },
    encodeCursor,
  ),
  { type: 'string', pattern: '^[A-Za-z0-9_-]{1,600}$', description: 'The `next` cursor of the previous page.' },
);

export const bodies = {
  contribution: signedContribution,
  verdict: signedVerdict,
  contributionBatch: describedObject(
    'SignedContributionBatch',
    { items: boundedArray(signedContribution, MAX_BATCH_ITEMS) },
    {},
    `Up to ${MAX_BATCH_ITEMS} signed contributions, each exactly the body of POST /v1/contributions.`,
  ),
  contributionSignedBatch: describedObject(
    'ContributionBatchSignedOnce',
    { contributions: boundedArray(ContributionMessage, MAX_BATCH_ITEMS), signature: Signature },
    {},
    `Up to ${MAX_BATCH_ITEMS} contributions and one EIP-712 \`ContributionBatch\` signature over all of them, in order, by the registered signer of each one's node.`,
  ),
  verdictBatch: describedObject(
    'SignedVerdictBatch',
    { items: boundedArray(signedVerdict, MAX_BATCH_ITEMS) },
    {},
    `Up to ${MAX_BATCH_ITEMS} signed verdicts, each exactly the body of POST /v1/verdicts.`,
  ),
  registerNode: describedObject('RegisterNodeRequest', commandFields.RegisterNode.required, commandFields.RegisterNode.optional),
  registerVerifier: describedObject('RegisterVerifierRequest', commandFields.RegisterVerifier.required),
  deposit: describedObject(
    'StakeDepositRequest',
    commandFields.DepositStake.required,
    {},
    '`ref` identifies the deposit (e.g. the chain tx:logIndex); a repeated ref is the same deposit.',
  ),
  unstake: describedObject('UnstakeRequest', commandFields.RequestUnstake.required),
  withdrawal: describedObject('WithdrawalRequest', commandFields.WithdrawStake.required),
  revenue: describedObject('RevenueRequest', commandFields.RecordRevenue.required, commandFields.RecordRevenue.optional),
  burn: describedObject(
    'BurnRequest',
    commandFields.BurnTokens.required,
    commandFields.BurnTokens.optional,
    'A buyback burn names the revenue asset and the amount of it spent; an `other` burn names neither.',
  ),
  closeEpoch: describedObject('CloseEpochRequest', { epoch: Epoch }),
  payoutChain: describedObject(
    'SignedPayoutChainRequest',
    { chainId: PositiveCount, sequence: PositiveCount, signature: Signature },
    {},
    'EIP-712 `PayoutChain(address account,uint256 chainId,uint64 sequence)` signed by the account itself: chainId a payout chain’s id, or the primary chain’s to come back; sequence = the account’s payoutChain.nextSequence.',
  ),
  rescanClaims: describedObject('RescanClaimsRequest', { fromBlock: Count }, { chainId: PositiveCount }),
  createDistribution: describedObject('CreateDistributionRequest', {}, { throughEpoch: Epoch }, 'throughEpoch defaults to the last closed epoch.'),
  publishDistribution: optionalBody(
    describedObject(
      'PublishDistributionRequest',
      {},
      { allowClaimReplay: t.boolean, chainId: PositiveCount },
      'Optional; allowClaimReplay: propose again where recorded claims are unknown; chainId: the tree on that payout chain (default the primary chain’s).',
    ),
  ),
  revokeDistribution: optionalBody(describedObject('RevokeDistributionRequest', {}, { reason: Reason }, 'Optional; why, kept in the log.')),
  registerAsset: describedObject('RegisterAssetRequest', { asset: Address }, {}, 'The ERC-20 address; symbol and decimals are read from the chain.'),
  postTask: describedObject(
    'PostTaskRequest',
    { ...commandFields.PostTask.required, fragments: boundedArray(taskFragment, MAX_TASK_FRAGMENTS) },
    {},
    'A buyer’s task: the budget (in a registered asset) is its payment; each fragment is assigned to `redundancy` nodes of its hardware class, one per operator; `quorum` agreeing results accept it.',
  ),
} as const;

export const params = {
  address: describedObject('AddressParams', { address: Address }),
  epoch: describedObject('EpochParams', { epoch: EpochText }),
  seq: describedObject('SeqParams', { seq: SeqText }),
  taskId: describedObject('TaskIdParams', { taskId: Id }),
  nodeId: describedObject('NodeIdParams', { nodeId: Id }),
  accountEpoch: describedObject('AccountEpochParams', { address: Address, epoch: EpochText }),
  contributionId: describedObject('ContributionIdParams', { contributionId: Id }),
} as const;

export const queries = {
  epochs: describedObject('EpochsQuery', {}, { fromEpoch: EpochText, limit: LimitText }),
  none: describedObject('NoQuery', {}),
  page: describedObject('PageQuery', {}, { after: Cursor, limit: LimitText }),
  nodes: describedObject('NodesQuery', {}, { operator: Address, after: Cursor, limit: LimitText }),
  events: describedObject('EventsQuery', {}, { fromPosition: SeqText, limit: LimitText }),
  tree: describedObject('TreeQuery', {}, { chainId: SeqText }, 'chainId: a payout chain’s tree of the distribution (default: the primary chain’s).'),
} as const;

/** Commands without a natural key (unstake, withdrawal) need one from the caller to be retried safely. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IdempotencyKey = Id;
