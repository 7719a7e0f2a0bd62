import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { SMTP_CONNECTIONS } from '../../src/email/mail-transport.ts';
import { enqueueEmail } from '../../src/email/outbox.ts';
import { createDatabase } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { startChildLatchkey, startSilentSmtp, type ChildLatchkey } from '../support/child-latchkey.ts';
import { FormClient, type Page } from '../support/form-client.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { seedAccount } from '../support/test-latchkey.ts';
import { until } from '../support/until.ts';

// `npx tsx src/main.ts start` stopped with SIGTERM while a request is in flight: the request is answered,
// new connections are refused, mail it claimed but did not send goes back to the outbox, and the process
// exits 0. The request is made slow honestly: the test holds the account's row lock, so the sign-in waits
// in the database exactly as it would behind a concurrent attempt.

function connects(baseUrl: string): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Signs in as slow@example.com while `db` holds the account's row lock, sends the server SIGTERM once the
 * sign-in waits on that lock, runs `meanwhile` after shutdown has begun, then lets the lock go.
 * Resolves with the sign-in's answer.
 */
async function signInHeldThroughShutdown(db: Kysely<Database>, child: ChildLatchkey, meanwhile: () => Promise<void>): Promise<Page> {
  const { id } = await db.selectFrom('accounts').select('id').where('email', '=', 'slow@example.com').executeTakeFirstOrThrow();
  const client = new FormClient(child.baseUrl);
  await client.get('/d/default/signin');
  return db.connection().execute(async (connection) => {
    await sql`BEGIN`.execute(connection);
    await sql`SELECT id FROM accounts WHERE id = ${id} FOR UPDATE`.execute(connection);
    const inFlight = client.post('/d/default/signin', { identifier: 'slow@example.com', password: 'patient password 1' }, { follow: false });
    await until('the sign-in waiting on the row lock', async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
      return (rows[0]?.n ?? 0) > 0;
    });
    process.kill(child.serverPid, 'SIGTERM');
    await until('shutdown to begin', () => child.output().includes('shutting down'));
    await meanwhile();
    await sql`COMMIT`.execute(connection);
    return inFlight;
  });
}

describe('graceful shutdown', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSilentSmtp>>;
  let db: Kysely<Database>;
  before(async () => {
    database = await createTestDatabase();
    smtp = await startSilentSmtp();
    db = createDatabase(database.url, { max: 3 });
  });
  after(async () => {
    await db?.destroy();
    await smtp?.close();
    await database?.drop();
  });

  it('SIGTERM during a slow request: it completes, new connections are refused, unsent mail is handed back, exit 0', async () => {
    const child = await startChildLatchkey({ DATABASE_URL: database.url, SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_MS: '1500' });
    try {
      await seedAccount(db, { email: 'slow@example.com', password: 'patient password 1' });
      const directory = await db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
      const hanging = Array.from({ length: SMTP_CONNECTIONS }, (_, i) => `hanging-${i}@example.com`);
      await db.transaction().execute(async (trx) => {
        for (const to of [...hanging, 'waiting@example.com']) {
          await enqueueEmail(trx, { directoryId: directory.id, template: 'password_changed', locale: 'en', to, payload: { signInUrl: 'http://latchkey.test/d/default/signin' } });
        }
      });
      // The dispatcher claims them all; one send per SMTP connection hangs on the silent server, and the
      // last mail queued waits its turn.
      await until('every mail claimed', async () => (await db.selectFrom('outbox').select('id').where('claimed_until', 'is not', null).execute()).length === hanging.length + 1);

      const lock = await signInHeldThroughShutdown(db, child, async () => {
        // undici pools connections per origin, and a refused connect fails the whole pool: probe over a raw socket.
        assert.equal(await connects(child.baseUrl), false, 'a new connection is refused');
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(child.process.exitCode, null, 'still running while the request is in flight');
      });
      assert.equal(lock.status, 303, 'the in-flight sign-in was answered, and succeeded');
      assert.equal(await child.exited, 0, child.output());
      assert.match(child.output(), /shut down cleanly/);

      const rows = await db.selectFrom('outbox').select(['to_address', 'status', 'claimed_until', 'attempts']).orderBy('id').execute();
      const waiting = rows.pop();
      assert.deepEqual(rows.map((r) => r.to_address), hanging);
      assert.ok(rows.every((r) => r.claimed_until), 'the sends still hanging keep their leases: they may yet have gone out');
      assert.deepEqual(waiting, { to_address: 'waiting@example.com', status: 'pending', claimed_until: null, attempts: 0 });
    } finally {
      if (child.process.exitCode === null) child.kill();
    }
  });

  it('SIGTERM on the embedded default: the cluster outlives the request in flight, then stops, exit 0', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-graceful-'));
    const child = await startChildLatchkey({ LATCHKEY_DATA_DIR: dataDir, SMTP_URL: smtp.url, SHUTDOWN_TIMEOUT_MS: '1500' });
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    // The cluster's port is in its pid file, its password beside it.
    const port = (await readFile(pidFile, 'utf8')).split('\n')[3]?.trim();
    const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    const embedded = createDatabase(`postgres://latchkey:${encodeURIComponent(password)}@127.0.0.1:${port}/latchkey`, { max: 2 });
    try {
      await seedAccount(embedded, { email: 'slow@example.com', password: 'patient password 1' });
      // The lock is let go 300 ms into the shutdown, through the embedded cluster: it must still be up.
      const answered = await signInHeldThroughShutdown(embedded, child, () => new Promise((resolve) => setTimeout(resolve, 300)));
      assert.equal(answered.status, 303, 'the in-flight sign-in was answered, and succeeded');
      await embedded.destroy();
      assert.equal(await child.exited, 0, child.output());
      assert.match(child.output(), /shut down cleanly/);
      assert.doesNotMatch(child.output(), /not hearing database notices/, 'the cluster stopped after Latchkey, not before');
      assert.equal(existsSync(pidFile), false, 'the cluster stopped with Latchkey');
    } finally {
      await embedded.destroy().catch(() => undefined);
      if (child.process.exitCode === null) child.kill();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
