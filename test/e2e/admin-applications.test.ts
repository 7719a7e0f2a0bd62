import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createApplicationStore, isClientSecretValid } from '../../src/applications/application-store.ts';
import { formAction, visibleText } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signedInAdminAt } from './admin-test-kit.ts';
import { authorizationRequest, discover, signInThroughApp } from './oidc-steps.ts';

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };
const PAGE = '/admin/d/default/applications';

describe('admin portal: App registrations', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startReachableLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount({ email: 'ada@example.com', password: 'correct horse battery staple' });
  });
  after(() => lk.close());

  const rows = async () => lk.latchkey.db.selectFrom('applications').selectAll().execute();

  const admin = () => signedInAdminAt(lk.baseUrl, ADMIN, PAGE);

  it('registers a confidential application: the secret is shown once, stored hashed, and works at the token endpoint', async () => {
    const client = await admin();
    const page = await client.post(PAGE, { display_name: 'Contoso web', redirect_uris: 'https://app.example/callback', client_type: 'confidential', flows: ['B2C_1_signin', 'B2C_1_passwordreset'] });
    assert.equal(page.status, 200);
    assert.match(visibleText(page.body), /Application registered\./);
    const secret = /<code class="secret">([^<]+)<\/code>/.exec(page.body)?.[1];
    assert.ok(secret);
    const [row] = (await rows()).filter((r) => r.display_name === 'Contoso web');
    assert.ok(row);
    assert.deepEqual(row.allowed_user_flows, ['B2C_1_signin', 'B2C_1_passwordreset']);
    assert.notEqual(row.secret_hash, secret);
    assert.ok(isClientSecretValid(row, secret));
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const again = await client.get(PAGE);
    assert.ok(!again.body.includes(secret), 'the secret is never shown again');

    const config = await discover(lk, row.client_id, secret);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'ada@example.com', 'correct horse battery staple');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.ok(tokens.id_token);

    const rotated = await client.post(formAction(again.body, 'Rotate secret'), {});
    const fresh = /<code class="secret">([^<]+)<\/code>/.exec(rotated.body)?.[1];
    assert.ok(fresh && fresh !== secret);
    const [after] = (await rows()).filter((r) => r.id === row.id);
    assert.ok(after && !isClientSecretValid(after, secret) && isClientSecretValid(after, fresh));
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('type').where('type', 'like', 'admin_application%').execute();
    assert.deepEqual(audit.map((a) => a.type).sort(), ['admin_application_registered', 'admin_application_secret_rotated']);
  });

  const cases: Array<[string, Record<string, string | string[]>, RegExp]> = [
    ['a plain-http redirect URI', { redirect_uris: 'http://app.example/cb' }, /must use https, or http on localhost/],
    ['a fragment', { redirect_uris: 'https://app.example/cb#x' }, /must not contain a #fragment/],
    ['no redirect URI', { redirect_uris: '  \n ' }, /Enter 1 to 10 redirect URIs/],
    ['eleven redirect URIs', { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://app.example/${i}`).join('\n') }, /Enter 1 to 10 redirect URIs/],
    ['an empty name', { display_name: '' }, /Enter a display name/],
    ['an oversized name', { display_name: 'x'.repeat(5000) }, /Enter a display name/],
    ['an unknown user flow', { flows: 'B2C_1_nope' }, /Choose user flows of this directory only/],
    ['a repeated client type', { client_type: ['public', 'confidential'] }, /Enter 1 to 10 redirect URIs|Enter a display name/],
  ];
  for (const [label, fields, message] of cases) {
    it(`refuses ${label} with a clear message, keeps what was typed, and writes nothing`, async () => {
      const client = await admin();
      const before = (await rows()).length;
      const page = await client.post(PAGE, { ...{ display_name: 'Bad app', redirect_uris: 'https://app.example/cb', client_type: 'public' }, ...fields });
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), message);
      if (!('display_name' in fields)) assert.match(page.body, /value="Bad app"/);
      assert.equal((await rows()).length, before);
    });
  }

  it('deletes a registration; its client can no longer start a sign-in', async () => {
    const client = await admin();
    const page = await client.post(PAGE, { display_name: 'Short lived', redirect_uris: 'https://app.example/callback', client_type: 'public' });
    const row = (await rows()).find((r) => r.display_name === 'Short lived');
    assert.ok(row);
    const deleted = await client.post(formAction(page.body.slice(page.body.indexOf('Short lived')), 'Delete'), {});
    assert.match(visibleText(deleted.body), /Application deleted\./);
    assert.equal((await rows()).find((r) => r.id === row.id), undefined);
    const response = await fetch(`${lk.baseUrl}/d/default/oauth2/authorize?client_id=${row.client_id}&response_type=code&scope=openid&redirect_uri=https://app.example/callback`);
    assert.equal(response.status, 400);
  });

  it('edits a registration: name, redirect URIs and user flows change, the client type and secret do not; bad input changes nothing', async () => {
    const client = await admin();
    await client.post(PAGE, { display_name: 'Editable', redirect_uris: 'https://app.example/callback', client_type: 'confidential' });
    const row = (await rows()).find((r) => r.display_name === 'Editable')!;
    const editPath = `${PAGE}/${row.id}`;
    const form = await client.get(editPath);
    assert.match(form.body, /value="Editable"/);
    const saved = await client.post(editPath, { display_name: 'Edited', redirect_uris: 'https://app.example/new\nhttps://app.example/two', client_type: 'public', flows: 'B2C_1_signin' });
    assert.match(visibleText(saved.body), /Application saved\./);
    const after = (await rows()).find((r) => r.id === row.id)!;
    assert.deepEqual([after.display_name, after.redirect_uris, after.allowed_user_flows, after.client_type, after.secret_hash], ['Edited', ['https://app.example/new', 'https://app.example/two'], ['B2C_1_signin'], 'confidential', row.secret_hash]);

    await client.get(editPath);
    const refused = await client.post(editPath, { display_name: 'Edited again', redirect_uris: 'http://app.example/insecure', client_type: 'confidential' });
    assert.equal(refused.status, 400);
    assert.match(visibleText(refused.body), /must use https/);
    assert.match(refused.body, /value="Edited again"/, 'what was typed is kept');
    assert.deepEqual((await rows()).find((r) => r.id === row.id), after);

    const builtIn = await createApplicationStore(lk.latchkey.db).ensureBuiltIn(row.directory_id, `${lk.baseUrl}/admin/d/default/run/callback`);
    assert.equal((await client.get(`${PAGE}/${builtIn.id}`, { follow: false })).status, 303, 'the test application is not editable');
    assert.equal((await client.get(`${PAGE}/not-an-id`, { follow: false })).status, 303);
  });

  it('is only for signed-in administrators', async () => {
    const anonymous = new FormClient(lk.baseUrl);
    const page = await anonymous.get(PAGE, { follow: false });
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location') ?? '', /^\/admin\?next=/);
  });
});
