/**
 * Writes authenticated by EIP-712 signatures instead of bearer tokens: a node's contribution,
 * signed by the node's registered signer, and a verdict, signed by a registered verifier.
 *
 * Statuses: a malformed or unrecoverable signature is a 400 field error; a valid signature from
 * the wrong key (or over a body changed after signing, which recovers to some other key) is 403
 * SIGNATURE_MISMATCH; an unknown node and a signer that is not a verifier are the domain's
 * refusals (422 NODE_UNKNOWN, NOT_A_VERIFIER).
 */
import type { FastifyInstance } from 'fastify';
import { replyToCommand } from '../commandReply.ts';
import { contributionDigest, verdictDigest } from '../eip712.ts';
import type { HttpDeps } from '../ports.ts';
import { problems, sendProblem } from '../problem.ts';
import { bodies } from '../requestCodecs.ts';
import { defineRoute } from '../route.ts';
import type { SignatureRecovery } from '../signatureRecovery.ts';

const WRITTEN = { 201: 'Recorded: the events written', 200: 'Idempotent replay: the events of the original request' } as const;

export const registerSignedWrites = (app: FastifyInstance, deps: HttpDeps, signatures: SignatureRecovery): void => {
  const { tokens, commands, chainId } = deps;

  defineRoute(app, tokens, {
    method: 'POST',
    url: '/v1/contributions',
    tag: 'work',
    summary: 'Submit a contribution signed (EIP-712 `Contribution`) by the node’s registered signer',
    body: bodies.contribution,
    responses: WRITTEN,
    handler: async ({ body }, _req, reply) => {
      const { contribution, signature } = body;
      const recovered = await signatures.recover(contributionDigest(chainId, contribution), signature);
      if (!recovered.ok) return sendProblem(reply, problems.invalidRequest([{ field: 'signature', message: recovered.message }]));
      // A node's signer never changes once registered, so a node already folded needs no store
      // round trip; only an unknown one is looked up again (another process may just have added it).
      const node = deps.current().nodes.get(contribution.nodeId) ?? (await deps.fresh()).nodes.get(contribution.nodeId);
      // An unknown node goes on to the domain, which refuses it with its own code and sentence.
      if (node !== undefined && node.signer !== recovered.signer)
        return sendProblem(
          reply,
          problems.forbidden(
            `the signature recovers to ${recovered.signer}, which is not the registered signer of node ${node.nodeId}; ` +
              'a body changed after signing recovers to a different address',
            'SIGNATURE_MISMATCH',
          ),
        );
      return replyToCommand(commands, reply, { type: 'RecordContribution', ...contribution });
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
    handler: async ({ body }, _req, reply) => {
      const { verdict, signature } = body;
      const recovered = await signatures.recover(verdictDigest(chainId, verdict), signature);
      if (!recovered.ok) return sendProblem(reply, problems.invalidRequest([{ field: 'signature', message: recovered.message }]));
      const verifier = recovered.signer;
      return replyToCommand(
        commands,
        reply,
        verdict.verdict === 'verified'
          ? { type: 'VerifyContribution', contributionId: verdict.contributionId, verifier }
          : { type: 'RejectContribution', contributionId: verdict.contributionId, verifier, reason: verdict.verdict },
      );
    },
  });
};
