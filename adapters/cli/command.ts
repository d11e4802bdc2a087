/** What every `cxt` sub-command provides. Exit codes: 0 ok, 1 failure or bad input, 2 usage. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars only then. */
  readonly isTty: boolean;
}

export interface CliCommand {
  /** Words after `cxt`, e.g. "merkle build". */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user caused (bad file, bad value): one sentence, exit 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
