import { sql, type Kysely } from 'kysely';

// The rate-limit counters commit without waiting for their WAL record to reach the disk. Each upsert
// holds its counter's row lock until the statement's transaction commits, and with every request of a
// directory updating the same row (and of an address, when many come from one, as in the benchmark),
// requests queued on one fsync after another: on the development machine, three counters with two shared by every
// request, eight requests at a time, took at most 2,950 times a second, and 7,750 once the commit no
// longer waited, at half the client CPU per take.
//
// What it gives up: a PostgreSQL crash can lose the last few hundred milliseconds of increments (at most
// three times wal_writer_delay). Counters are short-lived anyway; Redis keeps them with no persistence at
// all. The commit is still atomic and seen by every other session at once, so a limit still admits
// exactly its maximum (L4): only durability is relaxed.
//
// A function of its own, because set_config(…, true) lasts until the end of the transaction: called
// inside a caller's transaction it would make that whole commit asynchronous. The counter store calls it
// only as a statement of its own (postgres-counter-store.ts refuses a transaction). Instances of the
// version before keep calling latchkey_take_rate_limits during a rolling upgrade.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION latchkey_take_rate_limits_nowait(keys text[], maxes integer[], windows integer[])
    RETURNS TABLE (i integer, points integer, ms_left float8)
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
      PERFORM set_config('synchronous_commit', 'off', true);
      RETURN QUERY SELECT * FROM latchkey_take_rate_limits(keys, maxes, windows);
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS latchkey_take_rate_limits_nowait(text[], integer[], integer[])`.execute(db);
}
