import { mkdtemp, rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { createDatabase } from '../src/storage/database.ts';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { createTestDatabase } from '../test/support/test-database.ts';

/**
 * A fresh database for one benchmark, on the server BENCH_DATABASE_URL or TEST_DATABASE_URL names, or
 * else on an embedded cluster started for the run; dropped afterwards.
 */
export async function withBenchDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const clusterDir = serverUrl ? undefined : await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-pg-'));
  const cluster = clusterDir ? await startEmbeddedPostgres(clusterDir, { persistent: false }) : undefined;
  process.env.TEST_DATABASE_URL = serverUrl ?? cluster?.url;
  const database = await createTestDatabase();
  try {
    return await work(database.url);
  } finally {
    await database.drop();
    await cluster?.stop();
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  }
}

/**
 * Waits (up to a minute) until no mail is pending, so one scenario's deliveries are not counted in the
 * next. Resolves with the mail that was pending when it was called and how long that took to go.
 */
export async function outboxDrained(databaseUrl: string): Promise<{ pending: number; ms: number }> {
  const db = createDatabase(databaseUrl);
  const started = performance.now();
  let pending: number | undefined;
  for (let i = 0; i < 600; i++) {
    const row = await db.selectFrom('outbox').select(sql<number>`count(*)::int`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    pending ??= row.n;
    if (row.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await db.destroy();
  return { pending: pending ?? 0, ms: performance.now() - started };
}
