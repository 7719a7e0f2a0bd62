import type { Kysely } from 'kysely';
import type { Database, Directory } from '../storage/schema.ts';

// Who may reset a forgotten password themselves: nobody, everybody, or (scope `selected`) the members of
// the groups an administrator picked. One query either way, so the answer costs the same for a member,
// a non-member and an unknown account (R13).

export async function isResetAllowed(db: Kysely<Database>, directory: Directory, accountId: string | undefined): Promise<boolean> {
  // The scope is the directory's, the same for every request to it: skipping the query for None and All
  // reveals nothing about any account.
  if (directory.reset_scope !== 'selected') return directory.reset_scope === 'all';
  const member = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select('group_members.account_id')
    .where('group_members.account_id', '=', accountId ?? '00000000-0000-0000-0000-000000000000')
    .where('groups.directory_id', '=', directory.id)
    .where('groups.reset_allowed', '=', true)
    .limit(1)
    .executeTakeFirst();
  return member !== undefined;
}
