import type { Kysely } from 'kysely';

// Administrators limited to some directories. Existing administrators keep every directory.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('admins').addColumn('all_directories', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
  await db.schema
    .createTable('admin_directories')
    .addColumn('admin_id', 'uuid', (c) => c.notNull().references('admins.id').onDelete('cascade'))
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('admin_directories_pkey', ['admin_id', 'directory_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_directories').execute();
  await db.schema.alterTable('admins').dropColumn('all_directories').execute();
}
