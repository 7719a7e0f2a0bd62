import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { NOTICE_APPLICATION_NAME } from '../../src/storage/notice-listener.ts';
import { FormClient } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { until } from '../support/until.ts';
import { requestCode } from './password-reset-steps.ts';

// What an operator relies on: liveness and readiness probes, Prometheus metrics that move with real
// traffic, the optional bearer token on /metrics, and a request id on every answer.

const PASSWORD = 'granite orchard whistle 27';
const TOKEN = 'metrics-token-for-the-scraper-0123456789';

/** `name{labels} value` lines of the Prometheus text format, keyed by everything left of the value. */
async function scrape(lk: TestLatchkey, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const response = await fetch(`${lk.baseUrl}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

const sample = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

describe('operations endpoints', () => {
  let lk: TestLatchkey;
  let guarded: TestLatchkey;

  before(async () => {
    lk = await startTestLatchkey();
    guarded = await startTestLatchkey({ METRICS_TOKEN: TOKEN });
    await lk.createAccount({ email: 'ops@example.com', password: PASSWORD });
    await lk.setResetScope('all');
  });
  after(async () => {
    await guarded?.close();
    await lk?.close();
  });

  it('/healthz and /readyz answer plain JSON with 200, set no cookie, and keep answering past any rate limit', async () => {
    for (const path of ['/healthz', '/readyz']) {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${lk.baseUrl}${path}`);
        assert.equal(response.status, 200, path);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(response.headers.get('set-cookie'), null, `${path} sets no cookie`);
        assert.ok(['ok', 'ready'].includes(((await response.json()) as { status: string }).status));
      }
    }
    const strict = await startTestLatchkey({ RATE_LIMIT_IP_MAX: '1', RATE_LIMIT_DIRECTORY_MAX: '1' });
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${strict.baseUrl}/readyz`).then((r) => r.status)));
      assert.deepEqual(new Set(statuses), new Set([200]), 'probes are not rate-limited');
    } finally {
      await strict.close();
    }
  });

  it('counters move after a sign-in, a failed sign-in and a reset request; the code sent is counted once delivered', async () => {
    const before = await scrape(lk);
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const wrong = await client.post('/d/default/signin', { identifier: 'ops@example.com', password: 'not the password' });
    assert.equal(wrong.status, 400);
    await client.get('/d/default/signin');
    const signedIn = await client.post('/d/default/signin', { identifier: 'ops@example.com', password: PASSWORD });
    assert.match(signedIn.url, /\/account$/);
    const seen = lk.smtp.messages.length;
    assert.equal((await requestCode(new FormClient(lk.baseUrl), 'ops@example.com')).status, 200);
    await lk.smtp.waitFor((m) => lk.smtp.messages.indexOf(m) >= seen);
    await lk.latchkey.dispatcher.drainOnce();

    const after = await scrape(lk);
    const delta = (key: string) => sample(after, key) - sample(before, key);
    assert.equal(delta('latchkey_flow_outcomes_total{flow="sign_in",outcome="success"}'), 1);
    assert.equal(delta('latchkey_flow_outcomes_total{flow="sign_in",outcome="failure"}'), 1);
    assert.equal(delta('latchkey_flow_outcomes_total{flow="password_reset",outcome="requested"}'), 1);
    assert.equal(delta('latchkey_codes_sent_total{purpose="password_reset"}'), 1);
    assert.equal(delta('latchkey_mail_sent_total{template="reset_code"}'), 1);
    assert.ok(delta('latchkey_http_requests_total{route="/d/:directory/signin",method="POST",status="400"}') >= 1);
    assert.ok(delta('latchkey_http_requests_total{route="/d/:directory/signin",method="GET",status="200"}') >= 2);
    assert.ok(delta('latchkey_http_request_duration_seconds_count{route="/d/:directory/signin",method="POST"}') >= 2);
    for (const key of ['latchkey_hash_in_flight', 'latchkey_hash_queue_length', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      assert.ok(after.has(key), `${key} is exported`);
    }
  });

  it('the mail queue gauges read the outbox on scrape: depth and the age of the oldest unsent message', async () => {
    const directory = await lk.latchkey.db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
    // Pending but not due for an hour, so the dispatcher leaves it where the gauges can see it.
    await lk.latchkey.db
      .insertInto('outbox')
      .values({ directory_id: directory.id, template: 'password_changed', locale: 'en', to_address: 'queued@example.com', payload: {}, next_attempt_at: sql<Date>`now() + interval '1 hour'` })
      .execute();
    await sql`UPDATE outbox SET created_at = now() - interval '2 hours' WHERE to_address = 'queued@example.com'`.execute(lk.latchkey.db);
    const samples = await scrape(lk);
    assert.ok(sample(samples, 'latchkey_mail_queue_depth') >= 1);
    const age = sample(samples, 'latchkey_mail_queue_oldest_age_seconds');
    assert.ok(age >= 7200 && age < 7300, `oldest unsent message is ${age} s old`);
  });

  it('with METRICS_TOKEN set, /metrics wants the bearer token; health and readiness do not', async () => {
    const status = async (headers: Record<string, string>) => (await fetch(`${guarded.baseUrl}/metrics`, { headers })).status;
    assert.equal(await status({}), 401);
    assert.equal(await status({ authorization: `Bearer ${TOKEN}x` }), 401);
    assert.equal(await status({ authorization: `Bearer ${TOKEN.slice(0, -1)}` }), 401);
    assert.equal(await status({ authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }), 401);
    assert.equal(await status({ authorization: 'Bearer ' }), 401);
    assert.ok((await scrape(guarded, { authorization: `Bearer ${TOKEN}` })).has('latchkey_hash_in_flight'));
    assert.equal((await fetch(`${guarded.baseUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${guarded.baseUrl}/readyz`)).status, 200);
    assert.equal((await scrape(lk)).size > 0, true, 'without the setting, /metrics is open');
  });

  it('every answer carries X-Request-Id: a short safe incoming id is kept, anything else is replaced', async () => {
    const idOf = async (path: string, headers: Record<string, string> = {}) => (await fetch(`${lk.baseUrl}${path}`, { headers })).headers.get('x-request-id');
    assert.equal(await idOf('/d/default/signin', { 'x-request-id': 'lb-7f3a.42' }), 'lb-7f3a.42');
    const generated = [await idOf('/healthz'), await idOf('/no/such/page'), await idOf('/d/default/signin', { 'x-request-id': 'has spaces"and<quotes>' }), await idOf('/healthz', { 'x-request-id': 'a'.repeat(65) })];
    for (const id of generated) assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(new Set(generated).size, generated.length, 'a fresh id each time');
  });

  it('a gauge says whether the instance hears directory change notices: 0 while its notice connection is gone, 1 once it is back', async () => {
    const heard = async () => sample(await scrape(lk), 'latchkey_directory_notices_heard');
    const waitFor = async (value: number) => {
      await until(`the gauge to read ${value}`, async () => (await heard()) === value, 5000);
      return heard();
    };
    assert.equal(await waitFor(1), 1);
    const ended = await sql<{ ended: boolean }>`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name = ${NOTICE_APPLICATION_NAME} AND datname = current_database()`.execute(lk.latchkey.db);
    assert.deepEqual(ended.rows, [{ ended: true }]);
    assert.equal(await waitFor(0), 0, 'paused as soon as the connection is gone');
    // Customer pages still answer, reading the directory from the table meanwhile.
    assert.equal((await fetch(`${lk.baseUrl}/d/default/signin`)).status, 200);
    assert.equal(await waitFor(1), 1, 'back within the listener\'s retry');
  });
});
