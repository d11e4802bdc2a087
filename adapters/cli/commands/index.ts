/** Registry of `cxt` sub-commands; each lives in its own file beside this one. */
import type { CliCommand } from '../command.ts';
import { merkleBuildCommand, merkleProofCommand } from './merkle.ts';
import { serveCommand } from './serve.ts';

export const commands: readonly CliCommand[] = [merkleBuildCommand, merkleProofCommand, serveCommand];
