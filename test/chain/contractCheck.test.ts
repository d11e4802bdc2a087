/** Runtime code against the artifact with immutables masked (adapters/chain/contractCheck.ts), on the in-process chain. */
import { describe, expect, it } from 'vitest';
import { deployTestToken, loadContracts, startLocalChain } from '../../adapters/chain/index.ts';
import { maskImmutables } from '../../adapters/chain/contractCheck.ts';

describe('maskImmutables', () => {
  it('a deployed contract with an immutable equals its artifact only once the immutable is masked', async () => {
    const chain = await startLocalChain();
    const artifact = loadContracts().contracts.TestToken;
    // 6 decimals: the immutable the constructor writes into the runtime code.
    const { address } = await deployTestToken(chain.signer(0), 'Six', 'SIX', 6);
    const code = (await chain.provider.getCode(address)).toLowerCase();
    expect(code).not.toBe(artifact.deployedBytecode);
    expect(code.length).toBe(artifact.deployedBytecode.length);
    expect(maskImmutables(code, artifact)).toBe(artifact.deployedBytecode);
    // Nothing outside the immutable's range is masked: a changed opcode still shows.
    const tampered = `${code.slice(0, 10)}${code.slice(10, 12) === '00' ? '01' : '00'}${code.slice(12)}`;
    expect(maskImmutables(tampered, artifact)).not.toBe(artifact.deployedBytecode);
  }, 60_000);
});
