import { type Kysely, sql } from 'kysely';

// Per directory: the languages it offers, its overrides of catalog strings, its own email templates and
// the sender its mail shows. `texts_version` goes up with every change to any of them, so each instance
// knows its cached copy is stale the next time it reads the directory row.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('directories')
    .addColumn('offered_locales', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{en,fr,nl,de,es}'::text[]`))
    .addColumn('texts_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mail_from_name', 'text')
    .addColumn('mail_reply_to', 'text')
    .execute();

  await db.schema
    .createTable('text_overrides')
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('text_overrides_pkey', ['directory_id', 'locale', 'key'])
    .execute();

  await db.schema
    .createTable('email_templates')
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('email_templates_pkey', ['directory_id', 'template', 'locale'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_templates').execute();
  await db.schema.dropTable('text_overrides').execute();
  await db.schema
    .alterTable('directories')
    .dropColumn('offered_locales')
    .dropColumn('texts_version')
    .dropColumn('mail_from_name')
    .dropColumn('mail_reply_to')
    .execute();
}
