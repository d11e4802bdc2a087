/**
 * The EIP-712 structs as documented in docs/service.md: the published test vector (type strings,
 * type hashes, domain separator, digests, signatures) must stay exactly true, so a client written
 * from the document alone interoperates.
 */
import fc from 'fast-check';
import { TypedDataEncoder, Wallet, hexlify, id } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  CONTRIBUTION_BATCH_TYPES,
  CONTRIBUTION_TYPES,
  PAYOUT_CHAIN_TYPES,
  VERDICT_TYPES,
  contributionBatchDigest,
  contributionDigest,
  contributionValue,
  eip712Domain,
  payoutChainDigest,
  recoverSigner,
  signContributionBatch,
  verdictDigest,
} from '../../adapters/http/eip712.ts';

const SIGNER = new Wallet(id('corex documentation signer'));
const CONTRIBUTION = {
  contributionId: 'c-2026-11-22-0001',
  nodeId: 'gpu-frankfurt-7',
  epoch: 12,
  kind: 'training' as const,
  units: 1500,
  proofHash: '0x1d8226f1691e5e3b3e80db56918f618c781b89ea6d9d79329695fd4dd1acf7b3',
};
const VERDICT = { contributionId: 'c-2026-11-22-0001', verdict: 'verified' as const };

describe('the documented EIP-712 test vector (chainId 31337)', () => {
  it('has the documented type strings, type hashes and domain separator', () => {
    const c = TypedDataEncoder.from(CONTRIBUTION_TYPES).encodeType('Contribution');
    const v = TypedDataEncoder.from(VERDICT_TYPES).encodeType('Verdict');
    expect(c).toBe('Contribution(string contributionId,string nodeId,uint64 epoch,string kind,uint64 units,bytes32 proofHash,string taskId,string fragmentId)');
    expect(id(c)).toBe('0xe4bc9d171e97b2cd840596ba06e45f10c32adc6bb2a9d74441126c18f6980f32');
    expect(v).toBe('Verdict(string contributionId,string verdict)');
    expect(id(v)).toBe('0x3d5957e13bba3ff5795933ee624c4f2f6111f595591c784e18a21d0fb868b17e');
    expect(TypedDataEncoder.hashDomain(eip712Domain(31337))).toBe('0xea17c1a8a33b92be94a135eb402478fd82785325baa205e41b74e213a20590f9');
  });

  it('gives the documented digests and recovers the documented signer from the documented signatures', () => {
    expect(SIGNER.address).toBe('0xC13944a082FFC7c238f02A1A008ecE91b59757aC');
    expect(contributionDigest(31337, CONTRIBUTION)).toBe('0xc14dc5212811219b00dc6426779acf258b4546d0951bd87c90ae2f51c67b34fc');
    expect(verdictDigest(31337, VERDICT)).toBe('0x7cfe886586d2165f52f8eb544646a00dfae672342daf06aa2f15b143246a09fa');
    const contributionSignature =
      '0x0f5b52270b4d1fbdbe2590ef15aebcda80a7a44c071d4f1c4f38d6e4e23e224a2c99dffb9ab66de3853e898f34cb878d5d768ec86446244ce2dedef7b7a8c4171c';
    const verdictSignature =
      '0xc966d12df1b18e2eea6235c9fd5346c397e520f1079097632fb253641602fdd32548a3a0c0e9283f25adfa28cd11ee7dfd82863d988927dce4b405981a23e84b1c';
    expect(recoverSigner(contributionDigest(31337, CONTRIBUTION), contributionSignature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
    expect(recoverSigner(verdictDigest(31337, VERDICT), verdictSignature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
  });

  it('gives the documented digest and signature of a task result (taskId and fragmentId)', () => {
    const result = { ...CONTRIBUTION, contributionId: 'c-2026-11-22-0003', taskId: 'task-llm-finetune-42', fragmentId: 'shard-007' };
    expect(contributionDigest(31337, result)).toBe('0x15a0e3813d490a62c4f4cfe136407829c9849497ea315d4e2710e359a9f95f9e');
    const signature =
      '0x4bd7f0eed0ffdef4df7ec2104c8d0d24db3bacec38d330316dc24303ca6ef5067caf4d2a08a0125506605fdd6a32e00f9b8b9e632dc26af8ee273ad7f6fe54e41c';
    expect(recoverSigner(contributionDigest(31337, result), signature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
  });

  it('signs an absent taskId or fragmentId as the empty string, and any other value differently', () => {
    expect(contributionDigest(31337, { ...CONTRIBUTION, taskId: undefined, fragmentId: undefined })).toBe(contributionDigest(31337, CONTRIBUTION));
    expect(contributionDigest(31337, { ...CONTRIBUTION, taskId: 't-1' })).not.toBe(contributionDigest(31337, CONTRIBUTION));
    expect(contributionDigest(31337, { ...CONTRIBUTION, taskId: 't-1', fragmentId: 'f' })).not.toBe(contributionDigest(31337, { ...CONTRIBUTION, taskId: 't-1' }));
    expect(contributionDigest(1, CONTRIBUTION)).not.toBe(contributionDigest(31337, CONTRIBUTION));
  });
});

describe('the written-out struct hashes', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });
  const messageArb = fc.record({
    contributionId: text,
    nodeId: text,
    epoch: fc.integer({ min: 0, max: 2 ** 40 }),
    kind: fc.constantFrom('compute' as const, 'training' as const, 'data' as const),
    units: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    proofHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b)),
    taskId: fc.option(text, { nil: undefined }),
    fragmentId: fc.option(text, { nil: undefined }),
  });

  it('give the digest ethers’ TypedDataEncoder gives, for any message and chain', () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom('verified', 'invalid', 'fraud'), (m, chainId, verdict) => {
        const { taskId, fragmentId, ...rest } = m;
        const c = { ...rest, ...(taskId === undefined ? {} : { taskId }), ...(fragmentId === undefined ? {} : { fragmentId }) };
        expect(contributionDigest(chainId, c)).toBe(TypedDataEncoder.hash(eip712Domain(chainId), CONTRIBUTION_TYPES, contributionValue(c)));
        const v = { contributionId: m.contributionId, verdict };
        expect(verdictDigest(chainId, v)).toBe(TypedDataEncoder.hash(eip712Domain(chainId), VERDICT_TYPES, v));
      }),
      { numRuns: 300 },
    );
  });

  it('give the batch digest ethers’ TypedDataEncoder gives, for any list of messages', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 40 }), (ms, chainId) => {
        const cs = ms.map(({ taskId, fragmentId, ...rest }) => ({ ...rest, ...(taskId === undefined ? {} : { taskId }), ...(fragmentId === undefined ? {} : { fragmentId }) }));
        expect(contributionBatchDigest(chainId, cs)).toBe(TypedDataEncoder.hash(eip712Domain(chainId), CONTRIBUTION_BATCH_TYPES, { contributions: cs.map(contributionValue) }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the documented ContributionBatch test vector (chainId 31337)', () => {
  const SECOND = { ...CONTRIBUTION, contributionId: 'c-2026-11-22-0002', units: 700 };
  it('has the documented type string and hash, digest and signature', async () => {
    const type = TypedDataEncoder.from(CONTRIBUTION_BATCH_TYPES).encodeType('ContributionBatch');
    expect(type).toBe(
      'ContributionBatch(Contribution[] contributions)Contribution(string contributionId,string nodeId,uint64 epoch,string kind,uint64 units,bytes32 proofHash,string taskId,string fragmentId)',
    );
    expect(id(type)).toBe('0x98f0da1209b44fe10d5833bd51afa0ee4dba28387a5becf2a350eec4b7c7049d');
    const digest = contributionBatchDigest(31337, [CONTRIBUTION, SECOND]);
    expect(digest).toBe('0x06d94e19eb2eb88d1fa48ca03cbc489a05170e024288453a41cc9d0c903b00bb');
    const signature = await signContributionBatch(SIGNER, 31337, [CONTRIBUTION, SECOND]);
    expect(signature).toBe(
      '0xda35335c293f61c465ac6a6527033325fce62f6701cda6d1411f6d6175445cc7391c78b2821228f5a8da0bc3a65005d6129402dd37a7544b0f87668e385638831c',
    );
    expect(recoverSigner(digest, signature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
    // Order matters: the same items the other way round are another message.
    expect(contributionBatchDigest(31337, [SECOND, CONTRIBUTION])).not.toBe(digest);
  });
});

describe('the documented PayoutChain test vector (issue 15; chainId 31337)', () => {
  const CHANGE = { account: SIGNER.address.toLowerCase(), chainId: 56, sequence: 1 };
  it('has the documented type string and hash, digest and signature', async () => {
    const type = TypedDataEncoder.from(PAYOUT_CHAIN_TYPES).encodeType('PayoutChain');
    expect(type).toBe('PayoutChain(address account,uint256 chainId,uint64 sequence)');
    expect(id(type)).toBe('0x0a6279e6a4a11263dd0bab5acd4f4ef0d8cd553b2e733c9645b082c25ec39456');
    const digest = payoutChainDigest(31337, CHANGE);
    expect(digest).toBe('0x74af9a8b289fd69cfcdd3b2ce0cbb9cc9a392b5e55b29056888728bb20c94fa8');
    const signature = await SIGNER.signTypedData(eip712Domain(31337), PAYOUT_CHAIN_TYPES, CHANGE);
    expect(signature).toBe(
      '0x2d95aecd942d239dd6afcf4c0b0c746a48b96cd63850ccd69f825eb499365b623d8183c77295a10ce30af091efbe499cf453729c435f367192dc5ab1de7fbdfe1c',
    );
    expect(recoverSigner(digest, signature)).toEqual({ ok: true, signer: CHANGE.account });
    // The next change needs the next sequence: the same signature cannot be replayed for it.
    expect(payoutChainDigest(31337, { ...CHANGE, sequence: 2 })).not.toBe(digest);
  });

  it('the written-out digest equals ethers’ for any account, chain and sequence', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => hexlify(b)),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (account, chainId, domainChainId, sequence) => {
          const m = { account, chainId, sequence };
          expect(payoutChainDigest(domainChainId, m)).toBe(TypedDataEncoder.hash(eip712Domain(domainChainId), PAYOUT_CHAIN_TYPES, m));
        },
      ),
      { numRuns: 200 },
    );
  });
});
