import { sql, type Kysely } from 'kysely';

// Every change to a directory row, whoever makes it (the portal, the command line, plain SQL), tells
// every listening instance at commit: each instance keeps directory settings in memory for a moment and
// drops them when told (src/directories/directory-cache.ts).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION latchkey_directories_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('latchkey_directories', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER directories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directories
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_directories_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER directories_changed ON directories`.execute(db);
  await sql`DROP FUNCTION latchkey_directories_changed()`.execute(db);
}
