import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { formAction, visibleText } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signedInAdminAt } from './admin-test-kit.ts';
import { authorizationRequest, discover, registerApp, signInThroughApp, walk } from './oidc-steps.ts';

// The User flows and Signing keys pages: what an administrator changes there is what the next
// authorize request, hosted page and token reflect; bad input is refused with a message and changes
// nothing.

const ADMIN = { email: 'flows@example.com', password: 'violet-harbour-lantern' };
const CUSTOMER = { email: 'ines@example.com', password: 'correct horse battery staple' };
const LIST = '/admin/d/default/user-flows';

describe('admin portal: User flows and Signing keys', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startReachableLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount({ email: CUSTOMER.email, password: CUSTOMER.password, displayName: 'Inès Dupont' });
    await lk.setResetScope('all');
  });
  after(() => lk.close());

  const flows = () => lk.latchkey.db.selectFrom('user_flows').selectAll().orderBy('name').execute();
  const flowNamed = async (name: string) => (await flows()).find((f) => f.name === name);

  const admin = (path = LIST) => signedInAdminAt(lk.baseUrl, ADMIN, path);

  it('lists the four default flows with their types and a "Run now" for each', async () => {
    const client = await admin();
    const text = visibleText(client.last!.body);
    for (const [name, type] of [['B2C_1_passwordreset', 'Password reset'], ['B2C_1_profileedit', 'Profile editing'], ['B2C_1_signin', 'Sign in'], ['B2C_1_signupsignin', 'Sign up and sign in']]) {
      assert.match(text, new RegExp(`${name} ${type}`));
      assert.match(text, new RegExp(`Run now ${name}`));
    }
  });

  it('creates a flow with B2C’s prefix; a taken name, a bad name or a bad type is refused and writes nothing', async () => {
    const client = await admin();
    const created = await client.post(LIST, { name: 'members', type: 'sign_in' });
    assert.equal(created.status, 200);
    assert.match(visibleText(created.body), /User flow created\./);
    const row = await flowNamed('B2C_1_members');
    assert.equal(row?.type, 'sign_in');
    assert.deepEqual(row?.token_claims, ['email', 'email_verified', 'name']);

    const before = (await flows()).length;
    for (const [fields, status, message] of [
      [{ name: 'B2C_1_MEMBERS', type: 'sign_in' }, 409, /already exists/],
      [{ name: '../etc', type: 'sign_in' }, 400, /Enter a name of 1 to 58/],
      [{ name: 'x'.repeat(5000), type: 'sign_in' }, 400, /Enter a name/],
      [{ name: 'ok', type: 'admin' }, 400, /Choose one of the four types/],
      [{ name: ['a', 'b'], type: 'sign_in' }, 400, /Enter a name/],
    ] as const) {
      const page = await client.post(LIST, fields as Record<string, string | string[]>);
      assert.equal(page.status, status, JSON.stringify(fields).slice(0, 80));
      assert.match(visibleText(page.body), message);
    }
    assert.equal((await flows()).length, before);
  });

  it('a flow’s properties apply to the next sign-in: claims in the token, reset link, default language', async () => {
    const flow = (await flowNamed('B2C_1_signin'))!;
    const client = await admin(`${LIST}/${flow.id}`);
    const saved = await client.post(`${LIST}/${flow.id}`, { password_reset: 'off', claims: ['email', 'preferred_username'], attributes: 'display_name', default_locale: 'fr' });
    assert.match(visibleText(saved.body), /Saved\./);
    const row = (await flowNamed('B2C_1_signin'))!;
    assert.deepEqual([row.password_reset, row.token_claims, row.default_locale], ['off', ['email', 'preferred_username'], 'fr']);

    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const browser = new FormClient(lk.baseUrl);
    const signInPage = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok('body' in signInPage);
    assert.match(signInPage.body, /<html lang="fr"/, 'the flow’s default language');
    assert.ok(!signInPage.body.includes('/reset"'), 'no "Can’t access your account?" in this flow');
    const landed = await walk(browser, await browser.post(formAction(signInPage.body), { identifier: CUSTOMER.email, password: CUSTOMER.password }, { follow: false }));
    assert.ok('callback' in landed);
    const tokens = await oidc.authorizationCodeGrant(config, landed.callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    const claims = tokens.claims()!;
    assert.equal(claims.email, CUSTOMER.email);
    assert.equal(claims.tfp, 'B2C_1_signin');
    assert.equal(claims.name, undefined, 'name was unticked');
    assert.equal(claims.email_verified, undefined, 'email_verified was unticked');

    // Back to the defaults, and the name is in the next token again.
    await client.post(`${LIST}/${flow.id}`, { password_reset: 'directory', claims: ['email', 'email_verified', 'name'], attributes: 'display_name', default_locale: '' });
    const again = await authorizationRequest(config, { p: 'B2C_1_signin', prompt: 'login' });
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), again, CUSTOMER.email, CUSTOMER.password);
    const next = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce });
    assert.equal(next.claims()!.name, 'Inès Dupont');
  });

  it('refuses unknown claims, attributes and languages with a message, and changes nothing', async () => {
    const flow = (await flowNamed('B2C_1_signupsignin'))!;
    const client = await admin(`${LIST}/${flow.id}`);
    const bad: Record<string, string | string[]>[] = [{ claims: 'password_hash' }, { attributes: 'email' }, { default_locale: 'xx' }, { password_reset: 'maybe' }, { claims: Array.from({ length: 50 }, () => 'email') }];
    for (const fields of bad) {
      const page = await client.post(`${LIST}/${flow.id}`, { default_locale: '', ...fields });
      assert.equal(page.status, 400, JSON.stringify(fields).slice(0, 60));
      assert.match(visibleText(page.body), /Choose among the options offered/);
    }
    assert.deepEqual(await flowNamed('B2C_1_signupsignin'), flow);
  });

  it('an id that is not a flow of this directory gets a 404 page; a POST without its CSRF token changes nothing', async () => {
    const client = await admin();
    assert.equal((await client.get(`${LIST}/not-a-uuid`)).status, 404);
    assert.equal((await client.get(`${LIST}/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await client.get(`${LIST}/------------------------------------`)).status, 404);
    const flow = (await flowNamed('B2C_1_profileedit'))!;
    const forged = await client.post(`${LIST}/${flow.id}/delete`, { _csrf: 'forged' });
    assert.equal(forged.status, 403);
    assert.ok(await flowNamed('B2C_1_profileedit'));
  });

  it('deletes a flow; an application naming it is refused at the authorize endpoint', async () => {
    const client = await admin();
    await client.post(LIST, { name: 'shortlived', type: 'sign_in' });
    const flow = (await flowNamed('B2C_1_shortlived'))!;
    const deleted = await client.post(formAction(client.last!.body, 'Delete user flow'), {});
    assert.match(visibleText(deleted.body), /User flow deleted\./);
    assert.equal(await flowNamed('B2C_1_shortlived'), undefined);
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('type').where('type', 'like', 'admin_user_flow%').where('detail', '@>', { userFlowId: flow.id }).execute();
    assert.deepEqual(audit.map((a) => a.type).sort(), ['admin_user_flow_created', 'admin_user_flow_deleted']);
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_shortlived' });
    const response = await fetch(request.url, { redirect: 'manual' });
    assert.equal(new URL(response.headers.get('location') ?? '', lk.baseUrl).searchParams.get('error'), 'invalid_request');
  });

  it('rotating the signing key: new tokens carry the new kid, and the old key stays in the JWKS for tokens it signed', async () => {
    const jwks = async () => ((await (await fetch(`${lk.baseUrl}/d/default/oauth2/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const { application } = await registerApp(lk);
    const kidOf = async () => {
      // A fresh client each time: openid-client caches the JWKS and would not see the new key for a while.
      const config = await discover(lk, application.client_id);
      const request = await authorizationRequest(config);
      const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, CUSTOMER.email, CUSTOMER.password);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
      return JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid as string;
    };
    const oldKid = await kidOf();
    assert.deepEqual(await jwks(), [oldKid]);

    const client = await admin('/admin/d/default/signing-keys');
    assert.match(visibleText(client.last!.body), new RegExp(`${oldKid} RS256 .* Signing`));
    const rotated = await client.post(formAction(client.last!.body, 'Rotate signing key'), {});
    assert.match(visibleText(rotated.body), /A new signing key was created/);
    const keys = await jwks();
    assert.equal(keys.length, 2);
    assert.equal(keys[1], oldKid, 'the retired key is still published, after the new one');
    const newKid = await kidOf();
    assert.equal(newKid, keys[0]);
    assert.notEqual(newKid, oldKid);
    assert.match(visibleText(rotated.body), new RegExp(`${oldKid} RS256 .* Retired; published until`));
  });
});
