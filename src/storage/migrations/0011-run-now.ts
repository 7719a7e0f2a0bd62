import { type Kysely, sql } from 'kysely';

// "Run now": what a run needs to finish its own authorization code exchange (state, nonce, the PKCE
// verifier sealed), the customer flows started inside a run (so their mail lands in its test inbox),
// and the test inbox itself: sealed copies of the messages the run caused, as they were rendered.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('flow_runs')
    .addColumn('state_hash', 'text')
    .addColumn('nonce', 'text')
    .addColumn('pkce_verifier_sealed', 'text')
    .addColumn('ui_locales', 'text')
    // The authorize URL the run opens (it carries the run key and the PKCE challenge), for its page.
    .addColumn('authorize_url_sealed', 'text')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX flow_runs_state ON flow_runs (state_hash) WHERE state_hash IS NOT NULL`.execute(db);
  await db.schema.createIndex('flow_runs_expires').on('flow_runs').column('expires_at').execute();

  await db.schema
    .alterTable('flows')
    .addColumn('run_id', 'uuid', (c) => c.references('flow_runs.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('flow_run_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('flow_runs.id').onDelete('cascade'))
    .addColumn('outbox_id', 'bigint', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    // Subject, text and HTML as rendered, codes included, sealed under the instance key; gone with the run.
    .addColumn('content_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('flow_run_messages_outbox_unique', ['outbox_id'])
    .execute();
  await db.schema.createIndex('flow_run_messages_run').on('flow_run_messages').columns(['run_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('flow_run_messages').ifExists().execute();
  await db.schema.alterTable('flows').dropColumn('run_id').execute();
  await sql`DROP INDEX IF EXISTS flow_runs_state`.execute(db);
  await db.schema.alterTable('flow_runs').dropColumn('state_hash').dropColumn('nonce').dropColumn('pkce_verifier_sealed').dropColumn('ui_locales').dropColumn('authorize_url_sealed').dropColumn('completed_at').execute();
}
