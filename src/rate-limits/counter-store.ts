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

export interface CounterStore {
  /** Adds one point to the counter `key` of `scope`, atomically for every instance, and judges it. */
  take(scope: LimitScope, key: string): Promise<Verdict>;
  close(): Promise<void>;
}

export function verdictOf(points: number, rule: WindowRule, msBeforeReset: number): Verdict {
  return { allowed: points <= rule.max, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeReset / 1000)) };
}
