/**
 * What every `cxt` sub-command provides. Exit codes: 0 ok, 1 findings (audit) or refused input,
 * 2 usage (unknown command or flag, malformed flag value).
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars only then. */
  readonly isTty: boolean;
}

/** The part of a command that only runs it; loaded on demand, so it may import anything. */
export interface CliCommand {
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/**
 * One line of the registry: all `cxt --help` and `cxt <cmd> --help` need, plus how to load the
 * rest. `load` must be a dynamic import, so help never pays for hardhat, fastify or the simulation.
 */
export interface CommandEntry {
  /** Words after `cxt`, e.g. "merkle build"; a first word shared by several entries is a group. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly load: () => Promise<CliCommand>;
}

/** A mistake in how the command was called: one sentence, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user caused (bad file, a value the rules refuse): one sentence, exit 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
