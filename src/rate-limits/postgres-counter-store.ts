import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { verdictOf, type CounterStore, type LimitRules } from './counter-store.ts';

// Counters in PostgreSQL: one upsert per hit, so concurrent hits on every instance queue on the row and
// each sees its own count (L4). A window that has ended restarts in the same statement.

const SWEEP_EVERY = 1000;

export function createPostgresCounterStore(db: Kysely<Database>, rules: LimitRules): CounterStore {
  let hits = 0;

  /** Ended windows are dead rows; each instance deletes a batch of them now and then, off the request path. */
  function sweepSometimes(): void {
    hits += 1;
    if (hits % SWEEP_EVERY !== 0) return;
    void sql`DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE expires_at < now() LIMIT 5000)`
      .execute(db)
      .catch(() => undefined);
  }

  return {
    async take(scope, key) {
      const rule = rules[scope];
      const { rows } = await sql<{ points: number; ms_left: number }>`
        INSERT INTO rate_limits AS r (key, points, expires_at)
        VALUES (${`${scope}:${key}`}, 1, now() + make_interval(secs => ${rule.windowSeconds}))
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.points + 1 END,
          expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
        RETURNING points, (extract(epoch FROM (expires_at - now())) * 1000)::float8 AS ms_left`.execute(db);
      sweepSometimes();
      const row = rows[0];
      if (!row) throw new Error('rate limit upsert returned no row');
      return verdictOf(row.points, rule, row.ms_left);
    },
    close: async () => undefined,
  };
}
