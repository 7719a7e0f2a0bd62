import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import pg from 'pg';
import { auditRetentionDays, createAuditRetentionJob, pruneAuditEvents, setAuditRetentionDays } from '../../src/audit/audit-retention.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The audit retention job against real PostgreSQL: rows past the period go, in batches, recent ones stay;
// the period comes from the database; and only one instance prunes at a time.

describe('audit retention (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });
  beforeEach(async () => {
    await db.deleteFrom('audit_events').execute();
    await db.deleteFrom('installation_settings').execute();
  });

  /** `n` events aged `days` days, tagged so the survivors can be told apart. */
  async function seed(days: number, n: number): Promise<void> {
    await sql`INSERT INTO audit_events (type, outcome, detail, created_at)
      SELECT 'sign_in', 'success', jsonb_build_object('age', ${days}::int), now() - make_interval(days => ${days}::int)
      FROM generate_series(1, ${n}::int)`.execute(db);
  }
  const ages = async () => (await db.selectFrom('audit_events').select('detail').execute()).map((r) => r.detail.age as number);

  it('removes events older than the default 90 days, in batches, and keeps recent ones', async () => {
    await seed(200, 23);
    await seed(91, 5);
    await seed(89, 4);
    await seed(0, 3);
    assert.equal(await auditRetentionDays(db), 90);
    assert.equal(await pruneAuditEvents(db, { batch: 7 }), 28);
    assert.deepEqual((await ages()).sort((a, b) => a - b), [0, 0, 0, 89, 89, 89, 89]);
    assert.equal(await pruneAuditEvents(db, { batch: 7 }), 0, 'a second run finds nothing more');
  });

  it('follows the period stored in the database', async () => {
    await seed(40, 2);
    await seed(20, 2);
    await db.transaction().execute((trx) => setAuditRetentionDays(trx, 30));
    assert.equal(await auditRetentionDays(db), 30);
    assert.equal(await pruneAuditEvents(db), 2);
    assert.deepEqual(await ages(), [20, 20]);
  });

  it('skips the run while another instance holds the lock, and deletes nothing', async () => {
    await seed(400, 3);
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('latchkey:audit-retention'))`);
      assert.equal(await pruneAuditEvents(db), undefined);
      assert.equal((await ages()).length, 3);
      await other.query(`SELECT pg_advisory_unlock(hashtext('latchkey:audit-retention'))`);
      assert.equal(await pruneAuditEvents(db), 3);
    } finally {
      await other.end();
    }
  });

  it('the scheduled job prunes on its timer and stops cleanly', async () => {
    await seed(100, 4);
    await seed(1, 1);
    const job = createAuditRetentionJob({ db, logger: pino({ level: 'silent' }), firstRunMs: 10, intervalMs: 10_000 });
    job.start();
    const deadline = Date.now() + 5000;
    while ((await ages()).length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await job.stop();
    assert.deepEqual(await ages(), [1]);
  });
});
