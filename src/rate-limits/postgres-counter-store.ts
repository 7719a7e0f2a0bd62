import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { ALLOWED, verdictOf, type CounterStore, type Hit, type LimitRules } from './counter-store.ts';

// Counters in PostgreSQL: one upsert per hit, so concurrent hits on every instance queue on the row and
// each sees its own count (L4). A window that has ended restarts in the same statement. All the hits of
// one request go in one statement (one round trip), chained so that a counter is only touched when every
// counter before it allowed the hit, exactly as if they were taken one by one.

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

  /** The upsert of hit `i`; it only runs when hit `i - 1` returned a row within its rule's maximum. */
  function upsert(hit: Hit, i: number, previous: Hit | undefined): RawBuilder<unknown> {
    const rule = rules[hit.scope];
    const gate = previous ? sql`WHERE (SELECT points FROM ${sql.ref(`h${i - 1}`)}) <= ${rules[previous.scope].max}` : sql``;
    return sql`${sql.ref(`h${i}`)} AS (
        INSERT INTO rate_limits AS r (key, points, expires_at)
        SELECT ${`${hit.scope}:${hit.key}`}, 1, now() + make_interval(secs => ${rule.windowSeconds}) ${gate}
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.points + 1 END,
          expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
        RETURNING points, (extract(epoch FROM (expires_at - now())) * 1000)::float8 AS ms_left)`;
  }

  return {
    async take(list) {
      if (list.length === 0) return ALLOWED;
      const ctes = list.map((hit, i) => upsert(hit, i, list[i - 1]));
      const selects = list.map((_, i) => sql`SELECT ${i}::int AS i, points, ms_left FROM ${sql.ref(`h${i}`)}`);
      const { rows } = await sql<{ i: number; points: number; ms_left: number }>`WITH ${sql.join(ctes)} ${sql.join(selects, sql` UNION ALL `)}`.execute(db);
      sweepSometimes();
      if (rows.length === 0) throw new Error('rate limit upsert returned no row');
      for (const row of [...rows].sort((a, b) => a.i - b.i)) {
        const hit = list[row.i];
        if (!hit) continue;
        const verdict = verdictOf(row.points, rules[hit.scope], row.ms_left);
        if (!verdict.allowed) return verdict;
      }
      return ALLOWED;
    },
    close: async () => undefined,
  };
}
