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
  VERDICT_TYPES,
  contributionBatchDigest,
  contributionDigest,
  contributionValue,
  eip712Domain,
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
    expect(c).toBe('Contribution(string contributionId,string nodeId,uint64 epoch,string kind,uint64 units,bytes32 proofHash,string taskId)');
    expect(id(c)).toBe('0x85281d0a26cf3926c611a3d2717b002457edad7e8d30a6bc30b32a3cb26ea803');
    expect(v).toBe('Verdict(string contributionId,string verdict)');
    expect(id(v)).toBe('0x3d5957e13bba3ff5795933ee624c4f2f6111f595591c784e18a21d0fb868b17e');
    expect(TypedDataEncoder.hashDomain(eip712Domain(31337))).toBe('0xea17c1a8a33b92be94a135eb402478fd82785325baa205e41b74e213a20590f9');
  });

  it('gives the documented digests and recovers the documented signer from the documented signatures', () => {
    expect(SIGNER.address).toBe('0xC13944a082FFC7c238f02A1A008ecE91b59757aC');
    expect(contributionDigest(31337, CONTRIBUTION)).toBe('0x3082fc9b963a29478d81fd6e67a84a630c16a1da9336919df9f35fc0c588b241');
    expect(verdictDigest(31337, VERDICT)).toBe('0x7cfe886586d2165f52f8eb544646a00dfae672342daf06aa2f15b143246a09fa');
    const contributionSignature =
      '0x0894be56e96a3abe4ace9ddafb275634d2ae6472a4e437b2f5a3d1e4259ee21368aaa2d3c60a4a8932701ca8a95d20b6a621dd54d09a1b853f70fea026fbedb01b';
    const verdictSignature =
      '0xc966d12df1b18e2eea6235c9fd5346c397e520f1079097632fb253641602fdd32548a3a0c0e9283f25adfa28cd11ee7dfd82863d988927dce4b405981a23e84b1c';
    expect(recoverSigner(contributionDigest(31337, CONTRIBUTION), contributionSignature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
    expect(recoverSigner(verdictDigest(31337, VERDICT), verdictSignature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
  });

  it('signs an absent taskId as the empty string, and any other taskId differently', () => {
    expect(contributionDigest(31337, { ...CONTRIBUTION, taskId: undefined })).toBe(contributionDigest(31337, CONTRIBUTION));
    expect(contributionDigest(31337, { ...CONTRIBUTION, taskId: 't-1' })).not.toBe(contributionDigest(31337, CONTRIBUTION));
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
  });

  it('give the digest ethers’ TypedDataEncoder gives, for any message and chain', () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom('verified', 'invalid', 'fraud'), (m, chainId, verdict) => {
        const { taskId, ...rest } = m;
        const c = taskId === undefined ? rest : { ...rest, taskId };
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
        const cs = ms.map(({ taskId, ...rest }) => (taskId === undefined ? rest : { ...rest, taskId }));
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
      'ContributionBatch(Contribution[] contributions)Contribution(string contributionId,string nodeId,uint64 epoch,string kind,uint64 units,bytes32 proofHash,string taskId)',
    );
    expect(id(type)).toBe('0x388216f6811523d5fc5ccfe73421123632fd5610b5f842381a3a0919e3f4931b');
    const digest = contributionBatchDigest(31337, [CONTRIBUTION, SECOND]);
    expect(digest).toBe('0xce9950f49ea4009517cd43261c98d94a8e661a5f5192d7f2892177c7831e750a');
    const signature = await signContributionBatch(SIGNER, 31337, [CONTRIBUTION, SECOND]);
    expect(signature).toBe(
      '0x8b22a5a4c8b58f1655706ddf1f7e382f409f5234efe3f359d5a78da8b9e67a2d7ee5da597849a064e99e2595bd9c8a434e313ca1e55e64f82c0b4152aa2418921b',
    );
    expect(recoverSigner(digest, signature)).toEqual({ ok: true, signer: SIGNER.address.toLowerCase() });
    // Order matters: the same items the other way round are another message.
    expect(contributionBatchDigest(31337, [SECOND, CONTRIBUTION])).not.toBe(digest);
  });
});
