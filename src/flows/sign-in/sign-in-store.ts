import { sql, type Insertable, type Kysely } from 'kysely';
import { AUDIT_COLUMNS, auditValues, type AuditEvent } from '../../audit/audit-log.ts';
import type { Database, SessionsTable } from '../../storage/schema.ts';
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
  /**
   * Compare-and-swap in one statement, no transaction: writes `next` only if the counters are still
   * `expected`, and records `audit` with it. False when they had changed (or there is no such account);
   * the caller then decides again under the row lock.
   */
  swapCounters(input: { directoryId: string; accountId: string; expected: LockoutCounters; next: LockoutCounters; audit?: AuditEvent }): Promise<boolean>;
  /** A successful sign-in in one statement: markSignedIn, its audit event, the old session ended, the new one stored. */
  completeSignIn(input: { accountId: string; at: Date; audit: AuditEvent; endSessionHash: string | null; session: Insertable<SessionsTable>; rehash?: PasswordRehash }): Promise<void>;
}

/** An imported or outdated hash to replace by one made now, in the same UPDATE as the sign-in (S1). */
export interface PasswordRehash {
  readonly from: string;
  readonly to: string;
}

const COUNTERS_CLEARED = sql`failed_sign_ins = 0, lockouts = 0, locked_until = NULL, recent_failed_fingerprints = '{}', reset_code_failures = 0`;

// Only the hash that was verified is replaced: a reset that landed meanwhile keeps its new password.
const rehashed = (rehash: PasswordRehash | undefined) =>
  rehash ? sql`password_hash = CASE WHEN password_hash = ${rehash.from} THEN ${rehash.to} ELSE password_hash END` : sql`password_hash = password_hash`;

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
      await sql`UPDATE accounts SET ${COUNTERS_CLEARED}, last_sign_in_at = ${at}, ${rehashed(rehash)} WHERE id = ${accountId}`.execute(db);
    },

    async swapCounters({ directoryId, accountId, expected, next, audit }) {
      const { rows } = await sql<{ n: number }>`
        WITH swapped AS (
          UPDATE accounts SET failed_sign_ins = ${next.failedSignIns}, lockouts = ${next.lockouts}, locked_until = ${next.lockedUntil}::timestamptz,
                 recent_failed_fingerprints = ${[...next.recentFailedFingerprints]}::text[]
           WHERE id = ${accountId} AND directory_id = ${directoryId} AND failed_sign_ins = ${expected.failedSignIns} AND lockouts = ${expected.lockouts}
             AND locked_until IS NOT DISTINCT FROM ${expected.lockedUntil}::timestamptz
             AND recent_failed_fingerprints = ${[...expected.recentFailedFingerprints]}::text[]
          RETURNING id),
        audited AS (INSERT INTO ${AUDIT_COLUMNS} SELECT * FROM (VALUES ${audit ? auditValues(audit) : sql`(NULL, NULL, NULL::uuid, NULL::uuid, NULL::uuid, NULL, NULL, NULL::jsonb)`}) v
                     WHERE ${audit !== undefined} AND EXISTS (SELECT 1 FROM swapped))
        SELECT count(*)::int AS n FROM swapped`.execute(db);
      return Number(rows[0]?.n ?? 0) === 1;
    },

    async completeSignIn({ accountId, at, audit, endSessionHash, session, rehash }) {
      await sql`
        WITH marked AS (UPDATE accounts SET ${COUNTERS_CLEARED}, last_sign_in_at = ${at}, ${rehashed(rehash)} WHERE id = ${accountId}),
        ended AS (UPDATE sessions SET revoked_at = ${at} WHERE id_hash = ${endSessionHash} AND revoked_at IS NULL),
        audited AS (INSERT INTO ${AUDIT_COLUMNS} VALUES ${auditValues(audit)})
        INSERT INTO sessions (id_hash, account_id, directory_id, last_seen_at, expires_at, ip, user_agent)
        VALUES (${session.id_hash}, ${session.account_id}, ${session.directory_id}, ${session.last_seen_at}, ${session.expires_at}, ${session.ip ?? null}, ${session.user_agent ?? null})`.execute(db);
    },
  };
}
