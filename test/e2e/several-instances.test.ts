import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { csrfToken, FormClient, formAction, sameBrowserOn, visibleText, type Page } from '../support/form-client.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { until } from '../support/until.ts';
import { createTestAdmin, signInAdmin, startInstance, type Instance } from './admin-test-kit.ts';
import { chooseNewPassword, codeMailAfter, customer, EN, flowIdOf, RESET, requestCode, submitCode } from './password-reset-steps.ts';

// Three Latchkey instances on one PostgreSQL and one Redis, as behind a load balancer. Each run uses
// its own Redis key prefix, so runs (and other tests) never share counters.

const REDIS_URL = 'redis://127.0.0.1:6379';
const CLOSED_PORT_REDIS = 'redis://127.0.0.1:9';

interface Trio {
  readonly lk: TestLatchkey;
  readonly urls: readonly string[];
  readonly others: readonly Instance[];
  readonly prefix: string;
  close(): Promise<void>;
}

async function startTrio(env: Record<string, string>): Promise<Trio> {
  const prefix = `latchkey-test-${randomBytes(6).toString('hex')}:`;
  const shared = { REDIS_URL, REDIS_KEY_PREFIX: prefix, HASH_QUEUE_LIMIT: '1000', LOG_LEVEL: 'silent', ...env };
  const lk = await startTestLatchkey(shared);
  await lk.setResetScope('all');
  // Every instance delivers mail, so each must deliver to the same sink, as production instances share SMTP.
  const others = [await startInstance(lk.databaseUrl, { ...shared, SMTP_URL: lk.smtp.url }), await startInstance(lk.databaseUrl, { ...shared, SMTP_URL: lk.smtp.url })];
  return {
    lk, others, prefix,
    urls: [lk.baseUrl, ...others.map((o) => o.baseUrl)],
    async close() {
      for (const other of others) await other.close();
      await lk.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

describe('three instances on one PostgreSQL and Redis', () => {
  let trio: Trio;
  before(async () => {
    trio = await startTrio({});
  });
  after(() => trio?.close());

  it('a reset started on the first instance is verified on the second and completed on the third', async () => {
    const { lk, urls } = trio;
    await lk.createAccount({ email: 'roaming@example.com', password: 'the old password 1' });
    const seen = lk.smtp.messages.length;
    const first = customer(lk);
    const page = await requestCode(first, 'roaming@example.com');
    assert.ok(visibleText(page.body).includes(EN.sent));
    const code = codeIn(await codeMailAfter(lk, 'roaming@example.com', seen));
    const second = sameBrowserOn(first, urls[1]!);
    const verified = await submitCode(second, code);
    assert.ok(visibleText(verified.body).includes(EN.verified), visibleText(verified.body));
    const third = sameBrowserOn(second, urls[2]!);
    const done = await chooseNewPassword(third, 'a brand new password 2');
    assert.match(done.url, /\/signin\?notice=password_reset$/);
    const signIn = new FormClient(urls[0]!);
    await signIn.get('/d/default/signin');
    const signedIn = await signIn.post('/d/default/signin', { identifier: 'roaming@example.com', password: 'a brand new password 2' }, { follow: false });
    assert.equal(signedIn.status, 303);
  });

  it('R6: 20 parallel submissions of the valid code, spread over three instances, succeed exactly once', async () => {
    const { lk, urls } = trio;
    await lk.createAccount({ email: 'r6-trio@example.com', password: 'the old password 1' });
    const seen = lk.smtp.messages.length;
    const client = customer(lk);
    await requestCode(client, 'r6-trio@example.com');
    const code = codeIn(await codeMailAfter(lk, 'r6-trio@example.com', seen));
    const flowId = flowIdOf(client.last!);
    const action = formAction(client.last!.body, 'Verify code');
    const body = new URLSearchParams({ _csrf: csrfToken(client.last!.body)!, code }).toString();
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      fetch(new URL(action, urls[i % 3]), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body })));
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 303).length, 1, statuses.join(','));
    assert.ok(statuses.every((s) => s === 303 || s === 409), statuses.join(','));
    const flow = await lk.latchkey.db.selectFrom('flows').select(['state', 'code_hmac']).where('id', '=', flowId).executeTakeFirstOrThrow();
    assert.deepEqual(flow, { state: 'code_verified', code_hmac: null });
  });

  it('L4: 200 parallel wrong sign-ins over three instances admit no more than 10 password evaluations', async () => {
    const { lk, urls } = trio;
    const id = await lk.createAccount({ email: 'burst-trio@example.com', password: 'silver lighthouse evening 5' });
    const clients = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const client = new FormClient(urls[i % 3]!);
      await client.get('/d/default/signin');
      return client;
    }));
    const pages = await Promise.all(clients.map((client, i) => client.post('/d/default/signin', { identifier: 'burst-trio@example.com', password: `parallel guess ${i}` })));
    assert.ok(pages.every((p) => p.status === 400 || p.status === 503), pages.map((p) => p.status).join(','));
    const evaluated = await lk.latchkey.db.selectFrom('audit_events').select('outcome').where('type', '=', 'sign_in').where('account_id', '=', id)
      .where('outcome', 'in', ['wrong_password', 'success']).execute();
    assert.ok(evaluated.length > 0 && evaluated.length <= 10, `${evaluated.length} passwords evaluated`);
    const row = await lk.latchkey.db.selectFrom('accounts').select(['locked_until', 'lockouts']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(row.locked_until && row.locked_until.getTime() > Date.now());
    assert.equal(row.lockouts, 1);
  });

  it('a setting saved in the portal on one instance is what all three serve: at once on that one, within a second on the other two', async () => {
    const { lk, urls } = trio;
    await createTestAdmin(lk.latchkey.db, 'ops@example.com', 'violet-harbour-lantern');
    const admin = new FormClient(urls[0]!);
    await signInAdmin(admin, 'ops@example.com', 'violet-harbour-lantern');
    const resetPage = (url: string) => new FormClient(url, { 'accept-language': 'en' }).get(RESET).then((p) => p.status);
    // Each instance keeps the directory in memory, and learns of a change from PostgreSQL's notice.
    const servedWithin = (url: string, status: number) => until(`${url} to serve ${status}`, async () => (await resetPage(url)) === status, 1000, 5);
    assert.deepEqual(await Promise.all(urls.map(resetPage)), [200, 200, 200]);
    const form = await admin.get('/admin/d/default/password-reset');
    assert.equal((await admin.post(formAction(form.body, 'Save'), { reset_scope: 'none' }, { follow: false })).status, 303);
    assert.equal(await resetPage(urls[0]!), 404, 'the instance that saved serves the change on its next page load');
    const waited = await Promise.all(urls.slice(1).map((url) => servedWithin(url, 404)));
    assert.ok(waited.every((ms) => ms <= 1000), `the other instances served the change after ${waited.join(' and ')} ms`);
    const adminOnThird = sameBrowserOn(admin, urls[2]!);
    const again = await adminOnThird.get('/admin/d/default/password-reset');
    await adminOnThird.post(formAction(again.body, 'Save'), { reset_scope: 'all' });
    assert.equal(await resetPage(urls[2]!), 200);
    const back = await Promise.all(urls.slice(0, 2).map((url) => servedWithin(url, 200)));
    assert.ok(back.every((ms) => ms <= 1000), `the other instances served the change after ${back.join(' and ')} ms`);
  });
});

