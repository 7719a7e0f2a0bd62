import { sql, type Kysely } from 'kysely';

// Rate-limit counters when no Redis is configured, and the insurance store while Redis is down. One row
// per key and fixed window; the upsert in postgres-counter-store.ts increments it atomically, so every
// instance shares one count. Rows past their window are deleted from time to time; none is needed
// after it expires.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_expires_at').on('rate_limits').column('expires_at').execute();
  // Counters are rewritten on every limited request: keep the table's pages mostly free for HOT updates.
  await sql`ALTER TABLE rate_limits SET (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
