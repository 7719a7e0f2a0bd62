import { sql, type Kysely } from 'kysely';

// The audit log page filters by directory, type, account and date and pages newest first by id, and the
// retention job deletes by age: an index for each, led by the column the filter pins. Installation
// settings (the retention period) are rows here, so every instance reads the same value.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_events_created_at').on('audit_events').column('created_at').execute();
  await db.schema.createIndex('audit_events_directory_id_id').on('audit_events').columns(['directory_id', 'id']).execute();
  await db.schema.createIndex('audit_events_type_id').on('audit_events').columns(['type', 'id']).execute();
  await db.schema.createIndex('audit_events_account_id_id').on('audit_events').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('audit_events_admin_id_id').on('audit_events').columns(['admin_id', 'id']).execute();

  await db.schema
    .createTable('installation_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('installation_settings').execute();
  for (const index of ['audit_events_created_at', 'audit_events_directory_id_id', 'audit_events_type_id', 'audit_events_account_id_id', 'audit_events_admin_id_id']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
