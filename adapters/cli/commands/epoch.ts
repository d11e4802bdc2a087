/**
 * `cxt epoch close [--epoch N] [--data-dir DIR]`: closes every ended epoch, oldest first, as the
 * scheduler does (or only epoch N, which must be the next one and ended), against the data dir or
 * DATABASE_URL. Each close is keyed by its epoch, so running it beside a service is harmless.
 */
import { ZERO_HASH } from '../../../domain/index.ts';
import { closeDueEpochs } from '../../scheduler/epochCloser.ts';
import type { CliCommand } from '../command.ts';
import { parseFlags, text, whole } from '../flags.ts';
import { refused, withCore } from '../operator/withCore.ts';

export const epochCloseCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { epoch: whole(0, 2 ** 40), 'data-dir': text('DIR') });
    return withCore(flags['data-dir'], process.env, async ({ commands, view, clock }) => {
      if (flags.epoch !== undefined) {
        const r = await commands.handle({ type: 'CloseEpoch', epoch: flags.epoch, logHead: ZERO_HASH });
        if (r.status === 'refused') return refused(io, r.refusal);
        io.stdout(r.status === 'accepted' ? `closed epoch ${flags.epoch}` : `epoch ${flags.epoch} was already closed`);
        return 0;
      }
      const report = await closeDueEpochs({ fresh: view.fresh, commands, clock });
      io.stdout(report.closed.length === 0 ? 'no ended epoch was open: nothing to close' : `closed epoch${report.closed.length > 1 ? 's' : ''} ${report.closed.join(', ')}`);
      return report.refusal ? refused(io, report.refusal) : 0;
    });
  },
};
