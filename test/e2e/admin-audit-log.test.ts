import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';
import { chooseNewPassword, customer, requestCodeAndRead, submitCode } from './password-reset-steps.ts';

// The audit log end to end: what the customer flows and the portal write, and the portal's page over it
// (filters, newest-first pages, exports, the reset funnel, the retention setting), bad input included.

const ADMIN = { email: 'auditor@example.com', password: 'violet-harbour-lantern' };
const CUSTOMER = { email: 'ada@example.com', password: 'correct horse battery staple' };
const AGENT = 'AuditTest/1.0 (=cmd|calc, "quoted")';

/** The type column of the event table, top to bottom. */
const eventTypes = (body: string) => [...body.matchAll(/<td><code>([a-z_]+)<\/code><\/td>/g)].map((m) => m[1]);

describe('admin portal: the audit log', () => {
  let lk: TestLatchkey;
  let accountId: string;
  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    accountId = await lk.createAccount(CUSTOMER);
    await lk.setResetScope('all');
  });
  after(() => lk.close());

  const db = () => lk.latchkey.db;
  const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_events`.execute(db())).rows[0]?.n);
  async function admin(): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl, { 'user-agent': 'AdminBrowser/2.0' });
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    return client;
  }

  it('every customer event of sign-in and reset is written with directory, account, IP and user agent', async () => {
    const browser = customer(lk, { 'user-agent': AGENT });
    await browser.get('/d/default/signin');
    await browser.post('/d/default/signin', { identifier: CUSTOMER.email, password: 'not the password' });
    await browser.get('/d/default/signin');
    await browser.post('/d/default/signin', { identifier: CUSTOMER.email, password: CUSTOMER.password });
    const code = await requestCodeAndRead(lk, browser, CUSTOMER.email);
    await submitCode(browser, code === '000000' ? '111111' : '000000');
    await submitCode(browser, code);
    const done = await chooseNewPassword(browser, 'a brand new passphrase 7');
    assert.equal(done.status, 200);

    const rows = await db().selectFrom('audit_events').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    const seen = rows.map((r) => `${r.type}:${r.outcome}`);
    for (const expected of ['sign_in:wrong_password', 'sign_in:success', 'reset_requested:accepted', 'reset_code_sent:sent', 'reset_code_failed:wrong', 'reset_code_verified:success', 'reset_completed:success', 'sessions_revoked:success']) {
      assert.ok(seen.includes(expected), `${expected} missing from ${seen.join(', ')}`);
    }
    const directory = await db().selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
    for (const row of rows) {
      assert.equal(row.directory_id, directory.id);
      assert.equal(row.ip, '127.0.0.1');
      assert.equal(row.user_agent, AGENT);
    }
  });

  it('administrator actions are written with the administrator, IP and user agent: sign-in, setting change, application, sign-out', async () => {
    const client = await admin();
    await client.get('/admin/d/default/password-reset');
    await client.post('/admin/d/default/password-reset', { reset_scope: 'none' });
    await client.get('/admin/d/default/applications');
    await client.post('/admin/d/default/applications', { display_name: 'Audit app', redirect_uris: 'https://app.example/cb', client_type: 'public' });
    await client.post('/admin/signout', {});
    await lk.setResetScope('all');
    const rows = await db().selectFrom('audit_events').selectAll().where('user_agent', '=', 'AdminBrowser/2.0').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.type), ['admin_sign_in', 'admin_setting_changed', 'admin_application_registered', 'admin_sign_out']);
    const adminId = rows[0]?.admin_id;
    assert.ok(adminId);
    for (const row of rows) {
      assert.equal(row.admin_id, adminId);
      assert.equal(row.ip, '127.0.0.1');
    }
  });

  it('the page filters by type, outcome, account and date, and shows the newest first', async () => {
    const client = await admin();
    const all = await client.get('/admin/audit');
    assert.equal(all.status, 200);
    assert.match(visibleText(all.body), /reset_completed/);

    const failed = await client.get('/admin/audit?type=reset_code_failed');
    assert.deepEqual(eventTypes(failed.body), ['reset_code_failed']);

    const byAccount = await client.get(`/admin/audit?who=${encodeURIComponent('ADA@example.com')}&outcome=success`);
    const accountTypes = eventTypes(byAccount.body);
    assert.ok(accountTypes.length >= 3);
    assert.ok(!accountTypes.includes('reset_code_failed') && !accountTypes.includes('admin_sign_in'));
    assert.ok(accountTypes.indexOf('reset_completed') < accountTypes.indexOf('sign_in'), 'newest first');

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const old = await client.get(`/admin/audit?to=${yesterday}`);
    assert.match(visibleText(old.body), /No event matches these filters\./);
    const today = new Date().toISOString().slice(0, 10);
    const current = await client.get(`/admin/audit?from=${today}&to=${today}&directory=default`);
    const currentTypes = eventTypes(current.body);
    assert.ok(currentTypes.includes('reset_requested'));
    assert.ok(!currentTypes.includes('admin_sign_in'), 'a directory filter leaves out installation-wide events');
  });

  it('pages are keyset pages, newest first, without overlap or gaps', async () => {
    await sql`INSERT INTO audit_events (type, outcome, detail) SELECT 'sign_out', 'success', jsonb_build_object('n', n) FROM generate_series(1, 120) AS n`.execute(db());
    const client = await admin();
    let path: string | undefined = '/admin/audit?type=sign_out&outcome=success';
    const seen: number[] = [];
    for (let guard = 0; path && guard < 10; guard++) {
      const page = await client.get(path);
      assert.equal(page.status, 200);
      seen.push(...[...page.body.matchAll(/\{&#34;n&#34;:(\d+)\}/g)].map((m) => Number(m[1])));
      path = /<a href="([^"]+)" rel="next">/.exec(page.body)?.[1]?.replace(/&#38;/g, '&');
    }
    assert.deepEqual(seen, Array.from({ length: 120 }, (_, i) => 120 - i));
  });

  it('malformed filters and exports get a clear 400 page and write nothing', async () => {
    const client = await admin();
    const before = await count();
    for (const query of [
      '/admin/audit?type=no_such_type', '/admin/audit?from=2026-13-01', '/admin/audit?from=2026-02-30', '/admin/audit?from=2026-05-02&to=2026-05-01',
      '/admin/audit?type=sign_in&type=sign_up', '/admin/audit?before=abc', '/admin/audit?days=500', '/admin/audit?directory=no-such-directory',
      '/admin/audit/export', '/admin/audit/export?format=xml', '/admin/audit/export?format=csv&from=yesterday', '/admin/d/default/audit/export?format=csv&outcome=DROP%20TABLE',
    ]) {
      const page = await client.get(query);
      assert.equal(page.status, 400, query);
      assert.match(visibleText(page.body), /These filters cannot be used/, query);
    }
    assert.equal(await count(), before);
  });

  it('CSV export: the filtered set, quoted, with formula cells defused; JSON export the same rows', async () => {
    const client = await admin();
    const csv = await client.get('/admin/audit/export?format=csv&type=sign_in');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="latchkey-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,type,outcome,directory,account_id,account_email,admin_email,ip,user_agent,detail');
    assert.ok(lines.length >= 3);
    for (const line of lines.slice(1)) assert.match(line, /^[^,]+,sign_in,/);
    assert.ok(csv.body.includes(`"'AuditTest/1.0 (=cmd|calc, ""quoted"")"`) === false, 'the agent does not start with =, so it is only quoted');
    assert.ok(csv.body.includes('"AuditTest/1.0 (=cmd|calc, ""quoted"")"'));

    await db().insertInto('audit_events').values({ type: 'sign_in', outcome: 'wrong_password', user_agent: '=HYPERLINK("http://evil.example","x")', ip: '+1', detail: {} }).execute();
    const again = await client.get('/admin/audit/export?format=csv&type=sign_in');
    assert.ok(again.body.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), 'a formula is prefixed with a quote');
    assert.ok(again.body.includes(",'+1,"), 'a cell starting with + is defused too');

    const json = await client.get('/admin/audit/export?format=json&type=sign_in');
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    const records = JSON.parse(json.body) as { type: string; userAgent: string | null }[];
    assert.equal(records.length, again.body.trimEnd().split('\r\n').length - 1);
    assert.ok(records.every((r) => r.type === 'sign_in'));
    assert.equal(records[0]?.userAgent, '=HYPERLINK("http://evil.example","x")', 'JSON keeps the value as it is, newest first');
    const exported = await db().selectFrom('audit_events').select('detail').where('type', '=', 'admin_audit_exported').execute();
    assert.equal(exported.length, 3);
  });

  it('the reset funnel counts requested, verified and completed per day, per directory', async () => {
    const client = await admin();
    const page = await client.get('/admin/d/default/audit?days=3');
    assert.equal(page.status, 200);
    const rows = [...page.body.matchAll(/<tr><th scope="row">(\d{4}-\d{2}-\d{2})<\/th>((?:<td>.*?<\/td>){3})<\/tr>/g)];
    assert.equal(rows.length, 3);
    const today = rows[0];
    assert.equal(today?.[1], new Date().toISOString().slice(0, 10));
    const counts = [...(today?.[2] ?? '').matchAll(/<span class="count">(\d+)<\/span>/g)].map((m) => Number(m[1]));
    assert.deepEqual(counts, [1, 1, 1]);
    assert.match(page.body, /class="bar requested w100"/);
    const other = await db().insertInto('directories').values({ slug: 'empty', display_name: 'Empty' }).returning('id').executeTakeFirstOrThrow();
    const empty = await client.get('/admin/d/empty/audit');
    const emptyCounts = [...empty.body.matchAll(/<span class="count">(\d+)<\/span>/g)].map((m) => Number(m[1]));
    assert.ok(emptyCounts.length > 0 && emptyCounts.every((n) => n === 0), 'another directory has its own funnel');
    await db().deleteFrom('directories').where('id', '=', other.id).execute();
  });

  it('the retention period is edited in the portal, stored in the database and audited; bad values change nothing', async () => {
    const client = await admin();
    const page = await client.get('/admin/audit');
    assert.match(page.body, /name="days" min="1" max="3650" required value="90"/);
    for (const days of ['0', 'abc', '99999', '']) {
      await client.get('/admin/audit');
      const refused = await client.post('/admin/audit/retention', { days });
      assert.equal(refused.status, 400, days);
      assert.match(visibleText(refused.body), /Enter a whole number of days/);
    }
    assert.equal(await db().selectFrom('installation_settings').selectAll().executeTakeFirst(), undefined);
    await client.get('/admin/audit');
    const saved = await client.post('/admin/audit/retention', { days: '30' });
    assert.match(visibleText(saved.body), /Retention saved\./);
    assert.match(saved.body, /value="30"/);
    const setting = await db().selectFrom('installation_settings').select('value').where('name', '=', 'audit_retention_days').executeTakeFirstOrThrow();
    assert.equal(setting.value, 30);
    const change = await db().selectFrom('audit_events').select('detail').where('type', '=', 'admin_setting_changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(change.detail, { setting: 'audit_retention_days', from: 90, to: 30 });
  });
});
