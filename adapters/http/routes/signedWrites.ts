/**
 * Writes authenticated by EIP-712 signatures instead of bearer tokens: a node's contribution,
 * signed by the node's registered signer, and a verdict, signed by a registered verifier; one at a
 * time or up to 1,000 per batch request (node agents aggregate). A node agent may also sign a batch
 * of its contributions once (`ContributionBatch`), which costs one recovery instead of one per item.
 *
 * Statuses: a malformed or unrecoverable signature is a 400 field error; a valid signature from
 * the wrong key (or over a body changed after signing, which recovers to some other key) is 403
 * SIGNATURE_MISMATCH; an unknown node and a signer that is not a verifier are the domain's
 * refusals (422 NODE_UNKNOWN, NOT_A_VERIFIER). A batch answers 200 with one result per item, in
 * request order: `accepted` or `duplicate` with the events, or `refused` with the problem the
 * single endpoint would have answered. Its items are submitted together, so the command handler
 * decides them as one group and appends the accepted ones in one transaction.
 */
import type * as t from 'io-ts';
import type { FastifyInstance } from 'fastify';
import type { Command, LedgerState } from '../../../domain/index.ts';
import { commandOutcome, outcomeJson, refusedWith, sendOutcome, type CommandOutcome } from '../commandReply.ts';
import { contributionBatchDigest, contributionDigest, verdictDigest, type ContributionMessage } from '../eip712.ts';
import type { HttpDeps } from '../ports.ts';
import { problems, type Problem } from '../problem.ts';
import { bodies } from '../requestCodecs.ts';
import { PROBLEM_SCHEMA, defineRoute } from '../route.ts';
import type { SignatureRecovery } from '../signatureRecovery.ts';

const WRITTEN = { 201: 'Recorded: the events written', 200: 'Idempotent replay: the events of the original request' } as const;
const BATCHED = {
  200: {
    description: 'One result per item, in request order: accepted or duplicate with its events, or refused with its problem',
    schema: {
      type: 'object',
      properties: {
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['accepted', 'duplicate', 'refused'] },
              events: { type: 'array', items: { type: 'object' }, description: 'accepted: the events written; duplicate: those of the original request' },
              problem: { ...PROBLEM_SCHEMA, description: 'refused: what the single endpoint would have answered (400, 403, 409 or 422)' },
            },
            required: ['status'],
          },
        },
      },
      required: ['results'],
    },
  },
} as const;

/** The default body limit of a batch route: 1,000 signed items fit with room to spare. */
export const DEFAULT_BATCH_BODY_LIMIT_BYTES = 1024 * 1024;

/** A signed item checked: the command to run, or the problem that stops it before any decision. */
type Checked = { readonly command: Command } | { readonly problem: Problem };

type SignedContribution = t.TypeOf<typeof bodies.contribution>;
type SignedVerdict = t.TypeOf<typeof bodies.verdict>;

