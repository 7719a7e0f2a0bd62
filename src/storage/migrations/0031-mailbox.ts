import { sql, type Kysely } from 'kysely';

// Mail that would have been sent, kept only while no SMTP server is configured, so a trial install can
// read its codes in the portal. Bounded by a row cap enforced on insert (src/mailbox/mailbox-store.ts).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mailbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('directory_id', 'uuid', (c) => c.references('directories.id').onDelete('cascade'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('mailbox_directory_id_id').on('mailbox').columns(['directory_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mailbox').execute();
}
