import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { createDirectoryCache, type DirectoryCache } from '../../src/directories/directory-cache.ts';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import { DIRECTORY_CHANGE_CHANNEL } from '../../src/storage/migrations/0061-directory-change-notice.ts';
import { listenForNotices, NOTICE_APPLICATION_NAME, type NoticeListener } from '../../src/storage/notice-listener.ts';
import type { Database } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { until } from '../support/until.ts';

// The directory rows customer pages read from memory, against real PostgreSQL: kept while the change
// notices are heard, dropped on a change made through any connection (another instance, the CLI, plain
// SQL), and not kept at all while the notice connection is down, so no page is ever served from a row
// that may be out of date for longer than a notice takes to arrive.

describe('directory cache (PostgreSQL notices)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let other: Kysely<Database>;
  let listener: NoticeListener;
  let cache: DirectoryCache;
  let loads = 0;
  let slow: Promise<void> | undefined;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    // Another instance's pool: its changes reach this one only by notice.
    other = createDatabase(database.url);
    await migrateToLatest(db);
    const store = createDirectoryStore(db);
    await store.ensureDefault();
    cache = createDirectoryCache({
      load: async (slug) => {
        loads += 1;
        const row = await store.findBySlug(slug);
        await slow;
        return row;
      },
      trusted: () => listener.listening,
    });
    listener = listenForNotices({
      databaseUrl: database.url, channel: DIRECTORY_CHANGE_CHANNEL, logger: pino({ level: 'silent' }), retryMs: 50,
      onNotice: () => cache.forget(), onGap: () => cache.forget(),
    });
    await until('the listener to hear notices', () => listener.listening, 5000, 5);
  });
  after(async () => {
    await listener.close();
    await other.destroy();
    await db.destroy();
    await database.drop();
  });
  beforeEach(() => {
    loads = 0;
    slow = undefined;
  });

  const setName = (name: string) => other.updateTable('directories').set({ display_name: name }).where('slug', '=', 'default').execute();
  const nameNow = async () => (await cache.findBySlug('default'))?.display_name;

  it('a row once read is served from memory: a hundred page loads and a listener check, one statement', async () => {
    cache.forget();
    for (let i = 0; i < 100; i++) assert.equal((await cache.findBySlug('default'))?.slug, 'default');
    assert.equal(loads, 1);
    // The listener's own check is a notice on the same channel, heard by every instance: not a change.
    await listener.caughtUp();
    await cache.findBySlug('default');
    assert.equal(loads, 1, 'kept through the listener check');
    assert.ok(Object.isFrozen(await cache.findBySlug('default')), 'one object serves every request, so none may change it');
  });

  it('a change made through another pool is served within a second, and caughtUp() waits for it', async () => {
    await setName('Contoso');
    await listener.caughtUp();
    assert.equal(await nameNow(), 'Contoso');
    await nameNow();
    assert.equal(loads, 1, 'kept again after the change');
    await setName('Fabrikam');
    const ms = await until('the change to be served', async () => (await nameNow()) === 'Fabrikam', 1000, 5);
    assert.ok(ms <= 1000);
  });

  it('a change by plain SQL, outside any store, is heard too (the trigger is on the table)', async () => {
    await nameNow();
    await sql`UPDATE directories SET support_contact = 'help@contoso.example' WHERE slug = 'default'`.execute(other);
    await listener.caughtUp();
    assert.equal((await cache.findBySlug('default'))?.support_contact, 'help@contoso.example');
  });

  it('a read that started before a change is returned but not kept', async () => {
    cache.forget();
    let release!: () => void;
    slow = new Promise((resolve) => (release = resolve));
    const reading = cache.findBySlug('default');
    await until('the read to start', () => loads === 1, 1000, 5);
    await setName('Northwind');
    await listener.caughtUp();
    release();
    await reading;
    slow = undefined;
    assert.equal(await nameNow(), 'Northwind');
    assert.equal(loads, 2, 'the row read before the change was not kept');
  });

  it('unknown slugs are never kept: made-up names cannot fill memory', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await cache.findBySlug('no-such-directory'), undefined);
    assert.equal(loads, 3);
  });

  it('while the notice connection is down nothing is kept, so a change is seen at once; once it is back, rows are kept again', async () => {
    await nameNow();
    const [backend] = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE application_name = ${NOTICE_APPLICATION_NAME} AND datname = current_database()`.execute(other)).rows;
    assert.ok(backend, 'the listener has a backend of its own');
    await sql`SELECT pg_terminate_backend(${backend.pid})`.execute(other);
    await until('the listener to notice its connection is gone', () => !listener.listening, 2000, 5);
    await setName('Tailspin');
    assert.equal(await nameNow(), 'Tailspin', 'read from the table, not from memory');
    const before = loads;
    await nameNow();
    assert.equal(loads, before + 1, 'not kept while the notices are not heard');
    await until('the listener to hear notices', () => listener.listening, 5000, 5);
    await nameNow();
    const kept = loads;
    await nameNow();
    assert.equal(loads, kept, 'kept again once the notices are heard');
    await setName('Wingtip');
    await listener.caughtUp();
    assert.equal(await nameNow(), 'Wingtip');
  });

  it('a connection that stops hearing without failing (a partition, no reset) pauses caching within its check', async () => {
    // A proxy between a second listener and PostgreSQL that can stop passing bytes without closing.
    const target = new URL(database.url);
    let frozen = false;
    const sockets: Socket[] = [];
    const proxy: Server = createServer((inbound) => {
      const outbound = connect(Number(target.port || 5432), target.hostname);
      sockets.push(inbound, outbound);
      inbound.on('data', (chunk) => frozen || outbound.write(chunk));
      outbound.on('data', (chunk) => frozen || inbound.write(chunk));
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String((proxy.address() as { port: number }).port);
    let gaps = 0;
    const partitioned = listenForNotices({
      databaseUrl: viaProxy.href, channel: DIRECTORY_CHANGE_CHANNEL, logger: pino({ level: 'silent' }),
      retryMs: 10_000, checkMs: 100, checkTimeoutMs: 200, onNotice: () => undefined, onGap: () => (gaps += 1),
    });
    try {
      await until('the second listener to hear notices', () => partitioned.listening, 5000, 5);
      const gapsBefore = gaps;
      frozen = true;
      const ms = await until('caching to pause', () => !partitioned.listening, 2000, 5);
      assert.ok(ms < 1000, `caching paused ${ms} ms after the partition`);
      assert.equal(gaps, gapsBefore + 1, 'the owner was told to forget what it keeps');
    } finally {
      await partitioned.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
