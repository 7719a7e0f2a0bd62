import type { Kysely } from 'kysely';
import type { Account, Database, Directory } from '../storage/schema.ts';

// Account look-ups every flow shares. Each flow's own writes live in that flow's store.

export interface AccountStore {
  /** By the directory's sign-in identifier (email or username), in canonical form (R11). */
  findByIdentifier(directory: Directory, canonical: string): Promise<Account | undefined>;
  findById(directoryId: string, id: string): Promise<Account | undefined>;
}

export function createAccountStore(db: Kysely<Database>): AccountStore {
  return {
    findByIdentifier: (directory, canonical) =>
      db
        .selectFrom('accounts')
        .selectAll()
        .where('directory_id', '=', directory.id)
        .where(directory.sign_in_identifier === 'username' ? 'username_canonical' : 'email_canonical', '=', canonical)
        .executeTakeFirst(),
    findById: (directoryId, id) =>
      db.selectFrom('accounts').selectAll().where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst(),
  };
}
