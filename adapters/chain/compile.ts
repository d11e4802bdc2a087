/**
 * Builds the distributor and the test token from the Solidity sources in this folder with the
 * `solc` npm package (the bundled wasm compiler: nothing is downloaded), and loads the committed
 * artifact `artifacts/contracts.json` when it still matches those sources.
 *
 * Why a committed artifact: a fresh compile costs seconds of solc-js per process, which every test
 * file and every `cxt serve` start would pay. The artifact records the compiler version, settings
 * and the keccak of every source it was built from (OpenZeppelin imports included); `loadContracts`
 * uses it only while all of those still match, and compiles from source otherwise. A test proves
 * the committed artifact is byte-identical to a fresh compile.
 *
 * Regenerate after editing a contract or upgrading solc / OpenZeppelin:
 *   npx tsx adapters/chain/compile.ts --write
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { InterfaceAbi } from 'ethers';

export type ContractName = 'CumulativeMerkleDistributor' | 'TestToken';

export interface ContractArtifact {
  readonly contractName: ContractName;
  readonly abi: InterfaceAbi;
  /** 0x-prefixed creation code. */
  readonly bytecode: string;
  /** 0x-prefixed runtime code, what eth_getCode returns after deployment (immutables as zeros). */
  readonly deployedBytecode: string;
  /** Where the constructor writes immutables into the runtime code: byte ranges, per immutable's AST id. */
  readonly immutableReferences: Readonly<Record<string, ReadonlyArray<{ readonly start: number; readonly length: number }>>>;
}

export interface CompiledContracts {
  readonly compiler: string;
  readonly settings: typeof SETTINGS;
  /** keccak256 of every source unit that went into the build, by source unit name. */
  readonly sources: Readonly<Record<string, string>>;
  readonly contracts: Readonly<Record<ContractName, ContractArtifact>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const ARTIFACT_PATH = join(here, 'artifacts', 'contracts.json');

/** Source unit names of our own contracts; they are paths relative to this folder. */
const ROOT_SOURCES: Readonly<Record<ContractName, string>> = {
  CumulativeMerkleDistributor: 'CumulativeMerkleDistributor.sol',
  TestToken: 'TestToken.sol',
};

/**
 * Fixed so that the same sources always give the same bytes. `cancun` runs on every EVM chain
 * that matters today (mainnet, the big L2s, BSC), high runs because claims are paid many times
 * and deployed once, viaIR because it makes the claim path cheaper (see the gas bench).
 */
export const SETTINGS = {
  optimizer: { enabled: true, runs: 1_000_000 },
  viaIR: true,
  evmVersion: 'cancun',
  metadata: { bytecodeHash: 'ipfs' },
} as const;

/** Reads a source unit: ours from this folder, anything else (OpenZeppelin) from node_modules. */
const readSource = (name: string): string =>
  readFileSync(Object.values(ROOT_SOURCES).includes(name) ? join(here, name) : require.resolve(name), 'utf8');

const hashSource = (content: string): string => keccak256(toUtf8Bytes(content));

type Solc = { compile: (input: string, callbacks: { import: (path: string) => unknown }) => string; version: () => string };
/** Loaded on demand: the compiler is megabytes of JS that a process using the artifact never needs. */
const loadSolc = (): Solc => require('solc') as Solc;

/** The npm package version pins the soljson build, so it identifies the compiler without loading it. */
const solcPackageVersion = (): string => (require('solc/package.json') as { version: string }).version;

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string }; deployedBytecode: { object: string; immutableReferences?: ContractArtifact['immutableReferences'] } } }>>;
}

const standardInput = (roots: ReadonlyMap<string, string>): string =>
  JSON.stringify({
    language: 'Solidity',
    sources: Object.fromEntries([...roots].map(([name, content]) => [name, { content }])),
    settings: {
      ...SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'] } },
    },
  });

const pickContract = (output: SolcOutput, name: ContractName): ContractArtifact => {
  const unit = output.contracts?.[ROOT_SOURCES[name]]?.[name];
  if (unit === undefined) throw new Error(`solc produced no output for ${name}`);
  return {
    contractName: name,
    abi: unit.abi,
    bytecode: `0x${unit.evm.bytecode.object}`,
    deployedBytecode: `0x${unit.evm.deployedBytecode.object}`,
    immutableReferences: unit.evm.deployedBytecode.immutableReferences ?? {},
  };
};

/** Compiles both contracts from source. Takes seconds: prefer `loadContracts`. */
export const compileContracts = (): CompiledContracts => {
  const roots = new Map(Object.values(ROOT_SOURCES).map((name) => [name, readSource(name)]));
  const read = new Map(roots); // every source unit solc asked for, to record its hash
  const findImports = (path: string): { contents: string } | { error: string } => {
    try {
      const contents = readSource(path);
      read.set(path, contents);
      return { contents };
    } catch {
      return { error: `source not found: ${path}` };
    }
  };
  const solc = loadSolc();
  const output = JSON.parse(solc.compile(standardInput(roots), { import: findImports })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  // code-unit order, not localeCompare: the artifact must not depend on the machine's locale
  const names = [...read.keys()].sort();
  const sources = Object.fromEntries(names.map((n) => [n, hashSource(read.get(n)!)]));
  return {
    compiler: solc.version(),
    settings: SETTINGS,
    sources,
    contracts: { CumulativeMerkleDistributor: pickContract(output, 'CumulativeMerkleDistributor'), TestToken: pickContract(output, 'TestToken') },
  };
};

const readArtifact = (): CompiledContracts | undefined => {
  try {
    return JSON.parse(readFileSync(ARTIFACT_PATH, 'utf8')) as CompiledContracts;
  } catch {
    return undefined;
  }
};

/** True when the artifact was built by this compiler, with these settings, from these exact files. */
export const artifactIsCurrent = (artifact: CompiledContracts): boolean => {
  if (!artifact.compiler.startsWith(`${solcPackageVersion()}+`)) return false;
  if (JSON.stringify(artifact.settings) !== JSON.stringify(SETTINGS)) return false;
  return Object.entries(artifact.sources).every(([name, hash]) => {
    try {
      return hashSource(readSource(name)) === hash;
    } catch {
      return false;
    }
  });
};

let loaded: CompiledContracts | undefined;

/** The committed artifact when current, else a fresh compile (memoised per process). */
export const loadContracts = (): CompiledContracts => {
  if (loaded !== undefined) return loaded;
  const artifact = readArtifact();
  loaded = artifact !== undefined && artifactIsCurrent(artifact) ? artifact : compileContracts();
  return loaded;
};

export const writeArtifact = (compiled: CompiledContracts): void => {
  mkdirSync(dirname(ARTIFACT_PATH), { recursive: true });
  writeFileSync(ARTIFACT_PATH, `${JSON.stringify(compiled, null, 2)}\n`);
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  const started = performance.now();
  const compiled = compileContracts();
  writeArtifact(compiled);
  console.log(`wrote ${ARTIFACT_PATH} (${compiled.compiler}, ${Math.round(performance.now() - started)} ms)`);
}
