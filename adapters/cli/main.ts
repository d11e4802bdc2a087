/**
 * `cxt` entry point: finds the sub-command in the registry, answers help and --version from the
 * registry alone, loads the command only to run it, and maps failures to one sentence on stderr
 * with exit code 1 (refused input) or 2 (usage).
 */
import { commands } from './commands/index.ts';
import { InputError, UsageError, type CliIo, type CommandEntry } from './command.ts';
import { packageVersion } from './version.ts';

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

const listing = (entries: readonly CommandEntry[]): string[] => entries.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`);

const helpText = (): string =>
  [
    'cxt — Corex settlement engine',
    '',
    'Usage: cxt <command> [options]',
    '',
    'Commands:',
    ...listing(commands),
    '',
    'Run `cxt <command> --help` for the options of one command, `cxt --version` for the version.',
  ].join('\n');

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';

const findCommand = (argv: readonly string[]): { command: CommandEntry; rest: readonly string[] } | undefined => {
  // Longest match first, so "merkle build" wins over a hypothetical "merkle".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
};

/** The longest leading words of argv that start longer command names: "merkle" for "merkle nope". */
const findGroup = (argv: readonly string[]): { prefix: string; members: readonly CommandEntry[] } | undefined => {
  for (let n = argv.length; n >= 1; n--) {
    const prefix = argv.slice(0, n).join(' ');
    const members = commands.filter((c) => c.name.startsWith(`${prefix} `));
    if (members.length > 0) return { prefix, members };
  }
  return undefined;
};

const groupHelp = (prefix: string, members: readonly CommandEntry[]): string =>
  [`Usage: cxt ${prefix} <command> [options]`, '', 'Commands:', ...listing(members), '', `Run \`cxt ${prefix} <command> --help\` for its options.`].join('\n');

const run = async (command: CommandEntry, rest: readonly string[], io: CliIo): Promise<number> => {
  try {
    return await (await command.load()).run(rest, io);
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

export const main = async (argv: readonly string[], io: CliIo = defaultIo): Promise<number> => {
  const [first = '', ...after] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout(packageVersion());
    return 0;
  }
  if (argv.length === 0 || isHelp(first) || (first === 'help' && after.length === 0)) {
    io.stdout(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  // `cxt help merkle build` is `cxt merkle build --help`.
  if (first === 'help') return main([...after, '--help'], io);
  const found = findCommand(argv);
  if (found) {
    const { command, rest } = found;
    if (rest.some(isHelp)) {
      io.stdout(`${command.summary}\n\nUsage: ${command.usage}`);
      return 0;
    }
    return run(command, rest, io);
  }
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const words = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
  const group = findGroup(words);
  if (group) {
    const exact = words.length === group.prefix.split(' ').length;
    if (exact && argv.some(isHelp)) {
      io.stdout(groupHelp(group.prefix, group.members));
      return 0;
    }
    const problem = exact ? 'name one of its commands' : `unknown command "${words.join(' ')}"`;
    io.stderr(`cxt ${group.prefix}: ${problem}\n\n${groupHelp(group.prefix, group.members)}`);
    return 2;
  }
  io.stderr(`cxt: unknown command "${argv.join(' ')}". Run \`cxt --help\` to list the commands.`);
  return 2;
};
