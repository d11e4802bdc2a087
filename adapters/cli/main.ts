/**
 * `cxt` entry point: finds the sub-command and maps failures to one sentence on stderr
 * with exit code 1 (bad input) or 2 (usage).
 */
import { commands } from './commands/index.ts';
import { InputError, UsageError, type CliCommand, type CliIo } from './command.ts';

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

const helpText = (): string =>
  [
    'cxt — Corex settlement engine',
    '',
    'Usage: cxt <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`),
    '',
    'Run `cxt <command> --help` for the options of one command.',
  ].join('\n');

const findCommand = (argv: readonly string[]): { command: CliCommand; rest: readonly string[] } | undefined => {
  // Longest match first, so "merkle build" wins over a hypothetical "merkle".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
};

export const main = async (argv: readonly string[], io: CliIo = defaultIo): Promise<number> => {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`cxt: unknown command "${argv.join(' ')}". Run \`cxt --help\` to list the commands.`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cxt ${command.name}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`cxt ${command.name}: ${error.message}`);
      return 1;
    }
    io.stderr(`cxt ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