export const registerSignedWrites = (app: FastifyInstance, deps: HttpDeps, signatures: SignatureRecovery): void => {
  const { tokens, commands, chainId } = deps;
  const batchBodyLimit = Math.max(deps.bodyLimitBytes, deps.batchBodyLimitBytes ?? DEFAULT_BATCH_BODY_LIMIT_BYTES);

  /**
   * A contribution whose signature recovered to `signer`: it must be its node's registered signer.
   * `fresh` catches the ledger up (a batch shares one catch-up among all its unknown nodes).
   */
  const signedBy = async (contribution: ContributionMessage, signer: string, fresh: () => Promise<LedgerState>): Promise<Checked> => {
    // A node's signer never changes once registered, so a node already folded needs no store
    // round trip; only an unknown one is looked up again (another process may just have added it).
    const node = deps.current().nodes.get(contribution.nodeId) ?? (await fresh()).nodes.get(contribution.nodeId);
    // An unknown node goes on to the domain, which refuses it with its own code and sentence.
    if (node !== undefined && node.signer !== signer)
      return {
        problem: problems.forbidden(
          `the signature recovers to ${signer}, which is not the registered signer of node ${node.nodeId}; ` +
            'a body changed after signing recovers to a different address',
          'SIGNATURE_MISMATCH',
        ),
      };
    return { command: { type: 'RecordContribution', ...contribution } };
  };

  /** `field` names the signature in the request: "signature", or "items.3.signature" in a batch. */
  const checkContribution = async ({ contribution, signature }: SignedContribution, field: string, fresh = deps.fresh): Promise<Checked> => {
    const recovered = await signatures.recover(contributionDigest(chainId, contribution), signature);
    if (!recovered.ok) return { problem: problems.invalidRequest([{ field, message: recovered.message }]) };
    return signedBy(contribution, recovered.signer, fresh);
  };

  const checkVerdict = async ({ verdict, signature }: SignedVerdict, field: string): Promise<Checked> => {
    const recovered = await signatures.recover(verdictDigest(chainId, verdict), signature);
    if (!recovered.ok) return { problem: problems.invalidRequest([{ field, message: recovered.message }]) };
    const verifier = recovered.signer;
    return {
      command:
        verdict.verdict === 'verified'
          ? { type: 'VerifyContribution', contributionId: verdict.contributionId, verifier }
          : { type: 'RejectContribution', contributionId: verdict.contributionId, verifier, reason: verdict.verdict },
    };
  };

  const outcomeOf = (checked: Checked): Promise<CommandOutcome> =>
    'problem' in checked ? Promise.resolve(refusedWith(checked.problem)) : commandOutcome(commands, checked.command);

  /** Every signature first (in the worker pool), then every command in one go: they form one group. */
  const batchOutcomes = async <I>(
    items: readonly I[],
    check: (item: I, field: string, fresh: () => Promise<LedgerState>) => Promise<Checked>,
  ): Promise<CommandOutcome[]> => {
    let caughtUp: Promise<LedgerState> | undefined;
    const freshOnce = () => (caughtUp ??= deps.fresh());
    const checked = await Promise.all(items.map((item, i) => check(item, `items.${i}.signature`, freshOnce)));
    return Promise.all(checked.map(outcomeOf));
  };

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/contributions',
    tag: 'work',
    summary: 'Submit a contribution signed (EIP-712 `Contribution`) by the node’s registered signer',
    body: bodies.contribution,
    responses: WRITTEN,
    handler: async ({ body }, _req, reply) => sendOutcome(reply, await outcomeOf(await checkContribution(body, 'signature'))),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/contributions/batch',
    tag: 'work',
    summary: 'Submit up to 1,000 signed contributions at once; one result per item',
    description:
      'Each item is checked and decided as if sent alone to POST /v1/contributions, and the accepted ones are appended together. ' +
      'A malformed item fails the whole request (400, naming items.N.field) and writes nothing.',
    body: bodies.contributionBatch,
    bodyLimit: batchBodyLimit,
    responses: BATCHED,
    handler: async ({ body }, _req, reply) => reply.code(200).send({ results: (await batchOutcomes(body.items, checkContribution)).map(outcomeJson) }),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/contributions/signed-batch',
    tag: 'work',
    summary: 'Submit up to 1,000 contributions signed once, together (EIP-712 `ContributionBatch`); one result per item',
    description:
      'One signature over every item in order, by the registered signer of each item’s node: one recovery for the batch instead of one per item. ' +
      'Each item is then decided as if sent alone to POST /v1/contributions (an item of a node with another signer is refused 403 SIGNATURE_MISMATCH), ' +
      'and the accepted ones are appended together. A malformed item or signature fails the whole request (400) and writes nothing.',
    body: bodies.contributionSignedBatch,
    bodyLimit: batchBodyLimit,
    responses: BATCHED,
    handler: async ({ body }, _req, reply) => {
      const recovered = await signatures.recover(contributionBatchDigest(chainId, body.contributions), body.signature);
      if (!recovered.ok) return sendOutcome(reply, refusedWith(problems.invalidRequest([{ field: 'signature', message: recovered.message }])));
      const outcomes = await batchOutcomes(body.contributions, (c, _field, fresh) => signedBy(c, recovered.signer, fresh));
      return reply.code(200).send({ results: outcomes.map(outcomeJson) });
    },
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/verdicts',
    tag: 'work',
    summary: 'Submit a verdict on a contribution, signed (EIP-712 `Verdict`) by a registered verifier',
    description: '`verified` pays the work at the next close; `invalid` rejects it; `fraud` rejects it and slashes the operator.',
    body: bodies.verdict,
    responses: WRITTEN,
    handler: async ({ body }, _req, reply) => sendOutcome(reply, await outcomeOf(await checkVerdict(body, 'signature'))),
  });

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/verdicts/batch',
    tag: 'work',
    summary: 'Submit up to 1,000 signed verdicts at once; one result per item',
    description: 'Each item is checked and decided as if sent alone to POST /v1/verdicts; the accepted ones are appended together.',
    body: bodies.verdictBatch,
    bodyLimit: batchBodyLimit,
    responses: BATCHED,
    handler: async ({ body }, _req, reply) => reply.code(200).send({ results: (await batchOutcomes(body.items, checkVerdict)).map(outcomeJson) }),
  });
};
