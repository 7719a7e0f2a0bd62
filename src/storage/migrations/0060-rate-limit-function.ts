import { sql, type Kysely } from 'kysely';

// The rate-limit upserts as a function, so a request's counters cost PostgreSQL one small statement:
// PL/pgSQL plans the upsert once per connection and keeps the plan, where the same upserts chained in
// one WITH statement were parsed and planned again for every request: 0.39-0.47 ms of PostgreSQL's CPU
// for three counters, against 0.17 ms for the function, on the 2-core machine BENCHMARKS.md's figures
// come from. The semantics are that statement's, which instances still running the older version keep
// sending during a rolling upgrade: each counter gains a point, or restarts when its window has ended,
// and returns its row; the first counter over its maximum stops the chain, so the ones after it are not
// touched (postgres-counter-store.ts).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION latchkey_take_rate_limits(keys text[], maxes integer[], windows integer[])
    RETURNS TABLE (i integer, points integer, ms_left float8)
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
      FOR k IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        INSERT INTO rate_limits AS r (key, points, expires_at)
        VALUES (keys[k], 1, now() + make_interval(secs => windows[k]))
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.points + 1 END,
          expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
        RETURNING r.points, (extract(epoch FROM (r.expires_at - now())) * 1000)::float8
        INTO points, ms_left;
        i := k - 1;
        RETURN NEXT;
        EXIT WHEN points > maxes[k];
      END LOOP;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS latchkey_take_rate_limits(text[], integer[], integer[])`.execute(db);
}
