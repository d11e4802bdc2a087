/**
 * `cxt merkle build` and `cxt merkle proof` (DESIGN §6, §7): the OpenZeppelin `standard-v1` dump of
 * a distribution's `[account, token, amount]` values, and the proof of one of its leaves.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { dumpJsonChunks } from '../../../domain/merkle/dumpJson.ts';
import { MerkleError } from '../../../domain/merkle/errors.ts';
import { leafTuple } from '../../../domain/merkle/leaf.ts';
import { buildMerkleTreeFromEncoded, type MerkleTree } from '../../../domain/merkle/tree.ts';
import { InputError, UsageError, type CliCommand } from '../command.ts';
import { parseFlags, requiredText } from '../flags.ts';
import { readValuesFile } from '../valuesFile.ts';

const readFailure = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;

/**
 * Writes beside the target and renames over it, so a failure at any point leaves no file (or the
 * previous one) rather than half a tree.
 */
export const writeFileAtomically = async (path: string, chunks: Iterable<Uint8Array>): Promise<void> => {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      const writeAll = async (chunk: Uint8Array) => {
        for (let written = 0; written < chunk.length; ) written += (await handle.write(chunk, written)).bytesWritten;
      };
      // One write in flight while the next chunk is made: making it is synchronous CPU work and
      // the write runs on libuv's thread pool, so the two overlap instead of taking turns.
      let writing: Promise<void> = Promise.resolve();
      try {
        for (const chunk of chunks) {
          await writing;
          writing = writeAll(chunk);
        }
      } finally {
        // Never close the file under a write, whatever stopped the loop.
        await writing;
      }
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

const BUILD_FLAGS = { in: requiredText('<values.csv|values.json>'), out: requiredText('<tree.json>') };
const PROOF_FLAGS = { tree: requiredText('<tree.json>'), account: requiredText('<address>'), token: requiredText('<address>') };

export const merkleBuildCommand: CliCommand = {
  async run(args, io) {
    const { in: input, out: output } = parseFlags(args, BUILD_FLAGS);
    const values = await readValuesFile(input);
    let tree;
    try {
      tree = buildMerkleTreeFromEncoded(values);
    } catch (error) {
      if (error instanceof MerkleError) throw new InputError(`${input}: ${error.message}`);
      throw error;
    }
    try {
      await writeFileAtomically(output, dumpJsonChunks(tree));
    } catch (error) {
      throw new InputError(`cannot write ${output}: ${(error as Error).message}`);
    }
    io.stdout(`root ${tree.root}\nleaves ${tree.leafCount}\nwrote ${output}`);
    return 0;
  },
};

/**
 * A malformed address is a malformed flag value, so a usage error (exit 2) like any other. The
 * codecs (io-ts) and the dump loader are imported here, not at the top: `merkle build` needs neither.
 */
const addressOption = async (option: string, raw: string): Promise<string> => {
  const { Address } = await import('../../../domain/codecs.ts');
  const decoded = Address.decode(raw);
  if (decoded._tag === 'Left') throw new UsageError(`${option} ${raw} ${decoded.left[0]?.message ?? 'is not a valid address'}`);
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
  const { loadMerkleDump } = await import('../../../domain/merkle/dump.ts');
  try {
    return loadMerkleDump(data);
  } catch (error) {
    if (error instanceof MerkleError) throw new InputError(`${path} is not a valid standard-v1 Merkle tree dump: ${error.message}`);
    throw error;
  }
};

export const merkleProofCommand: CliCommand = {
  async run(args, io) {
    const options = parseFlags(args, PROOF_FLAGS);
    const treePath = options.tree;
    const account = await addressOption('--account', options.account);
    const token = await addressOption('--token', options.token);
    const tree = await readTree(treePath);
    const found = tree.proofFor(account, token);
    if (!found) throw new InputError(`${treePath} has no leaf for account ${account} with token ${token}`);
    io.stdout(JSON.stringify({ value: leafTuple(found.value), proof: found.proof }));
    return 0;
  },
};
