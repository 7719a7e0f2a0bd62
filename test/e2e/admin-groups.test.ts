import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signedInAdminAt } from './admin-test-kit.ts';
import { customer, EN, requestCode, sameAddress } from './password-reset-steps.ts';

// Groups of a directory, and the password reset scope "Selected" that names them: only members can
// reset; anyone else gets the same screens and an email sending them to support.

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };
const GROUPS = '/admin/d/default/groups';
const RESET_SETTING = '/admin/d/default/password-reset';
const UNKNOWN = '0b7e4c1a-95c2-4bde-8f0e-3f8a7c1d2e9b';

describe('admin portal: Groups, and reset for selected groups only', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
  });
  after(() => lk.close());

  const db = () => lk.latchkey.db;
  const groupRows = () => db().selectFrom('groups').selectAll().orderBy('name').execute();
  const memberRows = () => db().selectFrom('group_members').select(['group_id', 'account_id']).orderBy('account_id').execute();

  const admin = (path = GROUPS) => signedInAdminAt(lk.baseUrl, ADMIN, path);

  async function createGroup(client: FormClient, name: string): Promise<string> {
    await client.get(GROUPS);
    const page = await client.post(GROUPS, { name });
    assert.match(visibleText(page.body), /Group created\./);
    return /\/groups\/([0-9a-f-]{36})/.exec(page.url)![1]!;
  }

  it('creates, renames and deletes a group; adds a member found by search and removes them; every step audited', async () => {
    const ada = await lk.createAccount({ email: 'ada@example.com', password: 'a long passphrase 1', displayName: 'Ada Lovelace' });
    const client = await admin('/admin/d/default');
    assert.match(client.last!.body, /<a href="\/admin\/d\/default\/groups">Groups<\/a>/);
    const id = await createGroup(client, 'Staff');
    const search = await client.get(`${GROUPS}/${id}?q=ada`);
    assert.match(visibleText(search.body), /ada@example\.com Ada Lovelace Add/);
    const offered = /name="account_id" value="([^"]+)"/.exec(search.body)?.[1];
    assert.equal(offered, ada);
    const added = await client.post(formAction(search.body, 'name="account_id"'), { account_id: offered });
    assert.match(visibleText(added.body), /Member added\./);
    assert.deepEqual(await memberRows(), [{ group_id: id, account_id: ada }]);
    assert.match(added.body, /href="\/admin\/d\/default\/users\/[^"]+">ada@example\.com<\/a>/);
    const user = await client.get(`/admin/d/default/users/${ada}`);
    assert.match(visibleText(user.body), /Groups Staff/);

    const renamed = await client.post(formAction(added.body, 'Save name'), { name: 'Employees' });
    assert.match(visibleText(renamed.body), /Group renamed\./);
    assert.equal((await groupRows())[0]?.name, 'Employees');
    const removed = await client.post(formAction(renamed.body, 'Remove'), {});
    assert.match(visibleText(removed.body), /Member removed\./);
    assert.deepEqual(await memberRows(), []);
    const deleted = await client.post(formAction(removed.body, 'Delete group'), {});
    assert.match(visibleText(deleted.body), /Group deleted\./);
    assert.deepEqual(await groupRows(), []);
    const types = (await db().selectFrom('audit_events').select('type').where('type', 'like', 'admin_group%').orderBy('created_at').execute()).map((r) => r.type);
    assert.deepEqual(types, ['admin_group_created', 'admin_group_member_added', 'admin_group_renamed', 'admin_group_member_removed', 'admin_group_deleted']);
  });

  for (const [label, name, message] of [['an empty name', '   ', /Enter a group name/], ['an oversized name', 'g'.repeat(5000), /Enter a group name/], ['a duplicate name', 'SUPPORT', /already exists/]] as const) {
    it(`refuses to create or rename to ${label}, changing nothing`, async () => {
      const client = await admin();
      if (!(await groupRows()).some((g) => g.name === 'Support')) await createGroup(client, 'Support');
      const other = (await groupRows()).find((g) => g.name === 'Other') ? (await groupRows()).find((g) => g.name === 'Other')!.id : await createGroup(client, 'Other');
      const before = await groupRows();
      await client.get(GROUPS);
      const created = await client.post(GROUPS, { name });
      assert.equal(created.status, 400);
      assert.match(visibleText(created.body), message);
      await client.get(`${GROUPS}/${other}`);
      const renamed = await client.post(`${GROUPS}/${other}/rename`, { name });
      assert.equal(renamed.status, 400);
      assert.match(visibleText(renamed.body), message);
      assert.deepEqual(await groupRows(), before);
    });
  }

  it('answers 404 for unknown, malformed or other directories\' group and account ids, and changes nothing', async () => {
    const otherDirectory = await db().insertInto('directories').values({ slug: 'elsewhere', display_name: 'Elsewhere' }).returning('id').executeTakeFirstOrThrow();
    const foreignAccount = await db().insertInto('accounts').values({ directory_id: otherDirectory.id, email: 'f@example.com', email_canonical: 'f@example.com', display_name: 'F', password_hash: 'h' }).returning('id').executeTakeFirstOrThrow();
    const foreignGroup = await db().insertInto('groups').values({ directory_id: otherDirectory.id, name: 'Theirs', name_canonical: 'theirs' }).returning('id').executeTakeFirstOrThrow();
    const client = await admin();
    const mine = await createGroup(client, 'Mine');
    const before = [await groupRows(), await memberRows()];
    for (const group of [UNKNOWN, 'nope', foreignGroup.id]) {
      for (const action of ['rename', 'delete', 'members', `members/${UNKNOWN}/remove`]) {
        const page = await client.post(`${GROUPS}/${group}/${action}`, { name: 'X', account_id: UNKNOWN });
        assert.equal(page.status, 404, `${group} ${action}`);
        assert.match(visibleText(page.body), /no group with this ID/);
      }
    }
    for (const account of [UNKNOWN, 'nope', foreignAccount.id]) {
      const add = await client.post(`${GROUPS}/${mine}/members`, { account_id: account });
      assert.equal(add.status, 404, account);
      assert.match(visibleText(add.body), /no user with this ID/);
      const remove = await client.post(`${GROUPS}/${mine}/members/${account}/remove`, {});
      assert.equal(remove.status, 404, account);
    }
    assert.deepEqual([await groupRows(), await memberRows()], before);
  });

  it('refuses group changes without a CSRF token (SE6)', async () => {
    const client = await admin();
    const id = await createGroup(client, 'Guarded');
    const before = await groupRows();
    for (const [path, fields] of [[GROUPS, { name: 'Sneaky' }], [`${GROUPS}/${id}/rename`, { name: 'Sneaky' }], [`${GROUPS}/${id}/delete`, {}]] as const) {
      const page = await client.post(path, { _csrf: '', ...fields });
      assert.equal(page.status, 403, path);
      assert.match(page.body, /data-error-code="error_csrf"/);
    }
    assert.deepEqual(await groupRows(), before);
  });

  it('"Selected" needs at least one group of this directory; with one, only its members get a code, others a mail pointing to support', async () => {
    await db().updateTable('directories').set({ support_contact: 'help@contoso.example' }).where('slug', '=', 'default').execute();
    await lk.latchkey.directoryChangesHeard();
    const member = await lk.createAccount({ email: 'member@example.com', password: 'a long passphrase 1' });
    await lk.createAccount({ email: 'outsider@example.com', password: 'a long passphrase 1', locale: 'fr' });
    const client = await admin();
    const group = await createGroup(client, 'Can reset');
    await client.post(`${GROUPS}/${group}/members`, { account_id: member });

    const setting = await client.get(RESET_SETTING);
    assert.match(setting.body, /id="reset-scope-selected"/);
    assert.match(setting.body, new RegExp(`name="reset_groups" value="${group}"`));
    const scope = async () => (await db().selectFrom('directories').select('reset_scope').where('slug', '=', 'default').executeTakeFirstOrThrow()).reset_scope;
    const before = await scope();
    for (const fields of [{ reset_scope: 'selected' }, { reset_scope: 'selected', reset_groups: UNKNOWN }, { reset_scope: 'selected', reset_groups: 'nope' }, { reset_scope: 'sometimes' }] as Record<string, string>[]) {
      await client.get(RESET_SETTING);
      const refused = await client.post(RESET_SETTING, fields);
      assert.equal(refused.status, 400, JSON.stringify(fields));
      assert.match(visibleText(refused.body), /Nothing was changed\./);
      assert.equal(await scope(), before);
    }
    await client.get(RESET_SETTING);
    const saved = await client.post(RESET_SETTING, { reset_scope: 'selected', reset_groups: group });
    assert.match(visibleText(saved.body), /Saved/);
    assert.equal(await scope(), 'selected');
    assert.deepEqual((await groupRows()).filter((g) => g.reset_allowed).map((g) => g.id), [group]);

    const seen = lk.smtp.messages.length;
    for (const email of ['member@example.com', 'outsider@example.com']) {
      const page = await requestCode(customer(lk), email);
      assert.equal(page.status, 200);
      assert.ok(visibleText(page.body).includes(EN.sent));
    }
    const code = await lk.smtp.waitFor((m) => sameAddress(m.to[0]!, 'member@example.com') && lk.smtp.messages.indexOf(m) >= seen);
    assert.match(code.subject, /your code to reset your password/);
    const refusal = await lk.smtp.waitFor((m) => sameAddress(m.to[0]!, 'outsider@example.com') && lk.smtp.messages.indexOf(m) >= seen);
    assert.match(refusal.subject, /la réinitialisation du mot de passe n’est pas disponible pour votre compte/);
    assert.match(refusal.text, /Votre administrateur n’a pas activé la réinitialisation en libre-service pour votre compte/);
    assert.match(refusal.text, /help@contoso\.example/);
    assert.ok(!/\b\d{6}\b/.test(refusal.text), 'no code in the refusal');
  });
});
