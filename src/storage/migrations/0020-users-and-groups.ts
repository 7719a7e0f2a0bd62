import { type Kysely, sql } from 'kysely';

// The admin portal's Users and Groups pages:
//  - prefix search on a million accounts: text_pattern_ops btrees, which serve `LIKE 'abc%'` whatever
//    the database's collation (a plain btree does only under "C"), and need no extension, so they work
//    on every PostgreSQL Latchkey runs on, embedded or not;
//  - "must change password at next sign-in" (R23);
//  - groups, and a reset scope of "selected": only members of groups marked `reset_allowed` may reset.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await sql`CREATE INDEX accounts_search_email ON accounts (directory_id, email_canonical text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX accounts_search_username ON accounts (directory_id, username_canonical text_pattern_ops) WHERE username_canonical IS NOT NULL`.execute(db);
  await sql`CREATE INDEX accounts_search_display_name ON accounts (directory_id, lower(display_name) text_pattern_ops)`.execute(db);

  await sql`ALTER TABLE directories DROP CONSTRAINT IF EXISTS directories_reset_scope_check`.execute(db);
  await sql`ALTER TABLE directories ADD CONSTRAINT directories_reset_scope_check CHECK (reset_scope IN ('none', 'all', 'selected'))`.execute(db);

  await db.schema
    .createTable('groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_canonical', 'text', (c) => c.notNull())
    .addColumn('reset_allowed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('groups_directory_name_unique', ['directory_id', 'name_canonical'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'account_id'])
    .execute();
  // "May this account reset?" goes from the account to its groups.
  await db.schema.createIndex('group_members_account').on('group_members').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_members').execute();
  await db.schema.dropTable('groups').execute();
  await sql`UPDATE directories SET reset_scope = 'none' WHERE reset_scope = 'selected'`.execute(db);
  await sql`ALTER TABLE directories DROP CONSTRAINT IF EXISTS directories_reset_scope_check`.execute(db);
  await sql`ALTER TABLE directories ADD CONSTRAINT directories_reset_scope_check CHECK (reset_scope IN ('none', 'all'))`.execute(db);
  await sql`DROP INDEX accounts_search_display_name, accounts_search_username, accounts_search_email`.execute(db);
  await db.schema.alterTable('accounts').dropColumn('must_change_password').execute();
}
