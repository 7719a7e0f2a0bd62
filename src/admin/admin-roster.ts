import { sql, type Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../storage/schema.ts';
import { insertAdmin, prepareAdmin, type AdminActor, type CreateAdminResult } from './admin-store.ts';

// Administrators managed from the portal: list, add (with an initial password the new administrator
// signs in with), remove. Additions and removals take one advisory lock, so two administrators removing
// each other at once cannot leave the installation without anyone who can manage it.

export interface AdminListing {
  readonly id: string;
  readonly email: string;
  readonly allDirectories: boolean;
  readonly directoryIds: readonly string[];
  readonly createdAt: Date;
}

export interface NewPortalAdmin {
  readonly email: string;
  readonly password: string;
  readonly confirm: string;
  /** Undefined: every directory. */
  readonly directoryIds?: readonly string[];
}

export type RemoveAdminResult = 'removed' | 'self' | 'last' | 'missing';

const lockRoster = (trx: Kysely<Database>) => sql`SELECT pg_advisory_xact_lock(hashtext('latchkey:admin-roster'))`.execute(trx);

export async function listAdmins(db: Kysely<Database>): Promise<AdminListing[]> {
  const [admins, links] = await Promise.all([
    db.selectFrom('admins').select(['id', 'email', 'all_directories', 'created_at']).orderBy('email_canonical').execute(),
    db.selectFrom('admin_directories').select(['admin_id', 'directory_id']).execute(),
  ]);
  return admins.map((a) => ({
    id: a.id, email: a.email, allDirectories: a.all_directories, createdAt: a.created_at,
    directoryIds: links.filter((l) => l.admin_id === a.id).map((l) => l.directory_id),
  }));
}

export async function addPortalAdmin(db: Kysely<Database>, hasher: PasswordHasher, input: NewPortalAdmin, by: AdminActor): Promise<CreateAdminResult> {
  const prepared = await prepareAdmin(hasher, input.email, input.password, input.confirm);
  if (!prepared.ok) return prepared;
  return await db.transaction().execute(async (trx) => {
    await lockRoster(trx);
    const created = await insertAdmin(trx, prepared.admin, 'portal', by);
    if (!created.ok || !input.directoryIds) return created;
    await trx.updateTable('admins').set({ all_directories: false }).where('id', '=', created.id).execute();
    if (input.directoryIds.length) {
      await trx.insertInto('admin_directories').values(input.directoryIds.map((directory_id) => ({ admin_id: created.id, directory_id }))).execute();
    }
    return created;
  });
}

/** Removes an administrator (their sessions go with the row), never oneself nor the last one with every directory. */
export async function removeAdmin(db: Kysely<Database>, targetId: string, by: AdminActor): Promise<RemoveAdminResult> {
  if (targetId === by.adminId) return 'self';
  return await db.transaction().execute(async (trx) => {
    await lockRoster(trx);
    const target = await trx.selectFrom('admins').select(['id', 'email']).where('id', '=', targetId).executeTakeFirst();
    if (!target) return 'missing';
    const others = await trx.selectFrom('admins').select(sql<number>`count(*)::int`.as('n')).where('id', '!=', targetId).where('all_directories', '=', true).executeTakeFirstOrThrow();
    if (others.n === 0) return 'last';
    await trx.deleteFrom('admins').where('id', '=', targetId).execute();
    await recordAudit(trx, { type: 'admin_removed', outcome: 'success', adminId: by.adminId, ip: by.ip, userAgent: by.userAgent, detail: { removedAdminId: target.id, email: target.email } });
    return 'removed';
  });
}
