// The seam between the rate limits and where their counters live (Redis, or PostgreSQL). A counter is a
// fixed window per key: the first hit opens it, every hit adds one point, and it is gone when it ends.

export type LimitScope = 'ip' | 'identifier' | 'directory';

export interface WindowRule {
  readonly max: number;
  readonly windowSeconds: number;
}

export type LimitRules = Readonly<Record<LimitScope, WindowRule>>;

export interface Verdict {
  readonly allowed: boolean;
  /** Seconds until the window ends: what Retry-After says when the hit was refused. */
  readonly retryAfterSeconds: number;
}

/** One point for the counter `key` of `scope`. */
export interface Hit {
  readonly scope: LimitScope;
  readonly key: string;
}

export interface CounterStore {
  /**
   * Adds one point to each counter in order, atomically for every instance, and stops at the first one
   * that refuses: the counters after it are left untouched. Resolves with that refusal, or with an
   * allowed verdict when every counter allowed the hit.
   */
  take(hits: readonly Hit[]): Promise<Verdict>;
  close(): Promise<void>;
}

export const ALLOWED: Verdict = { allowed: true, retryAfterSeconds: 1 };

export function verdictOf(points: number, rule: WindowRule, msBeforeReset: number): Verdict {
  return { allowed: points <= rule.max, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeReset / 1000)) };
}
