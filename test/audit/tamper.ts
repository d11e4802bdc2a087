/**
 * Tampering with an exported log the way an attacker holding the file would: edit a line (and
 * optionally re-seal the chain after it, so only re-derivation can tell), delete, swap, or corrupt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hashEnvelope, type StoredEvent } from '../../domain/hashChain.ts';

export const readLog = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
export const writeLog = (path: string, lines: readonly string[]): void => writeFileSync(path, `${lines.join('\n')}\n`);

export const envelopeAt = (lines: readonly string[], index: number): StoredEvent => JSON.parse(lines[index]!) as StoredEvent;

/** Index of the `nth` (0-based) line whose envelope has this type. */
export const indexOfType = (lines: readonly string[], type: string, nth = 0): number => {
  let seen = 0;
  const i = lines.findIndex((l) => (JSON.parse(l) as StoredEvent).type === type && seen++ === nth);
  if (i < 0) throw new Error(`no ${type} #${nth} in the log`);
  return i;
};

/** The log with the envelope at `index` changed by `edit` (its hash left as it was). */
export const edited = (lines: readonly string[], index: number, edit: (e: StoredEvent) => StoredEvent): string[] =>
  lines.map((l, i) => (i === index ? JSON.stringify(edit(JSON.parse(l) as StoredEvent)) : l));

const ANCHORING = new Set(['EpochClosed', 'DistributionCreated']);

/**
 * Recomputes every hash and link from `index` on, as a forger with no key to beat would — the
 * log heads that closes and distributions commit to, and the salts of tasks posted after the
 * edit, included, so the forged log is consistent.
 */
export const resealedFrom = (lines: readonly string[], index: number): string[] => {
  const out = [...lines];
  let prevHash = index === 0 ? undefined : envelopeAt(out, index - 1).hash;
  const taskSalts = new Map<string, string>();
  let closeHead: string | undefined;
  for (let i = index; i < out.length; i++) {
    const e = envelopeAt(out, i);
    const head = prevHash ?? e.prevHash;
    let data = e.data;
    if (i > index) {
      if (ANCHORING.has(e.type)) data = { ...data, logHead: head };
      if (e.type === 'EpochClosed') closeHead = head;
      if (e.type === 'TaskPosted') {
        data = { ...data, salt: head };
        taskSalts.set(String(data.taskId), head);
      }
      // Seats are salted with the task's salt (round 1) or the head its close was decided on (round 2).
      if (e.type === 'FragmentAssigned') {
        const salt = data.round === 1 ? taskSalts.get(String(data.taskId)) : closeHead;
        if (salt !== undefined) data = { ...data, salt };
      }
    }
    const linked = { ...e, data, prevHash: head };
    const sealed = { ...linked, hash: hashEnvelope(linked) };
    out[i] = JSON.stringify(sealed);
    prevHash = sealed.hash;
  }
  return out;
};

export const withData = (patch: Record<string, unknown>) => (e: StoredEvent): StoredEvent => ({ ...e, data: { ...e.data, ...patch } });

export const withoutLine = (lines: readonly string[], index: number): string[] => lines.filter((_, i) => i !== index);

export const swapped = (lines: readonly string[], index: number): string[] => {
  const out = [...lines];
  [out[index], out[index + 1]] = [out[index + 1]!, out[index]!];
  return out;
};

export const withLineAt = (lines: readonly string[], index: number, text: string): string[] => [...lines.slice(0, index), text, ...lines.slice(index)];
