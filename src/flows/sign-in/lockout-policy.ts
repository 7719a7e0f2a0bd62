// Smart lockout (L1–L4) as pure functions over an account's counters. The store applies them inside a
// transaction holding the account row, so every instance sees one count (L1) and concurrent attempts
// queue on the row lock: an attempt is admitted, and counted, BEFORE its password is verified, so a
// burst of parallel guesses cannot all slip through while the first ones are still hashing (L4).

export interface LockoutPolicy {
  /** Counted failures that trigger a lock. */
  readonly threshold: number;
  /** The first lock; each further lock doubles it (escalation). */
  readonly baseLockSeconds: number;
  readonly maxLockSeconds: number;
  /** How many distinct wrong passwords are remembered, so repeating one counts once. */
  readonly rememberedFingerprints: number;
}

export const LOCKOUT_POLICY: LockoutPolicy = { threshold: 10, baseLockSeconds: 60, maxLockSeconds: 24 * 3600, rememberedFingerprints: 5 };

export interface LockoutCounters {
  readonly failedSignIns: number;
  readonly lockouts: number;
  readonly lockedUntil: Date | null;
  readonly recentFailedFingerprints: readonly string[];
}

export type Admission =
  /** Verify the password. `counters` are saved before verifying; `lockedNow` when this attempt set a lock. */
  | { readonly kind: 'evaluate'; readonly counters: LockoutCounters; readonly lockedNow: boolean }
  /** Do not verify and do not count: the account is locked, or this exact wrong password was already counted. */
  | { readonly kind: 'refuse'; readonly reason: 'locked' | 'repeated' };

/** Seconds of the lock that the `lockouts`-th previous lock escalates to: 60, 120, 240, … capped. */
export function lockSeconds(previousLockouts: number, policy: LockoutPolicy = LOCKOUT_POLICY): number {
  const doubled = policy.baseLockSeconds * 2 ** Math.min(previousLockouts, 30);
  return Math.min(doubled, policy.maxLockSeconds);
}

export function isLocked(counters: LockoutCounters, now: Date): boolean {
  return counters.lockedUntil !== null && counters.lockedUntil.getTime() > now.getTime();
}

/**
 * Decides whether an attempt may verify a password. Admitted attempts are counted up front; the one
 * that reaches the threshold is still verified (so a right password then unlocks) but locks the account
 * for everyone after it.
 */
export function admitAttempt(counters: LockoutCounters, fingerprint: string, now: Date, policy: LockoutPolicy = LOCKOUT_POLICY): Admission {
  if (isLocked(counters, now)) return { kind: 'refuse', reason: 'locked' };
  // A fingerprint is only ever stored after that password failed against the current hash, and every
  // new password clears the list, so a remembered one is known to be wrong without verifying.
  if (counters.recentFailedFingerprints.includes(fingerprint)) return { kind: 'refuse', reason: 'repeated' };
  const failed = counters.failedSignIns + 1;
  if (failed < policy.threshold) {
    return { kind: 'evaluate', counters: { ...counters, failedSignIns: failed }, lockedNow: false };
  }
  const lockedUntil = new Date(now.getTime() + lockSeconds(counters.lockouts, policy) * 1000);
  return { kind: 'evaluate', counters: { ...counters, failedSignIns: 0, lockouts: counters.lockouts + 1, lockedUntil }, lockedNow: true };
}

/** After an admitted attempt turned out wrong: remember its fingerprint (the count was taken already). */
export function rememberFailure(counters: LockoutCounters, fingerprint: string, policy: LockoutPolicy = LOCKOUT_POLICY): LockoutCounters {
  if (counters.recentFailedFingerprints.includes(fingerprint)) return counters;
  const remembered = [...counters.recentFailedFingerprints, fingerprint].slice(-policy.rememberedFingerprints);
  return { ...counters, recentFailedFingerprints: remembered };
}

/** A successful sign-in clears everything, the escalation level included. */
export const CLEARED_COUNTERS: LockoutCounters = { failedSignIns: 0, lockouts: 0, lockedUntil: null, recentFailedFingerprints: [] };
