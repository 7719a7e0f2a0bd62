import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import type { LockoutCounters } from './lockout-policy.ts';

// What sign-in needs from storage: the lockout counters of one account, read under a row lock and
// written back in the same transaction. `inTransaction` hands the work a store bound to it, so the
// service reads as lock → decide (pure) → save while all of it commits at once.

export interface SignInStore {
  inTransaction<T>(work: (store: SignInStore, trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** SELECT … FOR UPDATE: concurrent attempts on one account queue here, on every instance (L1, L4). */
  lockCounters(directoryId: string, accountId: string): Promise<LockoutCounters | undefined>;
  saveCounters(accountId: string, counters: LockoutCounters): Promise<void>;
  /**
   * Clears the counters and notes the time: what a successful sign-in leaves behind. The wrong-code
   * count of password reset (R4) goes too: whoever knows the password owns the account, and an attacker
   * who burned through codes must not keep its owner's self-service reset blocked for good.
   */
  markSignedIn(accountId: string, at: Date, rehash?: PasswordRehash): Promise<void>;
}

/** An imported or outdated hash to replace by one made now, in the same UPDATE as the sign-in (S1). */
export interface PasswordRehash {
  readonly from: string;
  readonly to: string;
}

export function createSignInStore(db: Kysely<Database>): SignInStore {
  return {
    inTransaction: (work) => db.transaction().execute((trx) => work(createSignInStore(trx), trx)),

    async lockCounters(directoryId, accountId) {
      const row = await db
        .selectFrom('accounts')
        .select(['failed_sign_ins', 'lockouts', 'locked_until', 'recent_failed_fingerprints'])
        .where('directory_id', '=', directoryId)
        .where('id', '=', accountId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        failedSignIns: row.failed_sign_ins,
        lockouts: row.lockouts,
        lockedUntil: row.locked_until,
        recentFailedFingerprints: row.recent_failed_fingerprints,
      };
    },

    async saveCounters(accountId, counters) {
      await db
        .updateTable('accounts')
        .set({
          failed_sign_ins: counters.failedSignIns,
          lockouts: counters.lockouts,
          locked_until: counters.lockedUntil,
          recent_failed_fingerprints: [...counters.recentFailedFingerprints],
        })
        .where('id', '=', accountId)
        .execute();
    },

    async markSignedIn(accountId, at, rehash) {
      await db
        .updateTable('accounts')
        .set({ failed_sign_ins: 0, lockouts: 0, locked_until: null, recent_failed_fingerprints: [], reset_code_failures: 0, last_sign_in_at: at })
        // Only the hash that was verified is replaced: a reset that landed meanwhile keeps its new password.
        .$if(rehash !== undefined, (q) => q.set({ password_hash: sql<string>`CASE WHEN password_hash = ${rehash?.from} THEN ${rehash?.to} ELSE password_hash END` }))
        .where('id', '=', accountId)
        .execute();
    },
  };
}
