import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { FormClient, formAction, visibleText } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { authorizationRequest, discover, registerApp, walk } from './oidc-steps.ts';

const PASSWORD = 'correct horse battery staple';

describe('user flows an application can start', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startReachableLatchkey();
    await lk.createAccount({ email: 'ada@example.com', password: PASSWORD, displayName: 'Ada' });
  });
  after(() => lk.close());

  /** An application starts the profile editing flow; Ada signs in and lands on the profile page. */
  async function openProfileEditing() {
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_profileedit' });
    const browser = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    const signIn = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok(!('callback' in signIn));
    const profile = await walk(browser, await browser.post(formAction(signIn.body, 'Sign in'), { identifier: 'ada@example.com', password: PASSWORD }, { follow: false }));
    assert.ok(!('callback' in profile));
    return { config, request, browser, profile };
  }

  test('profile editing: sign in, change the display name, and the new name is in the ID token', async () => {
    const { config, request, browser, profile } = await openProfileEditing();
    assert.match(visibleText(profile.body), /Edit your profile/);
    const refused = await browser.post(formAction(profile.body, 'Continue'), { display_name: '   ' }, { follow: false });
    assert.equal(refused.status, 400);
    assert.match(visibleText(refused.body), /Enter a display name of 1 to 100 characters\./);
    const landed = await walk(browser, await browser.post(formAction(refused.body, 'Continue'), { display_name: 'Ada Lovelace' }, { follow: false }));
    assert.ok('callback' in landed);
    const tokens = await oidc.authorizationCodeGrant(config, landed.callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.equal(tokens.claims()?.name, 'Ada Lovelace');
    assert.equal(tokens.claims()?.tfp, 'B2C_1_profileedit');
  });

  test('profile editing collects what its flow collects: the language, among those the directory offers only', async () => {
    const db = lk.latchkey.db;
    await db.updateTable('user_flows').set({ collected_attributes: ['locale'] }).where('name', '=', 'B2C_1_profileedit').execute();
    await db.updateTable('directories').set({ offered_locales: ['en', 'fr'] }).where('slug', '=', 'default').execute();
    await lk.latchkey.directoryChangesHeard();
    const { browser, profile } = await openProfileEditing();
    assert.ok(!profile.body.includes('name="display_name"'), 'the display name is not collected by this flow');
    assert.deepEqual([...profile.body.matchAll(/<option value="([a-z]{2})"/g)].map((m) => m[1]), ['en', 'fr']);
    const refused = await browser.post(formAction(profile.body, 'Continue'), { locale: 'es' }, { follow: false });
    assert.equal(refused.status, 400, 'a language the directory does not offer');
    const landed = await walk(browser, await browser.post(formAction(refused.body, 'Continue'), { locale: 'fr', display_name: 'Not collected' }, { follow: false }));
    assert.ok('callback' in landed);
    const account = await db.selectFrom('accounts').select(['locale', 'display_name']).where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    assert.equal(account.locale, 'fr');
    assert.notEqual(account.display_name, 'Not collected', 'an attribute the flow does not collect is ignored');
  });

  test('an unknown or foreign interaction gets a plain "expired" page, in the customer\'s language', async () => {
    const response = await fetch(`${lk.baseUrl}/d/default/interaction/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { 'accept-language': 'fr' } });
    assert.equal(response.status, 400);
    assert.match(visibleText(await response.text()), /Ce lien de connexion n’est plus valide/);
    const malformed = await fetch(`${lk.baseUrl}/d/default/interaction/..%2F..%2Fetc`);
    assert.ok(malformed.status >= 400 && malformed.status < 500);
  });

  test('an unknown user flow name is refused to the application, not shown as a server error', async () => {
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_nope' });
    const browser = new FormClient(lk.baseUrl);
    const answer = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok('callback' in answer);
    assert.equal(answer.callback.searchParams.get('error'), 'invalid_request');
  });
});
