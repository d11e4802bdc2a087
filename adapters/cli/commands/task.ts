/**
 * `cxt task show --task ID [--json] [--data-dir DIR]`: one task as the API's GET /v1/tasks/:taskId
 * shows it — an open one from the ledger, a settled one from the read models (caught up first) —
 * as a short table for people, or the JSON document with --json.
 */
import { Id } from '../../../domain/index.ts';
import { taskDocument } from '../../../projections/index.ts';
import { InputError, type CliCommand } from '../command.ts';
import { onOff, parseFlags, requiredText, text } from '../flags.ts';
import { withCore } from '../operator/withCore.ts';

type Doc = Record<string, any>;

const describe = (doc: Doc): string[] => {
  const lines = [
    `task ${doc.taskId}: ${doc.status}, ${doc.kind}, budget ${doc.budget} of ${doc.asset}, initiator ${doc.initiator}`,
    `redundancy ${doc.redundancy}, quorum ${doc.quorum}, posted in epoch ${doc.postedEpoch}, due by epoch ${doc.deadlineEpoch}`,
    '',
    'fragment  units  class      status    round  due  seats  results',
  ];
  for (const f of doc.fragments as Doc[])
    lines.push(
      [
        String(f.fragmentId).padEnd(8),
        String(f.units).padStart(6),
        ` ${String(f.hardwareClass).padEnd(10)}`,
        String(f.status).padEnd(9),
        String(f.round).padStart(6),
        String(f.deadlineEpoch).padStart(4),
        String(f.seats.length).padStart(6),
        String(f.results.length).padStart(8),
      ].join(' '),
    );
  const s = doc.settlement as Doc | null;
  if (s) {
    lines.push('', `settled by the close of epoch ${s.epoch}: ${s.accepted} accepted, ${s.failed} failed; fee ${s.fee}, refund ${s.refund}`);
    for (const p of s.nodePay as Doc[]) lines.push(`  paid ${p.amount} to ${p.account}`);
  }
  return lines;
};

export const taskShowCommand: CliCommand = {
  async run(args, io) {
    const flags = parseFlags(args, { task: requiredText('ID'), json: onOff(), 'data-dir': text('DIR') });
    if (!Id.is(flags.task)) throw new InputError(`--task must be a task id (1 to 200 printable characters without spaces), not ${JSON.stringify(flags.task)}`);
    const taskId = flags.task;
    return withCore(flags['data-dir'], process.env, async ({ view, projections }) => {
      const state = await view.fresh();
      const open = state.tasks.get(taskId);
      let doc: Doc | undefined = open ? taskDocument(open) : undefined;
      if (!doc) {
        await projections.catchUp();
        doc = await projections.taskDocument(taskId);
      }
      if (!doc) {
        io.stderr(`task ${taskId} is not known to this log`);
        return 1;
      }
      if (flags.json === true) io.stdout(JSON.stringify(doc, null, 2));
      else for (const line of describe(doc)) io.stdout(line);
      return 0;
    });
  },
};
