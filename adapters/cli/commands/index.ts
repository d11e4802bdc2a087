/** Registry of `cxt` sub-commands; each lives in its own file beside this one. */
import type { CliCommand } from '../command.ts';
import { auditCommand } from './audit.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { merkleBuildCommand, merkleProofCommand } from './merkle.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';

export const commands: readonly CliCommand[] = [merkleBuildCommand, merkleProofCommand, serveCommand, simulateCommand, exportCommand, importCommand, auditCommand];
