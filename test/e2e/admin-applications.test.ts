import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { isClientSecretValid } from '../../src/applications/application-store.ts';
import { formAction, visibleText } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';
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

  async function admin(): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    await client.get(PAGE);
    return client;
  }

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

  it('is only for signed-in administrators', async () => {
    const anonymous = new FormClient(lk.baseUrl);
    const page = await anonymous.get(PAGE, { follow: false });
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location') ?? '', /^\/admin\?next=/);
  });
});
