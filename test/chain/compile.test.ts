/**
 * The contracts build from the Solidity sources in the repo with the bundled solc, offline, and the
 * committed artifact is exactly what that build produces (so the artifact can be trusted and used).
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ARTIFACT_PATH, SETTINGS, artifactIsCurrent, compileContracts, loadContracts } from '../../adapters/chain/index.ts';
import type { CompiledContracts } from '../../adapters/chain/index.ts';

const committed = (): CompiledContracts => JSON.parse(readFileSync(ARTIFACT_PATH, 'utf8')) as CompiledContracts;

afterEach(() => vi.restoreAllMocks());

describe('contract build', () => {
  it('compiles from source without any network access, byte-identical to the committed artifact', () => {
    const network = [
      vi.spyOn(http, 'request'),
      vi.spyOn(http, 'get'),
      vi.spyOn(https, 'request'),
      vi.spyOn(https, 'get'),
      vi.spyOn(globalThis, 'fetch'),
    ];
    const fresh = compileContracts();
    for (const spy of network) expect(spy).not.toHaveBeenCalled();
    expect(fresh).toEqual(committed());
    expect(fresh.contracts.CumulativeMerkleDistributor.deployedBytecode.length).toBeGreaterThan(1000);
    // `cxt contract verify` compares runtime code byte for byte outside immutables: the distributor
    // has none (its roles are storage, read back), the test token one (its decimals).
    expect(fresh.contracts.CumulativeMerkleDistributor.immutableReferences).toEqual({});
    expect(Object.values(fresh.contracts.TestToken.immutableReferences).flat()).toHaveLength(1);
  });

  it('records every source it was built from, OpenZeppelin imports included', () => {
    const sources = Object.keys(committed().sources);
    expect(sources).toContain('CumulativeMerkleDistributor.sol');
    expect(sources).toContain('TestToken.sol');
    expect(sources).toContain('@openzeppelin/contracts/utils/cryptography/MerkleProof.sol');
    expect(sources).toContain('@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol');
  });

  it('uses the committed artifact only while compiler, settings and every source still match', () => {
    const artifact = committed();
    expect(artifactIsCurrent(artifact)).toBe(true);
    expect(loadContracts()).toEqual(artifact);
    const editedSource = { ...artifact, sources: { ...artifact.sources, 'TestToken.sol': `0x${'00'.repeat(32)}` } };
    expect(artifactIsCurrent(editedSource)).toBe(false);
    const otherCompiler = { ...artifact, compiler: '0.8.0+commit.c7dfd78e' };
    expect(artifactIsCurrent(otherCompiler)).toBe(false);
    const otherSettings = { ...artifact, settings: { ...SETTINGS, optimizer: { enabled: true, runs: 200 } } } as unknown as CompiledContracts;
    expect(artifactIsCurrent(otherSettings)).toBe(false);
  });

  it('exposes the interface DESIGN §6 specifies', () => {
    const abi = committed().contracts.CumulativeMerkleDistributor.abi as { type: string; name?: string }[];
    const names = (type: string): string[] => abi.filter((f) => f.type === type).map((f) => f.name!);
    expect(names('function')).toEqual(
      expect.arrayContaining(['proposeRoot', 'revokePendingRoot', 'acceptRoot', 'claim', 'claimMany', 'root', 'pending', 'claimed']),
    );
    expect(names('event')).toEqual(expect.arrayContaining(['RootProposed', 'RootRevoked', 'RootAccepted', 'Claimed']));
  });
});
