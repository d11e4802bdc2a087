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

/**
 * `aheads`: one per audited chain that is ahead. With several chains (`multiChain`) the sentence
 * names each chain and its block, as `--to-block` is then given once per `--rpc-url`.
 */
export const auditHeadline = (
  byClass: Readonly<Record<FindingClass, number>>,
  aheads: readonly ChainAhead[],
  withChain: boolean,
  multiChain = false,
): string => {
  const disagree = byClass['chain-mismatch'];
  const newer = roots(aheads.reduce((n, a) => n + a.roots, 0));
  const blocks = aheads.map((a) => `${toBlockBefore(a)}${multiChain ? ` for chain ${a.chainId}` : ''}`).join(', ');
  const remedy = `(re-export, or audit with --to-block ${blocks})`;
  const chains = multiChain ? 'chains have' : 'chain has';
  const agree = multiChain ? 'the chains agree with it' : 'the chain agrees with it';
  switch (auditOutcome(byClass)) {
    case 'clean':
      return withChain ? `clean: the log re-derives and ${agree}` : 'clean: the log re-derives';
    case 'log-does-not-rederive':
      return [
        `${byClass.log} finding(s): the log does not re-derive as recorded`,
        ...(disagree > 0 ? [`the chain and the log also disagree (${disagree} finding(s))`] : []),
        ...(aheads.length > 0 ? [`the ${multiChain ? 'chains also have' : 'chain also has'} ${newer} newer than this export`] : []),
      ].join('; ');
    case 'chain-disagrees':
      return [
        `${disagree} finding(s): the log re-derives, but the chain and the log disagree`,
        ...(aheads.length > 0 ? [`the ${multiChain ? 'chains also have' : 'chain also has'} ${newer} newer than this export ${remedy}`] : []),
      ].join('; ');
    case 'chain-ahead':
      return `the log re-derives; the ${chains} ${newer} newer than this export ${aheads.length > 0 ? remedy : ''}`.trimEnd();
  }
};
