import { sql, type Kysely } from 'kysely';

// Every change to the directories table, by any statement of any instance (the portal, the CLI, an
// operator's own SQL), sends a notice on one channel when its transaction commits. Each instance keeps
// the directory rows its customer pages use in memory (directory-cache.ts) and drops them on the notice.
// Once per statement and without a payload: directories change rarely, and an instance forgets them all.

export const DIRECTORY_CHANGE_CHANNEL = 'latchkey_directories';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION latchkey_directories_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
      PERFORM pg_notify(${sql.lit(DIRECTORY_CHANGE_CHANNEL)}, '');
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER directories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directories
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_directories_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS directories_changed ON directories`.execute(db);
  await sql`DROP FUNCTION IF EXISTS latchkey_directories_changed()`.execute(db);
}
