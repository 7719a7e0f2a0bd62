import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AuditScope } from './audit-query.ts';

// The password reset funnel, per UTC day, read from the audit log: flows in which a reset was requested,
// flows whose code was verified, and resets completed. Requests count unknown identifiers too (the
// response is the same for them, R12), so the first step is always the widest.

export interface FunnelDay {
  readonly day: string;
  readonly requested: number;
  readonly verified: number;
  readonly completed: number;
}

export const FUNNEL_DAYS_DEFAULT = 14;
export const FUNNEL_DAYS_MAX = 90;

export async function resetFunnel(db: Kysely<Database>, scope: AuditScope, days: number): Promise<FunnelDay[]> {
  const inScope = scope === 'all' ? sql`true` : scope.length ? sql`e.directory_id IN (${sql.join([...scope])})` : sql`false`;
  const { rows } = await sql<{ day: string; requested: number; verified: number; completed: number }>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
      count(DISTINCT e.detail->>'flowId') FILTER (WHERE e.type = 'reset_requested')::int AS requested,
      count(DISTINCT e.detail->>'flowId') FILTER (WHERE e.type = 'reset_code_verified')::int AS verified,
      count(e.id) FILTER (WHERE e.type = 'reset_completed')::int AS completed
    FROM generate_series((now() AT TIME ZONE 'UTC')::date - ${days - 1}::int, (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
    LEFT JOIN audit_events e
      ON e.created_at >= (d.day AT TIME ZONE 'UTC') AND e.created_at < ((d.day + interval '1 day') AT TIME ZONE 'UTC')
      AND e.type IN ('reset_requested', 'reset_code_verified', 'reset_completed') AND ${inScope}
    GROUP BY d.day
    ORDER BY d.day DESC`.execute(db);
  return rows;
}
