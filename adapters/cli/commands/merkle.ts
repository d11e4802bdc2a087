/**
 * `cxt merkle build` and `cxt merkle proof` (DESIGN §6, §7): the OpenZeppelin `standard-v1` dump of
 * a distribution's `[account, token, amount]` values, and the proof of one of its leaves.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Address } from '../../../domain/codecs.ts';
import { buildMerkleTree, dumpJsonPieces, leafTuple, loadMerkleDump, MerkleError, type MerkleTree } from '../../../domain/merkle/index.ts';
import { InputError, UsageError, type CliCommand } from '../command.ts';
import { readValuesFile } from '../valuesFile.ts';

/** parseArgs with its errors as usage errors (exit 2) and every listed option required. */
const parseRequiredOptions = <const K extends string>(args: readonly string[], required: Record<K, string>): Record<K, string> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(Object.keys(required).map((k) => [k, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const [name, placeholder] of Object.entries(required) as [K, string][])
    if (typeof values[name] !== 'string' || values[name] === '') throw new UsageError(`--${name} ${placeholder} is required`);
  return values as Record<K, string>;
};

const readFailure = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;

/**
 * Writes beside the target and renames over it, so a failure at any point leaves no file (or the
 * previous one) rather than half a tree.
 */
export const writeFileAtomically = async (path: string, pieces: Iterable<string>): Promise<void> => {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      for (const piece of pieces) await handle.write(piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

export const merkleBuildCommand: CliCommand = {
  name: 'merkle build',
  summary: 'Build the OpenZeppelin Merkle tree dump of [account, token, amount] values',
  usage: 'cxt merkle build --in <values.csv|values.json> --out <tree.json>',
  async run(args, io) {
    const { in: input, out: output } = parseRequiredOptions(args, { in: '<values.csv|values.json>', out: '<tree.json>' });
    const values = await readValuesFile(input);
    let tree;
    try {
      tree = buildMerkleTree(values);
    } catch (error) {
      if (error instanceof MerkleError) throw new InputError(`${input}: ${error.message}`);
      throw error;
    }
    try {
      await writeFileAtomically(output, dumpJsonPieces(tree));
    } catch (error) {
      throw new InputError(`cannot write ${output}: ${(error as Error).message}`);
    }
    io.stdout(`root ${tree.root}\nleaves ${tree.leafCount}\nwrote ${output}`);
    return 0;
  },
};

const addressOption = (option: string, raw: string): string => {
  const decoded = Address.decode(raw);
  if (decoded._tag === 'Left') throw new InputError(`${option} ${raw} ${decoded.left[0]?.message ?? 'is not a valid address'}`);
  return decoded.right;
};

const readTree = async (path: string): Promise<MerkleTree> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${readFailure(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return loadMerkleDump(data);
  } catch (error) {
    if (error instanceof MerkleError) throw new InputError(`${path} is not a valid standard-v1 Merkle tree dump: ${error.message}`);
    throw error;
  }
};

export const merkleProofCommand: CliCommand = {
  name: 'merkle proof',
  summary: 'Print the Merkle proof of one (account, token) leaf of a tree dump',
  usage: 'cxt merkle proof --tree <tree.json> --account <address> --token <address>',
  async run(args, io) {
    const options = parseRequiredOptions(args, { tree: '<tree.json>', account: '<address>', token: '<address>' });
    const treePath = options.tree;
    const account = addressOption('--account', options.account);
    const token = addressOption('--token', options.token);
    const tree = await readTree(treePath);
    const found = tree.proofFor(account, token);
    if (!found) throw new InputError(`${treePath} has no leaf for account ${account} with token ${token}`);
    io.stdout(JSON.stringify({ value: leafTuple(found.value), proof: found.proof }));
    return 0;
  },
};
