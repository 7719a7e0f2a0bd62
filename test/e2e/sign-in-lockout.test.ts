import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createLatchkey, type Latchkey } from '../../src/app.ts';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { setPassword } from '../../src/accounts/set-password.ts';
import { translator } from '../../src/i18n/i18n.ts';
import { FormClient, visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// Smart lockout against the real database, through HTTP, on one and on two instances.

const en = translator('en');
const PASSWORD = 'silver lighthouse evening 5';

describe('sign-in lockout', () => {
  let lk: TestLatchkey;
  let second: Latchkey;
  let secondUrl: string;

  before(async () => {
    lk = await startTestLatchkey({ HASH_QUEUE_LIMIT: '1000' });
    // A second instance on the same database: L1 is about counts shared by every instance.
    second = await createLatchkey(lk.config, pino({ level: 'silent' }), lk.databaseUrl);
    await second.server.listen({ port: 0, host: '127.0.0.1' });
    const address = second.server.server.address();
    secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await second?.close();
    await lk?.close();
  });

  async function attempt(baseUrl: string, identifier: string, password: string): Promise<Page> {
    const client = new FormClient(baseUrl);
    await client.get('/d/default/signin');
    return client.post('/d/default/signin', { identifier, password });
  }
  const counters = (id: string) =>
    lk.latchkey.db.selectFrom('accounts').select(['failed_sign_ins', 'lockouts', 'locked_until', 'recent_failed_fingerprints']).where('id', '=', id).executeTakeFirstOrThrow();
  const signedIn = (page: Page) => /\/account$/.test(page.url);
  const refused = (page: Page) => page.status === 400 && visibleText(page.body).includes(en('sign_in_failed'));
  /** As if the lock had run out, without waiting a minute. */
  const expireLock = (id: string) => lk.latchkey.db.updateTable('accounts').set({ locked_until: new Date(Date.now() - 1000) }).where('id', '=', id).execute();

  it('L1, L2: 10 different wrong passwords across two instances lock the account for 60 s; then even the right one is refused', async () => {
    const id = await lk.createAccount({ email: 'l1@example.com', password: PASSWORD });
    for (let i = 0; i < 10; i++) {
      assert.ok(refused(await attempt(i % 2 === 0 ? lk.baseUrl : secondUrl, 'l1@example.com', `wrong ${i}`)));
    }
    const row = await counters(id);
    assert.equal(row.lockouts, 1);
    const seconds = ((row.locked_until?.getTime() ?? 0) - Date.now()) / 1000;
    assert.ok(seconds > 50 && seconds <= 60, `locked for ${seconds} s`);
    assert.ok(refused(await attempt(lk.baseUrl, 'l1@example.com', PASSWORD)), 'locked: the right password is refused too');
    assert.ok(refused(await attempt(secondUrl, 'l1@example.com', PASSWORD)), 'on the other instance as well');
    await expireLock(id);
    assert.ok(signedIn(await attempt(secondUrl, 'l1@example.com', PASSWORD)), 'once the lock runs out the right password works');
    assert.deepEqual(await counters(id), { failed_sign_ins: 0, lockouts: 0, locked_until: null, recent_failed_fingerprints: [] }, 'success resets every counter');
  });

  it('L2: the same wrong password repeated counts once', async () => {
    const id = await lk.createAccount({ email: 'repeat@example.com', password: PASSWORD });
    for (let i = 0; i < 15; i++) assert.ok(refused(await attempt(lk.baseUrl, 'repeat@example.com', 'same typo every time')));
    const row = await counters(id);
    assert.equal(row.failed_sign_ins, 1);
    assert.equal(row.locked_until, null);
    assert.equal(row.recent_failed_fingerprints.length, 1);
    assert.ok(!row.recent_failed_fingerprints[0]?.includes('typo'), 'a keyed fingerprint, not the password');
    assert.ok(signedIn(await attempt(lk.baseUrl, 'repeat@example.com', PASSWORD)));
  });

  it('L2: lockouts escalate, doubling: the second lock lasts 120 s', async () => {
    const id = await lk.createAccount({ email: 'escalate@example.com', password: PASSWORD });
    for (let i = 0; i < 10; i++) await attempt(lk.baseUrl, 'escalate@example.com', `first round ${i}`);
    assert.equal((await counters(id)).lockouts, 1);
    await expireLock(id);
    for (let i = 0; i < 9; i++) await attempt(lk.baseUrl, 'escalate@example.com', `second round ${i}`);
    const lockedAfterNine = ((await counters(id)).locked_until?.getTime() ?? 0) > Date.now();
    assert.equal(lockedAfterNine, false, '9 failures do not lock');
    await attempt(lk.baseUrl, 'escalate@example.com', 'second round 9');
    const row = await counters(id);
    assert.equal(row.lockouts, 2);
    const seconds = ((row.locked_until?.getTime() ?? 0) - Date.now()) / 1000;
    assert.ok(seconds > 110 && seconds <= 120, `second lock ${seconds} s`);
  });

  it('L2: a successful reset (setPassword) unlocks the account', async () => {
    const id = await lk.createAccount({ email: 'unlock@example.com', password: PASSWORD });
    for (let i = 0; i < 10; i++) await attempt(lk.baseUrl, 'unlock@example.com', `guess ${i}`);
    assert.ok((await counters(id)).locked_until);
    const account = await lk.latchkey.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const directory = await lk.latchkey.db.selectFrom('directories').selectAll().where('slug', '=', 'default').executeTakeFirstOrThrow();
    const passwordHash = await createPasswordHasher({ queueLimit: 10 }).hash('a fresh start 2024 ok');
    await lk.latchkey.db.transaction().execute((trx) =>
      setPassword(trx, { account, directory, passwordHash, reason: 'reset', locale: 'en', signInUrl: 'http://latchkey.test/d/default/signin', ip: null, userAgent: null }),
    );
    assert.ok(signedIn(await attempt(lk.baseUrl, 'unlock@example.com', 'a fresh start 2024 ok')));
  });

  it('L4: 200 parallel wrong sign-ins admit no more than 10 password evaluations, and the account ends locked', async () => {
    const id = await lk.createAccount({ email: 'burst@example.com', password: PASSWORD });
    const clients = await Promise.all(Array.from({ length: 200 }, async () => {
      const client = new FormClient(lk.baseUrl);
      await client.get('/d/default/signin');
      return client;
    }));
    const pages = await Promise.all(clients.map((client, i) => client.post(i % 2 === 0 ? lk.baseUrl + '/d/default/signin' : secondUrl + '/d/default/signin', { identifier: 'burst@example.com', password: `parallel guess ${i}` })));
    assert.ok(pages.every((page) => page.status === 400 || page.status === 503), pages.map((p) => p.status).join(','));
    const evaluated = await lk.latchkey.db
      .selectFrom('audit_events')
      .select('outcome')
      .where('type', '=', 'sign_in')
      .where('account_id', '=', id)
      .where('outcome', 'in', ['wrong_password', 'success'])
      .execute();
    assert.ok(evaluated.length > 0 && evaluated.length <= 10, `${evaluated.length} passwords evaluated`);
    const row = await counters(id);
    assert.ok(row.locked_until && row.locked_until.getTime() > Date.now(), 'locked');
    assert.equal(row.lockouts, 1, 'one lock, not one per racing request');
  });
});
