import type { AccountStore } from '../../accounts/account-store.ts';
import type { PasswordHasher } from '../../accounts/password-hasher.ts';
import type { SessionStore } from '../../accounts/session-store.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { canonicalize } from '../../domain/identifier.ts';
import { normalizePassword } from '../../domain/password-policy.ts';
import { keyedHash, sha256 } from '../../domain/secrets.ts';
import type { AuditEvent } from '../../audit/audit-log.ts';
import { NO_FLOW_METRICS, type FlowMetrics } from '../../metrics/metrics.ts';
import type { Account, Directory } from '../../storage/schema.ts';
import { admitAttempt, CLEARED_COUNTERS, LOCKOUT_POLICY, rememberFailure, type Admission, type LockoutCounters, type LockoutPolicy } from './lockout-policy.ts';
import type { SignInStore } from './sign-in-store.ts';

// Sign-in: find → admit (lockout) → verify → record. Every failure looks the same from outside (L3):
// one generic result, and exactly one argon2 verification and the same statements whatever the reason,
// so neither the page nor the time tells an unknown account from a locked or disabled one.

export interface SignInServiceDeps {
  readonly store: SignInStore;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  readonly key: Buffer;
  readonly policy?: LockoutPolicy;
  readonly metrics?: FlowMetrics;
}

