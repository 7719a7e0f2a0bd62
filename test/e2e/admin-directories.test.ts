import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin, startInstance } from './admin-test-kit.ts';

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };

describe('admin portal: directories and the password reset setting', () => {
  let lk: TestLatchkey;
  let adminId: string;
  before(async () => {
    lk = await startTestLatchkey();
    adminId = await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
  });
  after(() => lk.close());

  const scope = async () =>
    (await lk.latchkey.db.selectFrom('directories').select('reset_scope').where('slug', '=', 'default').executeTakeFirstOrThrow()).reset_scope;

  it('lists directories with links; the overview shows name, slug, identifier, the customer sign-in link and a Password reset nav', async () => {
    const client = new FormClient(lk.baseUrl);
    const list = await signInAdmin(client, ADMIN.email, ADMIN.password);
    assert.match(list.body, /<h1>Directories<\/h1>/);
    assert.match(list.body, /<a href="\/admin\/d\/default">Latchkey <span class="slug">\(default\)<\/span><\/a>/);
    const overview = await client.get('/admin/d/default');
    const text = visibleText(overview.body);
    assert.match(text, /Name Latchkey/);
    assert.match(text, /Slug default/);
    assert.match(text, /Sign-in identifier Email address/);
    assert.match(overview.body, /<a href="\/d\/default\/signin">http:\/\/latchkey\.test:3000\/d\/default\/signin<\/a>/);
    assert.match(overview.body, /<nav aria-label="Directory settings"[\s\S]*<a href="\/admin\/d\/default\/password-reset">Password reset<\/a>/);
    const missing = await client.get('/admin/d/nope');
    assert.equal(missing.status, 404);
    assert.match(visibleText(missing.body), /There is no directory with this name\./);
  });

  it('password reset: None by default; Save All shows "Saved", writes the DB and an audit row; the customer sign-in page offers reset', async () => {
    assert.equal(await scope(), 'none');
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const page = await client.get('/admin/d/default/password-reset');
    assert.match(page.body, /<h1>Password reset<\/h1>/);
    assert.match(page.body, /<legend>Self service password reset enabled<\/legend>/);
    assert.match(page.body, /<input type="radio" id="reset-scope-none" name="reset_scope" value="none"[^>]* checked>/);
    assert.doesNotMatch(page.body, /value="all"[^>]* checked/);
    assert.match(page.body, /<label for="reset-scope-none">None<\/label>/);
    assert.match(page.body, /<label for="reset-scope-all">All<\/label>/);
    assert.doesNotMatch(visibleText(page.body), /Saved/);

    const action = formAction(page.body, 'Save');
    const response = await client.post(action, { reset_scope: 'all' }, { follow: false });
    assert.equal(response.status, 303);
    const saved = await client.get(response.headers.get('location') ?? '');
    assert.match(visibleText(saved.body), /Saved/);
    assert.match(saved.body, /value="all"[^>]* checked/);
    assert.equal(await scope(), 'all');
    const audit = await lk.latchkey.db.selectFrom('audit_events').selectAll().where('type', '=', 'admin_setting_changed').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.admin_id, adminId);
    assert.deepEqual(audit[0]?.detail, { setting: 'reset_scope', from: 'none', to: 'all' });

    const customer = await new FormClient(lk.baseUrl).get('/d/default/signin');
    assert.equal(customer.status, 200, 'the customer sign-in page exists');
    assert.match(visibleText(customer.body), /Can't access your account\?/);
    assert.match(customer.body, /href="\/d\/default\/reset/);
  });

  it('a change is seen by a second Latchkey instance on the same database without a restart, both ways', async () => {
    const second = await startInstance(lk.databaseUrl, { LOG_LEVEL: 'silent' });
    try {
      const onFirst = new FormClient(lk.baseUrl);
      await signInAdmin(onFirst, ADMIN.email, ADMIN.password);
      const onSecond = new FormClient(second.baseUrl);
      await signInAdmin(onSecond, ADMIN.email, ADMIN.password);
      for (const value of ['none', 'all', 'none'] as const) {
        const [writer, reader] = value === 'all' ? [onSecond, onFirst] : [onFirst, onSecond];
        await writer.get('/admin/d/default/password-reset');
        await writer.post('/admin/d/default/password-reset', { reset_scope: value });
        const seen = await reader.get('/admin/d/default/password-reset');
        assert.match(seen.body, new RegExp(`value="${value}"[^>]* checked`), `the other instance shows ${value}`);
        const readerBase = reader === onFirst ? lk.baseUrl : second.baseUrl;
        const signIn = await new FormClient(readerBase).get('/d/default/signin');
        assert.equal(visibleText(signIn.body).includes("Can't access your account?"), value === 'all', `customer page on the other instance, ${value}`);
      }
    } finally {
      await second.close();
    }
  });

  it('R10: a value other than none/all/selected, a repeated field or a missing one is a 400 page and changes nothing', async () => {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    await lk.setResetScope('none');
    const before = await lk.latchkey.db.selectFrom('audit_events').select('id').execute();
    const attempts: Record<string, string | string[]>[] = [{ reset_scope: 'some' }, { reset_scope: 'ALL' }, { reset_scope: ['all', 'none'] }, {}];
    for (const fields of attempts) {
      await client.get('/admin/d/default/password-reset');
      const page = await client.post('/admin/d/default/password-reset', fields);
      assert.equal(page.status, 400, JSON.stringify(fields));
      assert.match(visibleText(page.body), /Choose None, All or Selected\. Nothing was changed\./);
      assert.match(page.body, /value="none"[^>]* checked/);
      assert.equal(await scope(), 'none');
    }
    const afterRows = await lk.latchkey.db.selectFrom('audit_events').select('id').execute();
    assert.equal(afterRows.length, before.length);
  });

  it('SE6: saving without _csrf is refused with 403 and changes nothing', async () => {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    await lk.setResetScope('none');
    await client.get('/admin/d/default/password-reset');
    const page = await client.request('POST', '/admin/d/default/password-reset', { body: 'reset_scope=all' });
    assert.equal(page.status, 403);
    const forged = await client.post('/admin/d/default/password-reset', { reset_scope: 'all', _csrf: 'forged-token' });
    assert.equal(forged.status, 403);
    assert.equal(await scope(), 'none');
  });

  it('a POST from someone not signed in is sent to sign-in and changes nothing', async () => {
    await lk.setResetScope('none');
    const client = new FormClient(lk.baseUrl);
    await client.get('/admin');
    const response = await client.post('/admin/d/default/password-reset', { reset_scope: 'all' }, { follow: false });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin');
    assert.equal(await scope(), 'none');
  });
});
