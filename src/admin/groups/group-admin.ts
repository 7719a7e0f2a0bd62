import type { Kysely } from 'kysely';
import { recordAudit, type AuditType } from '../../audit/audit-log.ts';
import { canonicalize } from '../../domain/identifier.ts';
import type { Database, Directory, Group } from '../../storage/schema.ts';
import type { AdminActor } from '../users/user-admin.ts';

// A directory's groups and their members. Names are unique per directory in canonical form, so "Staff"
// and "STAFF" cannot both exist. Each change and its audit row commit together.

export interface GroupSummary extends Group {
  readonly members: number;
}

export interface GroupMember {
  readonly id: string;
  readonly email: string;
  readonly display_name: string;
}

export const MAX_MEMBERS_SHOWN = 200;

export function createGroupAdmin(db: Kysely<Database>) {
  const audit = (trx: Kysely<Database>, directory: Directory, actor: AdminActor, type: AuditType, detail: Record<string, unknown>, accountId: string | null = null) =>
    recordAudit(trx, { type, outcome: 'success', directoryId: directory.id, accountId, adminId: actor.adminId, ip: actor.ip, userAgent: actor.userAgent, detail });

  const nameTaken = (trx: Kysely<Database>, directory: Directory, name: string, exceptId?: string) => {
    let query = trx.selectFrom('groups').select('id').where('directory_id', '=', directory.id).where('name_canonical', '=', canonicalize(name));
    if (exceptId) query = query.where('id', '!=', exceptId);
    return query.executeTakeFirst();
  };

  return {
    list: (directory: Directory): Promise<GroupSummary[]> =>
      db.selectFrom('groups')
        .selectAll('groups')
        .select((eb) => eb.selectFrom('group_members').select((e) => e.fn.countAll<string>().as('n')).whereRef('group_members.group_id', '=', 'groups.id').as('count'))
        .where('directory_id', '=', directory.id)
        .orderBy('name_canonical')
        .execute()
        .then((rows) => rows.map(({ count, ...group }) => ({ ...group, members: Number(count ?? 0) }))),

    find: (directory: Directory, id: string) =>
      db.selectFrom('groups').selectAll().where('directory_id', '=', directory.id).where('id', '=', id).executeTakeFirst(),

    members: (group: Group): Promise<GroupMember[]> =>
      db.selectFrom('group_members')
        .innerJoin('accounts', 'accounts.id', 'group_members.account_id')
        .select(['accounts.id', 'accounts.email', 'accounts.display_name'])
        .where('group_members.group_id', '=', group.id)
        .orderBy('accounts.email_canonical')
        .limit(MAX_MEMBERS_SHOWN)
        .execute(),

    create: (directory: Directory, name: string, actor: AdminActor) =>
      db.transaction().execute(async (trx): Promise<{ id: string } | 'duplicate'> => {
        if (await nameTaken(trx, directory, name)) return 'duplicate';
        const row = await trx.insertInto('groups').values({ directory_id: directory.id, name, name_canonical: canonicalize(name) })
          .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
        if (!row) return 'duplicate';
        await audit(trx, directory, actor, 'admin_group_created', { groupId: row.id, name });
        return { id: row.id };
      }),

    rename: (directory: Directory, group: Group, name: string, actor: AdminActor) =>
      db.transaction().execute(async (trx): Promise<'renamed' | 'duplicate'> => {
        if (await nameTaken(trx, directory, name, group.id)) return 'duplicate';
        await trx.updateTable('groups').set({ name, name_canonical: canonicalize(name) }).where('id', '=', group.id).execute();
        await audit(trx, directory, actor, 'admin_group_renamed', { groupId: group.id, from: group.name, to: name });
        return 'renamed';
      }),

    remove: (directory: Directory, group: Group, actor: AdminActor) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('groups').where('id', '=', group.id).execute();
        await audit(trx, directory, actor, 'admin_group_deleted', { groupId: group.id, name: group.name });
      }),

    /** False when the account is not in this directory; adding a member twice changes nothing. */
    addMember: (directory: Directory, group: Group, accountId: string, actor: AdminActor) =>
      db.transaction().execute(async (trx) => {
        const account = await trx.selectFrom('accounts').select('id').where('directory_id', '=', directory.id).where('id', '=', accountId).executeTakeFirst();
        if (!account) return false;
        const added = await trx.insertInto('group_members').values({ group_id: group.id, account_id: accountId }).onConflict((oc) => oc.doNothing()).returning('group_id').executeTakeFirst();
        if (added) await audit(trx, directory, actor, 'admin_group_member_added', { groupId: group.id }, accountId);
        return true;
      }),

    removeMember: (directory: Directory, group: Group, accountId: string, actor: AdminActor) =>
      db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('group_members').where('group_id', '=', group.id).where('account_id', '=', accountId).executeTakeFirst();
        if (Number(removed.numDeletedRows) > 0) await audit(trx, directory, actor, 'admin_group_member_removed', { groupId: group.id }, accountId);
        return Number(removed.numDeletedRows) > 0;
      }),
  };
}

export type GroupAdmin = ReturnType<typeof createGroupAdmin>;
