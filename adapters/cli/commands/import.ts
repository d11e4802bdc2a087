/**
 * `cxt import --in events.jsonl [--data-dir DIR]`: an exported log into an empty store, written as
 * given (ids, positions, recordedAt, hashes) so the store holds the very same chain. A file whose
 * chain does not verify is refused with its first bad line, and nothing is written.
 */
import { access } from 'node:fs/promises';
import { envelopesOf, LogFileError } from '../../audit/logFile.ts';
import { LogImportError, sqlLogImporter } from '../../eventStore/importLog.ts';
import { InputError, type CliCommand } from '../command.ts';
import { parseFlags, requiredText, text } from '../flags.ts';
import { openStoreFor, type StoreCommandDeps } from './export.ts';

const refusal = (input: string, error: unknown): InputError | undefined => {
  if (error instanceof LogFileError) return new InputError(`${input} was not imported (nothing written): ${error.message}`);
  if (error instanceof LogImportError)
    return new InputError(
      error.ordinal === 0 ? `${input} was not imported: ${error.message}` : `${input} was not imported (nothing written): line ${error.ordinal}: ${error.message}`,
    );
  return undefined;
};

export const createImportCommand = (deps: StoreCommandDeps = {}): CliCommand => ({
  async run(args, io) {
    const { in: input, 'data-dir': dataDir } = parseFlags(args, { in: requiredText('<events.jsonl>'), 'data-dir': text('DIR') });
    // Before opening the store, so a typo does not create an empty data dir.
    await access(input).catch(() => {
      throw new InputError(`cannot read ${input}: no such file or no permission`);
    });
    const storage = await openStoreFor(deps.env ?? process.env, dataDir, false);
    try {
      const { count, head } = await sqlLogImporter(storage.store).importEvents(envelopesOf(input));
      io.stdout(`imported ${count} event(s) into ${storage.describe}${count > 0 ? `; last position ${head.position}, head hash ${head.hash}` : ''}`);
      return 0;
    } catch (error) {
      throw refusal(input, error) ?? error;
    } finally {
      await storage.close();
    }
  },
});

export const importCommand = createImportCommand();
