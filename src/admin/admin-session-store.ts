import type { Kysely } from 'kysely';
import { randomToken, sha256 } from '../domain/secrets.ts';
import type { Database } from '../storage/schema.ts';

// Portal sessions: a 256-bit random cookie value (SE1) whose SHA-256 is the row key, so a leaked
// table yields no usable cookie. One absolute lifetime and no sliding renewal: an administrator signs
// in again every working day at most.

export const ADMIN_SESSION_SECONDS = 8 * 3600;

export interface SignedInAdmin {
  readonly adminId: string;
  readonly email: string;
  /** False: only `directoryIds` may be seen or opened (admin-guard.ts enforces it). */
  readonly allDirectories: boolean;
  readonly directoryIds: readonly string[];
}

/** Starts a new session and returns the cookie value; a fresh value on every sign-in (SE2). */
export async function startAdminSession(db: Kysely<Database>, adminId: string): Promise<string> {
  const token = randomToken();
  await db.transaction().execute(async (trx) => {
    // Housekeeping kept small and local: this admin's expired rows go when they sign in again.
    await trx.deleteFrom('admin_sessions').where('admin_id', '=', adminId).where('expires_at', '<=', new Date()).execute();
    await trx
      .insertInto('admin_sessions')
      .values({ id_hash: sha256(token), admin_id: adminId, expires_at: new Date(Date.now() + ADMIN_SESSION_SECONDS * 1000) })
      .execute();
  });
  return token;
}

export async function findAdminSession(db: Kysely<Database>, token: string | undefined): Promise<SignedInAdmin | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = await db
    .selectFrom('admin_sessions')
    .innerJoin('admins', 'admins.id', 'admin_sessions.admin_id')
    .select(['admins.id as adminId', 'admins.email as email', 'admins.all_directories as allDirectories'])
    .where('admin_sessions.id_hash', '=', sha256(token))
    .where('admin_sessions.expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return undefined;
  const directories = row.allDirectories
    ? []
    : await db.selectFrom('admin_directories').select('directory_id').where('admin_id', '=', row.adminId).execute();
  return { ...row, directoryIds: directories.map((d) => d.directory_id) };
}

/** Server-side sign-out: the row goes, so a replayed cookie finds nothing (SE5). */
export async function endAdminSession(db: Kysely<Database>, token: string | undefined): Promise<void> {
  if (!token || token.length > 100) return;
  await db.deleteFrom('admin_sessions').where('id_hash', '=', sha256(token)).execute();
}
