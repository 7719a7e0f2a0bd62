import type { Kysely } from 'kysely';
import type { Database, Directory, ResetScope } from '../storage/schema.ts';

// The directories table. Customer pages read rows through directory-cache.ts; the portal and the CLI
// read and write here, so an administrator always sees and changes what is stored.

export const DEFAULT_DIRECTORY_SLUG = 'default';

export interface DirectoryStore {
  findBySlug(slug: string): Promise<Directory | undefined>;
  list(): Promise<Directory[]>;
  ensureDefault(): Promise<Directory>;
  setResetScope(directoryId: string, scope: ResetScope): Promise<void>;
}

export function createDirectoryStore(db: Kysely<Database>): DirectoryStore {
  return {
    findBySlug: (slug) => db.selectFrom('directories').selectAll().where('slug', '=', slug).executeTakeFirst(),
    list: () => db.selectFrom('directories').selectAll().orderBy('slug').execute(),
    async ensureDefault() {
      await db
        .insertInto('directories')
        .values({ slug: DEFAULT_DIRECTORY_SLUG, display_name: 'Latchkey' })
        .onConflict((oc) => oc.column('slug').doNothing())
        .execute();
      return await db.selectFrom('directories').selectAll().where('slug', '=', DEFAULT_DIRECTORY_SLUG).executeTakeFirstOrThrow();
    },
    async setResetScope(directoryId, scope) {
      await db.updateTable('directories').set({ reset_scope: scope, updated_at: new Date() }).where('id', '=', directoryId).execute();
    },
  };
}
