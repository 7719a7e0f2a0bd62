import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createPostgresCounterStore } from '../../src/rate-limits/postgres-counter-store.ts';
import type { CounterStore, LimitRules } from '../../src/rate-limits/counter-store.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The rate-limit counters kept in PostgreSQL (no REDIS_URL, or Redis down), against real PostgreSQL:
// what they count, where a chain of counters stops, and that concurrent hits from every instance are
// counted one by one (L4, and R5's limits resting on them).

const RULES: LimitRules = {
  ip: { max: 3, windowSeconds: 60 },
  identifier: { max: 100, windowSeconds: 300 },
  directory: { max: 10, windowSeconds: 60 },
};

describe('rate-limit counters (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let store: CounterStore;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    store = createPostgresCounterStore(db, RULES);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  const points = async (key: string) => (await db.selectFrom('rate_limits').select('points').where('key', '=', key).executeTakeFirst())?.points;

  it('L4: 40 hits at once on one counter admit exactly its maximum, and every hit is counted', async () => {
    // Two pools, as two instances would have.
    const otherDb = createDatabase(database.url);
    try {
      const other = createPostgresCounterStore(otherDb, RULES);
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).take([{ scope: 'directory', key: 'flood' }])));
      assert.equal(verdicts.filter((v) => v.allowed).length, 10);
      assert.equal(await points('directory:flood'), 40);
    } finally {
      await otherDb.destroy();
    }
  });

  it('the first counter over its maximum stops the chain: the counters after it are not touched', async () => {
    const hits = [{ scope: 'ip', key: '192.0.2.7' }, { scope: 'identifier', key: 'someone' }] as const;
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await store.take(hits));
    assert.deepEqual(verdicts.map((v) => v.allowed), [true, true, true, false, false]);
    assert.equal(await points('ip:192.0.2.7'), 5);
    assert.equal(await points('identifier:someone'), 3, 'counted only while the address was allowed');
    const refused = verdicts.at(-1)!;
    assert.ok(refused.retryAfterSeconds >= 59 && refused.retryAfterSeconds <= 60, `Retry-After ${refused.retryAfterSeconds}`);
  });

  it('a refusal by a later counter is reported with its own window, after the earlier ones counted the hit', async () => {
    const hits = (n: number) => [{ scope: 'directory', key: `busy-${n}` }, { scope: 'identifier', key: 'capped' }] as const;
    await db.insertInto('rate_limits').values({ key: 'identifier:capped', points: 100, expires_at: new Date(Date.now() + 200_000) }).execute();
    const verdict = await store.take(hits(1));
    assert.equal(verdict.allowed, false);
    assert.ok(verdict.retryAfterSeconds > 190 && verdict.retryAfterSeconds <= 200, `Retry-After ${verdict.retryAfterSeconds}`);
    assert.equal(await points('directory:busy-1'), 1);
    assert.equal(await points('identifier:capped'), 101);
  });

  it('a window that has ended starts again at one point, with a new window', async () => {
    for (let i = 0; i < 4; i++) await store.take([{ scope: 'ip', key: '198.51.100.9' }]);
    assert.equal((await store.take([{ scope: 'ip', key: '198.51.100.9' }])).allowed, false);
    await db.updateTable('rate_limits').set({ expires_at: new Date(Date.now() - 1000) }).where('key', '=', 'ip:198.51.100.9').execute();
    assert.equal((await store.take([{ scope: 'ip', key: '198.51.100.9' }])).allowed, true);
    const row = await db.selectFrom('rate_limits').selectAll().where('key', '=', 'ip:198.51.100.9').executeTakeFirstOrThrow();
    assert.equal(row.points, 1);
    const secondsLeft = (row.expires_at.getTime() - Date.now()) / 1000;
    assert.ok(secondsLeft > 55 && secondsLeft <= 60, `${secondsLeft} s left`);
  });

  it('keys are data: quotes, commas, braces and backslashes in a key reach the row as they are', async () => {
    const key = `a"b,c{d}e\\f'g h`;
    assert.equal((await store.take([{ scope: 'identifier', key }])).allowed, true);
    assert.equal(await points(`identifier:${key}`), 1);
  });

  it('the counters commit without waiting for the WAL flush, in their own statement only: no caller\'s transaction is touched', async () => {
    await db.connection().execute(async (connection) => {
      // Read after the function has run, in the same statement: the setting its transaction commits with.
      const { rows } = await sql<{ setting: string }>`SELECT current_setting('synchronous_commit') AS setting
        FROM (SELECT count(*) FROM latchkey_take_rate_limits_nowait(ARRAY['ip:203.0.113.1'], ARRAY[10], ARRAY[60])) taken`.execute(connection);
      assert.equal(rows[0]?.setting, 'off');
      const after = await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(connection);
      assert.equal(after.rows[0]?.synchronous_commit, 'on', 'the connection keeps its own setting for what it runs next');
    });
    await db.transaction().execute(async (trx) => {
      assert.throws(() => createPostgresCounterStore(trx, RULES), /not a transaction/);
    });
  });
});