describe('three instances: shared rate limits, and Redis down (F2)', () => {
  let trio: Trio;
  let cutOff: Instance;
  const limits = { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_IP_MAX: '4', RATE_LIMIT_IDENTIFIER_MAX: '6', RATE_LIMIT_DIRECTORY_MAX: '100000' };
  before(async () => {
    trio = await startTrio(limits);
    // A fourth instance whose Redis address answers nothing, as when Redis is down for it.
    cutOff = await startInstance(trio.lk.databaseUrl, { ...limits, REDIS_URL: CLOSED_PORT_REDIS, REDIS_KEY_PREFIX: trio.prefix, SMTP_URL: trio.lk.smtp.url, LOG_LEVEL: 'silent' });
  });
  after(async () => {
    await cutOff?.close();
    await trio?.close();
  });

  async function signIn(baseUrl: string, identifier: string, ip: string): Promise<Page> {
    const client = new FormClient(baseUrl, { 'accept-language': 'en', 'x-forwarded-for': ip });
    await client.get('/d/default/signin');
    return client.post('/d/default/signin', { identifier, password: 'not the password 1' }, { follow: false });
  }

  it('L1: the counters are shared: attempts from one address on three instances add up to one limit, kept in Redis', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(trio.urls[i % 3]!, `shared${i}@example.com`, '203.0.113.50')).status);
    assert.deepEqual(statuses, [400, 400, 400, 400, 429, 429]);
    const identifierStatuses: number[] = [];
    for (let i = 0; i < 8; i++) identifierStatuses.push((await signIn(trio.urls[i % 3]!, 'one-name@example.com', `203.0.113.${60 + i}`)).status);
    assert.deepEqual(identifierStatuses, [400, 400, 400, 400, 400, 400, 429, 429]);
    const redis = new Redis(REDIS_URL);
    try {
      assert.ok((await redis.keys(`${trio.prefix}rl:*`)).length >= 3, 'counters live in Redis');
    } finally {
      await redis.quit();
    }
    const inDatabase = await trio.lk.latchkey.db.selectFrom('rate_limits').select('key').where('key', 'like', '%203.0.113.%').execute();
    assert.equal(inDatabase.length, 0, 'nothing fell back to PostgreSQL while Redis was up');
  });

  it('F2: an instance that cannot reach Redis still enforces the limits, counting in PostgreSQL, and answers promptly', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      statuses.push((await signIn(cutOff.baseUrl, `cut${i}@example.com`, '203.0.113.90')).status);
      assert.ok(Date.now() - started < 3000, 'no hanging on the unreachable Redis');
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 429, 429]);
    const inDatabase = await trio.lk.latchkey.db.selectFrom('rate_limits').select(['key', 'points']).where('key', 'like', 'ip:sign_in:203.0.113.90').execute();
    assert.deepEqual(inDatabase.map((r) => r.points), [6]);
  });
});
