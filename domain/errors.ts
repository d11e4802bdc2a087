/**
 * Turning io-ts failures into field-level messages, and the refusal value of domain decisions.
 */
import type * as t from 'io-ts';

export interface FieldError {
  /** Dotted path of the offending field, e.g. "data.amount" or "[3].account". */
  readonly field: string;
  readonly message: string;
}

const pathOf = (context: t.Context): string => {
  const parts: string[] = [];
  for (let i = 1; i < context.length; i++) {
    // Intersections and unions add their branch index to the context; it is not part of the field path.
    const parentTag = (context[i - 1]!.type as { _tag?: string })._tag;
    if (parentTag === 'IntersectionType' || parentTag === 'UnionType') continue;
    parts.push(context[i]!.key);
  }
  return parts.join('.');
};

/** Every failure, one per field, most specific message first. */
export const fieldErrors = (errors: t.Errors): FieldError[] => {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const field = pathOf(error.context) || '(root)';
    const last = error.context[error.context.length - 1];
    const message =
      error.message ??
      (error.value === undefined ? 'is required' : `must be ${last?.type.name ?? 'valid'}`);
    if (!byField.has(field)) byField.set(field, message);
  }
  return [...byField.entries()].map(([field, message]) => ({ field, message }));
};

export const describeErrors = (errors: t.Errors): string =>
  fieldErrors(errors)
    .map((e) => `${e.field} ${e.message}`)
    .join('; ');

/** A domain decision that said no: a stable code for machines and a sentence for people. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

export type RefusalCode =
  | 'NOT_CONFIGURED'
  | 'CHAIN_UNKNOWN'
  | 'CHAIN_ASSET_FIXED'
  | 'CHAIN_UNCHANGED'
  | 'PAYOUT_SEQUENCE'
  | 'PAYOUT_CHAIN_UNCHANGED'
  | 'ALREADY_CONFIGURED'
  | 'INVALID_CONFIG'
  | 'NODE_EXISTS'
  | 'NODE_UNKNOWN'
  | 'CONTRIBUTION_EXISTS'
  | 'CONTRIBUTION_UNKNOWN'
  | 'CONTRIBUTION_ALREADY_JUDGED'
  | 'CONTRIBUTION_EXPIRED'
  | 'EPOCH_IN_FUTURE'
  | 'EPOCH_TOO_OLD'
  | 'EPOCH_NOT_ENDED'
  | 'EPOCH_OUT_OF_ORDER'
  | 'VERIFIER_EXISTS'
  | 'VERIFIER_UNKNOWN'
  | 'NOT_A_VERIFIER'
  | 'SELF_VERIFICATION'
  | 'INSUFFICIENT_STAKE'
  | 'NOT_UNBONDED'
  | 'BURN_EXCEEDS_SUPPLY'
  | 'BUYBACK_EXCEEDS_BUDGET'
  | 'ASSET_UNKNOWN'
  | 'ASSET_EXISTS'
  | 'NOTHING_TO_DISTRIBUTE'
  | 'CUMULATIVE_DECREASED'
  | 'DISTRIBUTION_UNKNOWN'
  | 'DISTRIBUTION_STATE'
  | 'CLAIM_EXCEEDS_ENTITLEMENT'
  | 'INVALID_TASK'
  | 'TASK_EXISTS'
  | 'TOO_FEW_ELIGIBLE_NODES'
  | 'TASK_TOO_LARGE'
  | 'TASK_UNKNOWN'
  | 'FRAGMENT_UNKNOWN'
  | 'NOT_ASSIGNED'
  | 'RESULT_EXISTS'
  | 'RESULT_AFTER_DEADLINE'
  | 'FRAGMENT_CLOSED'
  | 'RESULT_DOES_NOT_MATCH_FRAGMENT'
  | 'JUDGED_BY_CONSENSUS'
  /** A decided event that would not survive its own codec (or jsonb): refused instead of poisoning the log. */
  | 'EVENT_NOT_STORABLE';

export const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });
