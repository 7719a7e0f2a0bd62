import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.ts';

// Rows that are dead once their time has passed and are never read again: the provider's expired
// grants, codes, sessions and tokens, and expired "Run now" runs with their test inboxes (which hold
// sealed codes; they should not outlive the run). Every instance runs the sweeper; a transaction-level
// advisory lock lets one sweep at a time, and deletes go in batches so no sweep holds locks for long.

const LOCK_ID = 7_311_004; // any constant of Latchkey's own, the same on every instance
const BATCH = 5000;
const MAX_BATCHES = 20;

export interface ExpiredRowsSweeper {
  start(): void;
  /** One sweep now; resolves with how many rows went. Also for tests. */
  sweepOnce(): Promise<{ oidcPayloads: number; runs: number }>;
  stop(): Promise<void>;
}

export function createExpiredRowsSweeper(options: { db: Kysely<Database>; logger: Logger; intervalMs?: number }): ExpiredRowsSweeper {
  const { db, logger } = options;
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function batch(table: 'oidc_payloads' | 'flow_runs'): Promise<number> {
    return await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${LOCK_ID}) AS locked`.execute(trx);
      if (!rows[0]?.locked) return 0;
      // ctid keeps the batch a plain index range + delete, with no sort over the whole table.
      const result = await sql`DELETE FROM ${sql.table(table)} WHERE ctid IN (SELECT ctid FROM ${sql.table(table)} WHERE expires_at <= now() LIMIT ${BATCH})`.execute(trx);
      return Number(result.numAffectedRows ?? 0n);
    });
  }

  async function drain(table: 'oidc_payloads' | 'flow_runs'): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const removed = await batch(table);
      total += removed;
      if (removed < BATCH) break;
    }
    return total;
  }

  async function sweepOnce() {
    const oidcPayloads = await drain('oidc_payloads');
    const runs = await drain('flow_runs');
    if (oidcPayloads + runs > 0) logger.info({ oidcPayloads, runs }, 'expired rows removed');
    return { oidcPayloads, runs };
  }

  function tick(): void {
    running = sweepOnce().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'expired-row sweep failed; will retry'));
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      // A first sweep soon after start, not at once: start-up has enough to do.
      first = setTimeout(tick, Math.min(intervalMs, 30_000));
      first.unref();
    },
    sweepOnce,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      timer = undefined;
      await running;
    },
  };
}
