/**
 * What needs an operator: every state the service can be stuck in (a scheduler job failing tick
 * after tick, a distributor short of funds, a re-proposal held back) is a condition here, shown by
 * /readyz and the cxt_attention metric until the cause is gone. Conditions clear themselves when
 * the job next succeeds, so "publishing resumes by itself once funded" is visible too.
 */
export interface AttentionCondition {
  /** Stable key, e.g. "job:publisher". */
  readonly condition: string;
  readonly detail: string;
  /** Unix seconds when it was first seen (this run of the process). */
  readonly since: number;
}

export interface AttentionBoard {
  set(condition: string, detail: string): void;
  clear(condition: string): void;
  list(): AttentionCondition[];
}

export const createAttentionBoard = (clock: () => number): AttentionBoard => {
  const conditions = new Map<string, AttentionCondition>();
  return {
    set(condition, detail) {
      const since = conditions.get(condition)?.since ?? clock();
      conditions.set(condition, { condition, detail, since });
    },
    clear(condition) {
      conditions.delete(condition);
    },
    list: () => [...conditions.values()].sort((a, b) => (a.condition < b.condition ? -1 : 1)),
  };
};