export interface Requester {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type SignInResult = { readonly ok: true; readonly token: string; readonly account: Account } | { readonly ok: false };

/** Why an attempt failed, for the audit log only; never shown. */
type FailureReason = 'wrong_password' | 'unknown_account' | 'disabled' | 'locked' | 'repeated_password';

/** Where a password was checked: a wrong current password on "Change password" counts like a sign-in. */
type AttemptContext = 'sign_in' | 'change_password';

// Unknown and disabled accounts run the same statements against an id that matches no row.
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export interface SignInService {
  signIn(input: { directory: Directory; identifier: string; password: string; requester: Requester; previousToken?: string }): Promise<SignInResult>;
  /** The lockout-guarded check of a known account's password, shared with "Change password" (P7). */
  verifyPassword(input: { directory: Directory; account: Account; password: string; requester: Requester }): Promise<boolean>;
}

const countersOf = (account: Account): LockoutCounters => ({
  failedSignIns: account.failed_sign_ins,
  lockouts: account.lockouts,
  lockedUntil: account.locked_until,
  recentFailedFingerprints: account.recent_failed_fingerprints,
});

function lockoutEvent(directory: Directory, target: Account, counters: LockoutCounters, requester: Requester): AuditEvent {
  return { type: 'lockout', outcome: 'locked', directoryId: directory.id, accountId: target.id, ...requester, detail: { until: counters.lockedUntil?.toISOString() } };
}

export function createSignInService(deps: SignInServiceDeps): SignInService {
  const policy = deps.policy ?? LOCKOUT_POLICY;
  const metrics = deps.metrics ?? NO_FLOW_METRICS;
  // Keyed with the account id, so one wrong password leaves a different fingerprint on every account.
  const fingerprint = (accountId: string, password: string) => keyedHash(deps.key, 'wrong-password', `${accountId}:${normalizePassword(password)}`);

  /** The attempt judged under the account's row lock: the fallback when the counters moved under us. */
  async function admitLocked(directory: Directory, target: Account | undefined, print: string, requester: Requester): Promise<Admission | undefined> {
    return deps.store.inTransaction(async (store, trx) => {
      const counters = await store.lockCounters(directory.id, target?.id ?? NO_ACCOUNT);
      if (!counters || !target) return undefined;
      const admission = admitAttempt(counters, print, new Date(), policy);
      if (admission.kind === 'evaluate') await store.saveCounters(target.id, admission.counters);
      if (admission.kind === 'evaluate' && admission.lockedNow) await recordAudit(trx, lockoutEvent(directory, target, admission.counters, requester));
      return admission;
    });
  }

  /**
   * Admits (and counts) an attempt with one compare-and-swap on the counters as they were read with the
   * account: no transaction, one statement. Every path runs that statement, a refused or unknown one
   * against an id that matches no row, so they cost the same. If another attempt changed the counters
   * in between, the swap fails and the attempt is judged again under the row lock, so no more than the
   * threshold are ever admitted (L4).
   */
  async function admit(directory: Directory, target: Account | undefined, print: string, requester: Requester): Promise<Admission | undefined> {
    const expected = target ? countersOf(target) : CLEARED_COUNTERS;
    const admission = target ? admitAttempt(expected, print, new Date(), policy) : undefined;
    const counted = target && admission?.kind === 'evaluate' ? { target, admission } : undefined;
    const swapped = await deps.store.swapCounters({
      directoryId: directory.id,
      accountId: counted?.target.id ?? NO_ACCOUNT,
      expected,
      next: counted?.admission.counters ?? expected,
      ...(counted?.admission.lockedNow ? { audit: lockoutEvent(directory, counted.target, counted.admission.counters, requester) } : {}),
    });
    return counted && !swapped ? admitLocked(directory, target, print, requester) : admission;
  }

  async function recordFailure(directory: Directory, target: Account | undefined, print: string, reason: FailureReason, context: AttemptContext, requester: Requester): Promise<void> {
    await deps.store.inTransaction(async (store, trx) => {
      const counters = await store.lockCounters(directory.id, target?.id ?? NO_ACCOUNT);
      if (counters && target && reason === 'wrong_password') await store.saveCounters(target.id, rememberFailure(counters, print, policy));
      await recordAudit(trx, { type: 'sign_in', outcome: reason, directoryId: directory.id, accountId: target?.id ?? null, ...requester, detail: { context } });
    });
  }

  function failureReason(account: Account | undefined, admission: Admission | undefined): FailureReason {
    if (!account) return 'unknown_account';
    if (account.disabled) return 'disabled';
    if (admission?.kind === 'refuse') return admission.reason === 'locked' ? 'locked' : 'repeated_password';
    return 'wrong_password';
  }

  /** One argon2 verification on every path; true only for an admitted, matching password. */
  async function attempt(directory: Directory, account: Account | undefined, password: string, context: AttemptContext, requester: Requester) {
    const target = account && !account.disabled ? account : undefined;
    const print = fingerprint(target?.id ?? NO_ACCOUNT, password);
    const admission = await admit(directory, target, print, requester);
    let matched = false;
    if (target && admission?.kind === 'evaluate') matched = await deps.hasher.verify(target.password_hash, password);
    else await deps.hasher.verifyNothing(password);
    if (!matched) await recordFailure(directory, target, print, failureReason(account, admission), context, requester);
    return { matched, target };
  }

  return {
    async signIn({ directory, identifier, password, requester, previousToken }) {
      const account = await deps.accounts.findByIdentifier(directory, canonicalize(identifier));
      const { matched, target } = await attempt(directory, account, password, 'sign_in', requester);
      if (!matched || !target) {
        metrics.flowOutcome({ flow: 'sign_in', outcome: 'failure' });
        return { ok: false };
      }
      // The password is known good only now: the moment to move an imported hash to argon2id (S1).
      const rehash = deps.hasher.needsRehash(target.password_hash) ? { from: target.password_hash, to: await deps.hasher.hash(password) } : undefined;
      const session = deps.sessions.prepare({ accountId: target.id, directoryId: directory.id, ...requester });
      await deps.store.completeSignIn({
        accountId: target.id,
        at: new Date(),
        audit: { type: 'sign_in', outcome: 'success', directoryId: directory.id, accountId: target.id, ...requester, detail: { context: 'sign_in' } },
        // A session the browser already held is ended rather than reused (SE2: a new id on every sign-in).
        endSessionHash: previousToken ? sha256(previousToken) : null,
        session: session.row,
        ...(rehash ? { rehash } : {}),
      });
      metrics.flowOutcome({ flow: 'sign_in', outcome: 'success' });
      return { ok: true, token: session.token, account: target };
    },

    async verifyPassword({ directory, account, password, requester }) {
      const { matched } = await attempt(directory, account, password, 'change_password', requester);
      if (matched) await deps.store.inTransaction((store) => store.saveCounters(account.id, CLEARED_COUNTERS));
      return matched;
    },
  };
}
