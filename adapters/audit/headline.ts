/**
 * The audit's one-sentence answer, from the classes of its findings (findings.ts): what is wrong
 * comes first — the log itself, then the chain disagreeing with it, then the chain merely being
 * ahead of the export — and the others are added to it. Every outcome but `clean` exits 1: a root
 * the audit has no distribution for may already be paying claims, so "ahead" is not "clean"; the
 * sentence says how to make it checkable.
 */
import type { ChainAhead } from './chainAudit.ts';
import type { FindingClass } from './findings.ts';

export type AuditOutcome = 'clean' | 'log-does-not-rederive' | 'chain-disagrees' | 'chain-ahead';

export const auditOutcome = (byClass: Readonly<Record<FindingClass, number>>): AuditOutcome =>
  byClass.log > 0 ? 'log-does-not-rederive' : byClass['chain-mismatch'] > 0 ? 'chain-disagrees' : byClass['chain-ahead'] > 0 ? 'chain-ahead' : 'clean';

const roots = (n: number): string => `${n} root${n === 1 ? '' : 's'}`;
/** The block before the first newer root: the chain as it was when the log last saw it. */
export const toBlockBefore = (a: ChainAhead): number => a.firstBlock - 1;
const remedy = (a: ChainAhead): string => `(re-export, or audit with --to-block ${toBlockBefore(a)})`;

export const auditHeadline = (byClass: Readonly<Record<FindingClass, number>>, ahead: ChainAhead | undefined, withChain: boolean): string => {
  const disagree = byClass['chain-mismatch'];
  switch (auditOutcome(byClass)) {
    case 'clean':
      return withChain ? 'clean: the log re-derives and the chain agrees with it' : 'clean: the log re-derives';
    case 'log-does-not-rederive':
      return [
        `${byClass.log} finding(s): the log does not re-derive as recorded`,
        ...(disagree > 0 ? [`the chain and the log also disagree (${disagree} finding(s))`] : []),
        ...(ahead ? [`the chain also has ${roots(ahead.roots)} newer than this export`] : []),
      ].join('; ');
    case 'chain-disagrees':
      return [
        `${disagree} finding(s): the log re-derives, but the chain and the log disagree`,
        ...(ahead ? [`the chain also has ${roots(ahead.roots)} newer than this export ${remedy(ahead)}`] : []),
      ].join('; ');
    case 'chain-ahead':
      return `the log re-derives; the chain has ${roots(ahead?.roots ?? 0)} newer than this export ${ahead ? remedy(ahead) : ''}`.trimEnd();
  }
};
