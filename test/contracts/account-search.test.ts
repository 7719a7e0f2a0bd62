import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { accountSearchQuery, searchAccounts } from '../../src/admin/users/account-search.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The Users page's search must stay an index lookup on a directory of any size: 20,000 accounts are
// enough for the planner to prefer an index over a scan when one fits, so a missing or unusable index
// shows up here as a Seq Scan.

describe('account search: prefix search uses the indexes', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  let directoryId: string;

  before(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDatabase(database.url);
    await migrateToLatest(db);
    directoryId = (await db.insertInto('directories').values({ slug: 'big', display_name: 'Big' }).returning('id').executeTakeFirstOrThrow()).id;
    await sql`
      INSERT INTO accounts (directory_id, email, email_canonical, username, username_canonical, display_name, password_hash)
      SELECT ${directoryId}, 'user' || i || '@example.com', 'user' || i || '@example.com', 'name' || i, 'name' || i, 'Person ' || md5(i::text), 'x'
      FROM generate_series(1, 20000) AS i`.execute(db);
    await sql`ANALYZE accounts`.execute(db);
  });
  after(async () => {
    await db.destroy();
    await drop();
  });

  async function plan(query: string, after?: string): Promise<string> {
    const compiled = accountSearchQuery(db, { directoryId, query, ...(after ? { after } : {}) }).compile();
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  for (const [label, query] of [['an email prefix', 'user1234'], ['a username prefix', 'name99'], ['a display-name prefix', 'person ab'], ['no query, a later page', '']] as const) {
    it(`${label}: no Seq Scan on accounts`, async (t) => {
      const explained = await plan(query, query === '' ? 'user5' : undefined);
      t.diagnostic(explained);
      assert.ok(!/Seq Scan on accounts/.test(explained), explained);
      assert.match(explained, query === '' ? /Index Scan using accounts_directory_email_unique/ : /Bitmap Index Scan on accounts_search_email[\s\S]*accounts_search_username[\s\S]*accounts_search_display_name/);
    });
  }

  it('finds by each column, pages by keyset and escapes LIKE wildcards', async () => {
    assert.deepEqual((await searchAccounts(db, { directoryId, query: 'USER1999@' })).rows.map((r) => r.email), ['user1999@example.com']);
    assert.deepEqual((await searchAccounts(db, { directoryId, query: 'name20000' })).rows.map((r) => r.email), ['user20000@example.com']);
    const first = await searchAccounts(db, { directoryId, query: 'user1' });
    assert.equal(first.rows.length, 25);
    assert.ok(first.next);
    const second = await searchAccounts(db, { directoryId, query: 'user1', after: first.next });
    assert.ok(second.rows.every((r) => r.email_canonical > first.next!));
    assert.deepEqual((await searchAccounts(db, { directoryId, query: 'user_' })).rows, []);
  });
});
