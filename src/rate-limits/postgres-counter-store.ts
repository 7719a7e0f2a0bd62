import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { ALLOWED, verdictOf, type CounterStore, type LimitRules } from './counter-store.ts';

// Counters in PostgreSQL: one upsert per hit, so concurrent hits on every instance queue on the row and
// each sees its own count (L4). A window that has ended restarts in the same upsert. All the hits of one
// request go in one statement (one round trip) to latchkey_take_rate_limits (migration 0060), which
// takes them in order and stops at the first one over its maximum, exactly as if they were taken one
// by one. They are taken through latchkey_take_rate_limits_nowait (0062), whose commit does not wait
// for the WAL flush: a shared counter's row lock is no longer held across an fsync.

const SWEEP_EVERY = 1000;

export function createPostgresCounterStore(db: Kysely<Database>, rules: LimitRules): CounterStore {
  // The asynchronous commit would spread to a caller's transaction and everything else it commits.
  if (db.isTransaction) throw new Error('rate-limit counters commit on their own: pass the database, not a transaction');
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
    async take(list) {
      if (list.length === 0) return ALLOWED;
      const { rows } = await sql<{ i: number; points: number; ms_left: number }>`SELECT i, points, ms_left FROM latchkey_take_rate_limits_nowait(${list.map((hit) => `${hit.scope}:${hit.key}`)}::text[], ${list.map((hit) => rules[hit.scope].max)}::integer[], ${list.map((hit) => rules[hit.scope].windowSeconds)}::integer[])`.execute(db);
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
