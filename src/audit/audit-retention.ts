import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../storage/schema.ts';

// How long audit events are kept, and the job that removes older ones. The period is an installation
// setting stored in the database (edited in the portal), so every instance applies the same one.
// Every instance runs the timer; a session-level advisory lock taken with try-lock lets one of them do
// the work and the others skip that round. Deletes go in batches so no statement holds many row locks
// or one long transaction, and new events keep being written meanwhile.

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const MIN_AUDIT_RETENTION_DAYS = 1;
export const MAX_AUDIT_RETENTION_DAYS = 3650;
const SETTING = 'audit_retention_days';
const LOCK = sql`hashtext('latchkey:audit-retention')`;

export async function auditRetentionDays(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('installation_settings').select('value').where('name', '=', SETTING).executeTakeFirst();
  const value = row?.value;
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_AUDIT_RETENTION_DAYS ? value : DEFAULT_AUDIT_RETENTION_DAYS;
}

/** Stores the period; returns the previous value, for the audit row the caller writes in the same transaction. */
export async function setAuditRetentionDays(trx: Kysely<Database>, days: number): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('latchkey:installation-settings'))`.execute(trx);
  const before = await auditRetentionDays(trx);
  await trx
    .insertInto('installation_settings')
    .values({ name: SETTING, value: JSON.stringify(days) })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: JSON.stringify(days), updated_at: new Date() }))
    .execute();
  return before;
}

/** Deletes events older than the retention period, `batch` rows per statement. Resolves with how many went, or undefined if another instance holds the lock. */
export async function pruneAuditEvents(db: Kysely<Database>, options: { now?: Date; batch?: number } = {}): Promise<number | undefined> {
  const batch = options.batch ?? 5000;
  const days = await auditRetentionDays(db);
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  // One pooled connection for the whole run: a session-level lock belongs to the connection that took it.
  return await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${LOCK}) AS locked`.execute(conn);
    if (!rows[0]?.locked) return undefined;
    try {
      let total = 0;
      for (;;) {
        const result = await conn
          .deleteFrom('audit_events')
          .where('id', 'in', (eb) => eb.selectFrom('audit_events').select('id').where('created_at', '<', cutoff).orderBy('id').limit(batch))
          .executeTakeFirst();
        const deleted = Number(result.numDeletedRows);
        total += deleted;
        if (deleted < batch) return total;
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK})`.execute(conn);
    }
  });
}

export interface AuditRetentionJob {
  start(): void;
  stop(): Promise<void>;
}

/** Runs the prune shortly after start, then every `intervalMs` (an hour by default). */
export function createAuditRetentionJob(options: { db: Kysely<Database>; logger: Logger; intervalMs?: number; firstRunMs?: number }): AuditRetentionJob {
  const intervalMs = options.intervalMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const run = () => {
    running = pruneAuditEvents(options.db)
      .then((deleted) => {
        if (deleted) options.logger.info({ deleted }, 'old audit events removed');
      })
      .catch((error: unknown) => options.logger.warn({ err: (error as Error).message }, 'audit retention run failed; will retry'))
      .finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
  };
  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  }
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(options.firstRunMs ?? 30_000);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
