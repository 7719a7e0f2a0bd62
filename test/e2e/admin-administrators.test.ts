import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';

// Several administrators: added and removed on the Administrators page, each with their own password,
// and an administrator limited to some directories sees only those: every other directory's route is
// refused with 403 by the admin guard, and installation-wide pages show only their directories.

const OWNER = { email: 'owner@example.com', password: 'violet-harbour-lantern' };
const LIMITED = { email: 'second.ops@example.com', password: 'amber-meadow-compass-42' };
const PAGE = '/admin/administrators';

describe('admin portal: several administrators', () => {
  let lk: TestLatchkey;
  let secondId: string;
  before(async () => {
    // Without SMTP, so that the mailbox is on and its scoping can be seen.
    lk = await startTestLatchkey({ SMTP_URL: '' });
    await createTestAdmin(lk.latchkey.db, OWNER.email, OWNER.password);
    secondId = (await lk.latchkey.db.insertInto('directories').values({ slug: 'second', display_name: 'Second shop' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  after(() => lk.close());

  const db = () => lk.latchkey.db;
  const adminCount = async () => (await db().selectFrom('admins').select('id').execute()).length;
  async function signedIn(who: { email: string; password: string }): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl);
    const page = await signInAdmin(client, who.email, who.password);
    assert.equal(page.status, 200);
    assert.match(visibleText(page.body), new RegExp(`Signed in as ${who.email.replace('.', '\\.')}`));
    return client;
  }

  it('refuses bad additions with a clear message and creates nobody', async () => {
    const client = await signedIn(OWNER);
    const before = await adminCount();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ email: 'not-an-email', password: LIMITED.password, confirm: LIMITED.password, access: 'all' }, /valid email address/],
      [{ email: 'x@example.com', password: 'short', confirm: 'short', access: 'all' }, /too short/],
      [{ email: 'x@example.com', password: LIMITED.password, confirm: 'something else entirely', access: 'all' }, /do not match/],
      [{ email: 'OWNER@example.com', password: LIMITED.password, confirm: LIMITED.password, access: 'all' }, /already exists/],
      [{ email: 'x@example.com', password: LIMITED.password, confirm: LIMITED.password, access: 'some' }, /at least one directory/],
      [{ email: 'x@example.com', password: LIMITED.password, confirm: LIMITED.password, access: 'some', directories: '00000000-0000-0000-0000-000000000000' }, /at least one directory/],
      [{ email: 'x@example.com', password: LIMITED.password, confirm: LIMITED.password, access: 'everything' }, /Nothing was changed/],
      [{ email: ['x@example.com', 'y@example.com'], password: LIMITED.password, confirm: LIMITED.password, access: 'all' }, /Nothing was changed/],
    ];
    for (const [fields, message] of cases) {
      await client.get(PAGE);
      const page = await client.post(PAGE, fields);
      assert.equal(page.status, 400, JSON.stringify(fields));
      assert.match(visibleText(page.body), message);
    }
    assert.equal(await adminCount(), before);
  });

  it('adds an administrator limited to one directory, who signs in with their own password and sees only that directory', async () => {
    const owner = await signedIn(OWNER);
    await owner.get(PAGE);
    const added = await owner.post(PAGE, { email: LIMITED.email, password: LIMITED.password, confirm: LIMITED.password, access: 'some', directories: secondId });
    assert.equal(added.status, 200);
    assert.match(visibleText(added.body), /Administrator added\./);
    assert.match(visibleText(added.body), /second\.ops@example\.com second/);
    const audit = await db().selectFrom('audit_events').selectAll().where('type', '=', 'admin_created').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(audit.detail.email, LIMITED.email);
    assert.equal(audit.detail.origin, 'portal');

    const limited = await signedIn(LIMITED);
    const list = await limited.get('/admin');
    assert.match(list.body, /href="\/admin\/d\/second"/);
    assert.doesNotMatch(list.body, /href="\/admin\/d\/default"/);
    assert.doesNotMatch(list.body, /href="\/admin\/administrators"/, 'no Administrators link for a limited administrator');
    assert.equal((await limited.get('/admin/d/second')).status, 200);
    assert.equal((await limited.get('/admin/d/second/audit')).status, 200);
  });

  it('a limited administrator gets 403 on every route of another directory, and changes nothing there', async () => {
    const limited = await signedIn(LIMITED);
    for (const path of ['/admin/d/default', '/admin/d/default/password-reset', '/admin/d/default/applications', '/admin/d/default/audit', '/admin/d/default/audit/export?format=csv', '/admin/audit?directory=default', PAGE]) {
      const page = await limited.get(path);
      assert.equal(page.status, 403, path);
      assert.match(visibleText(page.body), /Not allowed/, path);
    }
    await limited.get('/admin/d/second/password-reset');
    const scope = await limited.post('/admin/d/default/password-reset', { reset_scope: 'all' });
    assert.equal(scope.status, 403);
    const app = await limited.post('/admin/d/default/applications', { display_name: 'Sneaky', redirect_uris: 'https://evil.example/cb', client_type: 'public' });
    assert.equal(app.status, 403);
    const retention = await limited.post('/admin/audit/retention', { days: '1' });
    assert.equal(retention.status, 403);
    const add = await limited.post(PAGE, { email: 'z@example.com', password: LIMITED.password, confirm: LIMITED.password, access: 'all' });
    assert.equal(add.status, 403);
    const defaultDirectory = await db().selectFrom('directories').selectAll().where('slug', '=', 'default').executeTakeFirstOrThrow();
    assert.equal(defaultDirectory.reset_scope, 'none');
    assert.equal((await db().selectFrom('applications').select('id').where('display_name', '=', 'Sneaky').execute()).length, 0);
    assert.equal(await db().selectFrom('installation_settings').selectAll().executeTakeFirst(), undefined);
    assert.equal(await adminCount(), 2);
  });

  it('the installation-wide audit log, its export and the mailbox show a limited administrator their directories only', async () => {
    const defaultDirectory = await db().selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
    await db().insertInto('audit_events').values([
      { type: 'sign_in', outcome: 'success', directory_id: defaultDirectory.id, detail: { marker: 'default-event' } },
      { type: 'sign_in', outcome: 'success', directory_id: secondId, detail: { marker: 'second-event' } },
    ]).execute();
    await db().insertInto('mailbox').values([
      { directory_id: defaultDirectory.id, to_address: 'a@example.com', subject: 'default mail', text_body: '', html_body: '' },
      { directory_id: secondId, to_address: 'b@example.com', subject: 'second mail', text_body: '', html_body: '' },
    ]).execute();
    const limited = await signedIn(LIMITED);
    const auditPage = (await limited.get('/admin/audit')).body;
    assert.match(visibleText(auditPage), /second-event/);
    assert.doesNotMatch(visibleText(auditPage), /default-event/);
    const types = [...auditPage.matchAll(/<td><code>([a-z_]+)<\/code><\/td>/g)].map((m) => m[1]);
    assert.deepEqual(types, ['sign_in'], 'no installation-wide administrator events either');
    const mailbox = visibleText((await limited.get('/admin/mailbox')).body);
    assert.match(mailbox, /second mail/);
    assert.doesNotMatch(mailbox, /default mail/);
    const otherMail = await db().selectFrom('mailbox').select('id').where('subject', '=', 'default mail').executeTakeFirstOrThrow();
    assert.equal((await limited.get(`/admin/mailbox/${otherMail.id}`)).status, 404);
    const exported = await limited.get('/admin/audit/export?format=json');
    const rows = JSON.parse(exported.body) as { directory: string | null }[];
    assert.ok(rows.length > 0 && rows.every((r) => r.directory === 'second'));
    const owner = await signedIn(OWNER);
    const everything = visibleText((await owner.get('/admin/audit')).body);
    assert.match(everything, /default-event/);
    assert.match(everything, /second-event/);
    assert.match(visibleText((await owner.get('/admin/mailbox')).body), /default mail/);
  });

  it('removes an administrator, whose session ends at once; never oneself; an unknown id changes nothing', async () => {
    const limited = await signedIn(LIMITED);
    const owner = await signedIn(OWNER);
    const page = await owner.get(PAGE);
    assert.equal((page.body.match(/>Remove<\/button>/g) ?? []).length, 1, 'no Remove button for oneself');
    const ownerId = (await db().selectFrom('admins').select('id').where('email', '=', OWNER.email).executeTakeFirstOrThrow()).id;
    const self = await owner.post(`${PAGE}/${ownerId}/remove`, {});
    assert.equal(self.status, 409);
    assert.match(visibleText(self.body), /You cannot remove yourself/);
    const unknown = await owner.post(`${PAGE}/00000000-0000-0000-0000-000000000000/remove`, {});
    assert.equal(unknown.status, 404);
    const junk = await owner.post(`${PAGE}/not-an-id/remove`, {});
    assert.equal(junk.status, 404);
    assert.equal(await adminCount(), 2);

    await owner.get(PAGE);
    const removed = await owner.post(formAction(owner.last!.body, 'Remove'), {});
    assert.match(visibleText(removed.body), /Administrator removed\./);
    assert.equal(await adminCount(), 1);
    const after = await limited.get('/admin/d/second', { follow: false });
    assert.equal(after.status, 303, 'the removed administrator is signed out');
    const again = await signInAdmin(new FormClient(lk.baseUrl), LIMITED.email, LIMITED.password);
    assert.match(visibleText(again.body), /The email or password is incorrect\./);
    const audit = await db().selectFrom('audit_events').selectAll().where('type', '=', 'admin_removed').executeTakeFirstOrThrow();
    assert.equal(audit.admin_id, ownerId);
    assert.equal(audit.detail.email, LIMITED.email);
  });

  it('an administrator added with every directory can manage administrators too', async () => {
    const owner = await signedIn(OWNER);
    await owner.get(PAGE);
    const full = { email: 'deputy@example.com', password: 'copper-kettle-whistle-9' };
    await owner.post(PAGE, { email: full.email, password: full.password, confirm: full.password, access: 'all' });
    const deputy = await signedIn(full);
    assert.equal((await deputy.get(PAGE)).status, 200);
    assert.equal((await deputy.get('/admin/d/default')).status, 200);
    assert.equal((await deputy.get('/admin/d/second')).status, 200);
  });
});
