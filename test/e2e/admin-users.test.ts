import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signedInAdminAt } from './admin-test-kit.ts';

// The Users page of a directory: search and pagination, creating a local account, viewing and editing
// one, and every refusal (bad input, unknown ids, missing CSRF) leaving the database as it was.

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };
const USERS = '/admin/d/default/users';
const UNKNOWN = '0b7e4c1a-95c2-4bde-8f0e-3f8a7c1d2e9b';

describe('admin portal: Users', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
  });
  after(() => lk.close());

  const db = () => lk.latchkey.db;
  const accountByEmail = (email: string) => db().selectFrom('accounts').selectAll().where('email_canonical', '=', email.toLowerCase()).executeTakeFirst();
  const auditTypes = async () => (await db().selectFrom('audit_events').select('type').where('type', 'like', 'admin_user%').execute()).map((r) => r.type);

  const admin = (path = USERS) => signedInAdminAt(lk.baseUrl, ADMIN, path);

  it('the directory navigation has a Users entry, and the page finds accounts by the start of email, username or display name', async () => {
    await lk.createAccount({ email: 'grace.hopper@example.com', password: 'a long passphrase 1', displayName: 'Rear Admiral', username: 'amazing_grace' });
    await lk.createAccount({ email: 'alan@example.com', password: 'a long passphrase 1', displayName: 'Grace Notes' });
    await lk.createAccount({ email: 'edsger@example.com', password: 'a long passphrase 1', displayName: 'Dijkstra' });
    const client = await admin('/admin/d/default');
    assert.match(client.last!.body, /<a href="\/admin\/d\/default\/users">Users<\/a>/);
    const found = async (q: string) => {
      const page = await client.get(`${USERS}?q=${encodeURIComponent(q)}`);
      assert.equal(page.status, 200);
      return [...page.body.matchAll(/<td><a href="[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1]).sort();
    };
    assert.deepEqual(await found('GRACE.'), ['grace.hopper@example.com']);
    assert.deepEqual(await found('amazing'), ['grace.hopper@example.com']);
    assert.deepEqual(await found('grace'), ['alan@example.com', 'grace.hopper@example.com']);
    assert.deepEqual(await found('dijk'), ['edsger@example.com']);
    assert.deepEqual(await found('%'), [], 'LIKE wildcards are searched for literally');
    assert.match(visibleText(client.last!.body), /No user matches\./);
    const oversized = await client.get(`${USERS}?q=${'x'.repeat(300)}`);
    assert.equal(oversized.status, 400);
    assert.match(visibleText(oversized.body), /Search for at most 254 characters\./);
  });

  it('pages through results 25 at a time with a Next page link', async () => {
    const directory = await db().selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
    await db().insertInto('accounts').values(Array.from({ length: 30 }, (_, i) => ({
      directory_id: directory.id, email: `page${String(i).padStart(2, '0')}@example.com`, email_canonical: `page${String(i).padStart(2, '0')}@example.com`,
      display_name: `Paged ${i}`, password_hash: 'not-a-hash',
    }))).execute();
    const client = await admin();
    const first = await client.get(`${USERS}?q=page`);
    assert.equal((first.body.match(/<tr>/g) ?? []).length - 1, 25);
    const next = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replace(/&#38;/g, '&');
    assert.ok(next);
    const second = await client.get(next);
    const emails = [...second.body.matchAll(/>(page\d\d@example\.com)</g)].map((m) => m[1]);
    assert.deepEqual(emails, ['page25@example.com', 'page26@example.com', 'page27@example.com', 'page28@example.com', 'page29@example.com']);
    assert.ok(!/rel="next"/.test(second.body));
  });

  it('creates a local account with the customer password policy, and the customer signs in with it', async () => {
    const client = await admin();
    const page = await client.post(USERS, { email: 'Ada@Example.com', display_name: 'Ada Lovelace', password: 'analytical engine 1843', email_verified: '1' });
    assert.equal(page.status, 200);
    assert.match(visibleText(page.body), /User created\./);
    const row = await accountByEmail('ada@example.com');
    assert.ok(row);
    assert.equal(row.email, 'Ada@Example.com');
    assert.equal(row.email_verified, true);
    assert.equal(row.must_change_password, false);
    assert.ok(row.password_hash.startsWith('$argon2id$'));
    assert.ok(!page.body.includes('analytical engine'), 'the password is never shown back');
    const customer = new FormClient(lk.baseUrl);
    await customer.get('/d/default/signin');
    const signedIn = await customer.post('/d/default/signin', { identifier: 'ada@example.com', password: 'analytical engine 1843' });
    assert.ok(signedIn.url.endsWith('/d/default/account'), signedIn.url);
    assert.ok((await auditTypes()).includes('admin_user_created'));
  });

  const refusals: Array<[string, Record<string, string | string[]>, RegExp]> = [
    ['an invalid email address', { email: 'not-an-address' }, /Enter a valid email address/],
    ['an oversized email address', { email: `${'a'.repeat(300)}@example.com` }, /Enter a valid email address/],
    ['an oversized display name', { display_name: 'x'.repeat(5000) }, /Enter a display name of 1 to 100 characters/],
    ['an empty display name', { display_name: '  ' }, /Enter a display name of 1 to 100 characters/],
    ['a short password', { password: 'short' }, /too short: at least 8 characters/],
    ['a common password', { password: 'password123' }, /too common/],
    ['a password containing the email address', { password: 'newperson-secret' }, /must not contain the email address/],
    ['an oversized password', { password: 'x'.repeat(5000) }, /Enter a valid email address|too long/],
    ['a repeated email field', { email: ['a@example.com', 'b@example.com'] }, /Enter a valid email address/],
    ['an email already in the directory', { email: 'GRACE.HOPPER@example.com' }, /already exists/],
  ];
  for (const [label, fields, message] of refusals) {
    it(`refuses to create a user with ${label}: a clear message, what was typed kept, nothing written`, async () => {
      const client = await admin();
      const before = (await db().selectFrom('accounts').select('id').execute()).length;
      const page = await client.post(USERS, { email: 'newperson@example.com', display_name: 'New Person', password: 'a fine long passphrase', ...fields });
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), message);
      if (!('display_name' in fields)) assert.match(page.body, /value="New Person"/);
      assert.equal((await db().selectFrom('accounts').select('id').execute()).length, before);
    });
  }

  it('shows one account: identities, verification, dates, lockout, sessions and groups, and never a password', async () => {
    const id = await lk.createAccount({ email: 'view@example.com', password: 'a long passphrase 1', displayName: 'Viewed Person', username: 'viewer' });
    await db().updateTable('accounts').set({ locked_until: new Date(Date.now() + 600_000), failed_sign_ins: 10 }).where('id', '=', id).execute();
    const client = await admin(`${USERS}/${id}`);
    const text = visibleText(client.last!.body);
    for (const expected of ['view@example.com', 'Username: viewer', 'Email verified Yes', 'Last sign-in Never', 'Locked out until', '10 failed sign-ins', 'Active sessions 0', 'Groups None']) {
      assert.ok(text.includes(expected), `${expected} in ${text}`);
    }
    assert.ok(!client.last!.body.includes('$argon2'));
  });

  it('edits the profile; bad values are refused and change nothing', async () => {
    const id = await lk.createAccount({ email: 'edit@example.com', password: 'a long passphrase 1', displayName: 'Before' });
    const client = await admin(`${USERS}/${id}`);
    const action = formAction(client.last!.body, 'Save profile');
    for (const [fields, message] of [
      [{ display_name: 'y'.repeat(5000), locale: 'fr' }, /Enter a display name/],
      [{ display_name: 'After', locale: 'de' }, /Choose a language from the list/],
    ] as const) {
      const refused = await client.post(action, fields);
      assert.equal(refused.status, 400);
      assert.match(visibleText(refused.body), message);
      const row = await accountByEmail('edit@example.com');
      assert.equal(row?.display_name, 'Before');
      assert.equal(row?.locale, null);
    }
    const saved = await client.post(action, { display_name: 'After', locale: 'nl' });
    assert.match(visibleText(saved.body), /Profile saved\./);
    const row = await accountByEmail('edit@example.com');
    assert.deepEqual([row?.display_name, row?.locale, row?.email_verified], ['After', 'nl', false]);
    const audit = await db().selectFrom('audit_events').select('detail').where('type', '=', 'admin_user_updated').where('account_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(audit.detail, { changed: { displayName: { from: 'Before', to: 'After' }, locale: { from: null, to: 'nl' }, emailVerified: { from: true, to: false } } });
  });

  it('deletes only after a confirmation step, and audits it', async () => {
    const id = await lk.createAccount({ email: 'leaving@example.com', password: 'a long passphrase 1' });
    const client = await admin(`${USERS}/${id}`);
    const confirm = await client.get(`${USERS}/${id}/delete`);
    assert.equal(confirm.status, 200);
    assert.match(visibleText(confirm.body), /Delete leaving@example.com for good\?/);
    assert.ok(await accountByEmail('leaving@example.com'), 'opening the confirmation deletes nothing');
    const done = await client.post(formAction(confirm.body, 'Delete for good'), {});
    assert.match(visibleText(done.body), /User deleted\./);
    assert.equal(await accountByEmail('leaving@example.com'), undefined);
    const audit = await db().selectFrom('audit_events').selectAll().where('type', '=', 'admin_user_deleted').where('account_id', '=', id).executeTakeFirst();
    assert.ok(audit?.admin_id);
  });

  for (const action of ['block', 'unblock', 'force-change', 'reset-email', 'delete', 'profile']) {
    it(`answers 404 for ${action} on an unknown, malformed or other directory's user id, and changes nothing`, async () => {
      const other = await db().insertInto('directories').values({ slug: `other-${action}`, display_name: 'Other' }).returning('id').executeTakeFirstOrThrow();
      const foreign = await db().insertInto('accounts').values({ directory_id: other.id, email: 'x@example.com', email_canonical: 'x@example.com', display_name: 'Foreign', password_hash: 'h' }).returning('id').executeTakeFirstOrThrow();
      const client = await admin();
      const before = await db().selectFrom('accounts').selectAll().orderBy('id').execute();
      for (const id of [UNKNOWN, 'not-a-uuid', foreign.id]) {
        const page = await client.post(`${USERS}/${id}/${action}`, { display_name: 'Changed', locale: '' });
        assert.equal(page.status, 404, `${action} ${id}`);
        assert.match(visibleText(page.body), /There is no user with this ID in this directory\. Nothing was changed\./);
      }
      assert.deepEqual(await db().selectFrom('accounts').selectAll().orderBy('id').execute(), before);
    });
  }

  it('refuses every user action without a CSRF token (SE6), changing nothing', async () => {
    const id = await lk.createAccount({ email: 'csrf@example.com', password: 'a long passphrase 1', displayName: 'Kept' });
    const client = await admin(`${USERS}/${id}`);
    const before = await accountByEmail('csrf@example.com');
    for (const action of ['block', 'force-change', 'reset-email', 'delete', 'profile']) {
      const page = await client.post(`${USERS}/${id}/${action}`, { _csrf: '', display_name: 'Changed', locale: '' });
      assert.equal(page.status, 403, action);
      assert.match(page.body, /data-error-code="error_csrf"/);
    }
    const created = await client.post(USERS, { _csrf: '', email: 'sneaky@example.com', display_name: 'S', password: 'a fine long passphrase' });
    assert.equal(created.status, 403);
    assert.deepEqual(await accountByEmail('csrf@example.com'), before);
    assert.equal(await accountByEmail('sneaky@example.com'), undefined);
  });
});
