import { sql, type Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { canonicalize, isValidEmail, tidyEmail } from '../domain/identifier.ts';
import type { Database } from '../storage/schema.ts';
import { ADMIN_PASSWORD_LIMITS, checkAdminPassword } from './admin-password-policy.ts';
import { adminText, passwordProblemText } from './portal/admin-messages.ts';

// Administrators live in their own table, apart from every directory's customers: no customer flow
// can reach an admin row, and an admin is not a customer of any directory.

export type CreateAdminFailure = { ok: false; reason: 'invalid_email' | 'weak_password' | 'duplicate_email'; message: string };
export type CreateAdminResult = { ok: true; id: string } | CreateAdminFailure;

/** How an administrator came to exist, kept in the audit row. */
export type AdminOrigin = 'cli' | 'environment' | 'setup_link' | 'portal';

export interface PreparedAdmin {
  readonly email: string;
  readonly emailCanonical: string;
  readonly passwordHash: string;
}

export interface AdminCredentials {
  readonly id: string;
  readonly email: string;
  readonly password_hash: string;
}

/** Validates the email and the password (policy, confirmation), then hashes; nothing is written. */
export async function prepareAdmin(hasher: PasswordHasher, email: string, password: string, confirmation?: string): Promise<{ ok: true; admin: PreparedAdmin } | CreateAdminFailure> {
  if (!isValidEmail(email)) return { ok: false, reason: 'invalid_email', message: adminText('invalidEmail') };
  const tidy = tidyEmail(email);
  const problem = checkAdminPassword(tidy, password, confirmation);
  if (problem) return { ok: false, reason: 'weak_password', message: passwordProblemText(problem, ADMIN_PASSWORD_LIMITS) };
  return { ok: true, admin: { email: tidy, emailCanonical: canonicalize(tidy), passwordHash: await hasher.hash(password) } };
}

/** Inserts a prepared administrator and its audit row; the unique index, not a prior read, settles duplicates. */
export async function insertAdmin(executor: Kysely<Database>, admin: PreparedAdmin, origin: AdminOrigin, by?: AdminActor): Promise<CreateAdminResult> {
  const row = await executor
    .insertInto('admins')
    .values({ email: admin.email, email_canonical: admin.emailCanonical, password_hash: admin.passwordHash })
    .onConflict((oc) => oc.column('email_canonical').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'duplicate_email', message: adminText('duplicateEmail') };
  await recordAudit(executor, {
    type: 'admin_created', outcome: 'success', adminId: by?.adminId ?? row.id, ip: by?.ip ?? null, userAgent: by?.userAgent ?? null,
    detail: by ? { origin, createdAdminId: row.id, email: admin.email } : { origin },
  });
  return { ok: true, id: row.id };
}

/** The administrator acting in the portal, for the audit rows of what they change. */
export interface AdminActor {
  readonly adminId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export async function createAdmin(db: Kysely<Database>, hasher: PasswordHasher, email: string, password: string, origin: AdminOrigin = 'cli'): Promise<CreateAdminResult> {
  // A cheap look-up first, so a duplicate is reported without spending a hash on it.
  if (isValidEmail(email) && (await findAdminByEmail(db, email))) {
    return { ok: false, reason: 'duplicate_email', message: adminText('duplicateEmail') };
  }
  const prepared = await prepareAdmin(hasher, email, password);
  if (!prepared.ok) return prepared;
  return await db.transaction().execute((trx) => insertAdmin(trx, prepared.admin, origin));
}

export async function findAdminByEmail(db: Kysely<Database>, email: string): Promise<AdminCredentials | undefined> {
  return await db.selectFrom('admins').select(['id', 'email', 'password_hash']).where('email_canonical', '=', canonicalize(email)).executeTakeFirst();
}

export async function anyAdminExists(executor: Kysely<Database>): Promise<boolean> {
  const row = await executor.selectFrom('admins').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Serialises "is there an administrator yet?" decisions across instances for the rest of the
 * transaction: two instances starting together, or a setup link used while another instance starts,
 * must not both act on "none yet".
 */
export async function lockFirstAdminDecision(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('latchkey:first-admin'))`.execute(trx);
}
