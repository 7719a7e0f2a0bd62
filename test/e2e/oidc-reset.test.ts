import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { FormClient, formAction, visibleText } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { authorizationRequest, discover, registerApp, signInThroughApp, walk } from './oidc-steps.ts';
import { EN, RESET, chooseNewPassword, codeMailAfter, requestCodeAndRead, submitCode } from './password-reset-steps.ts';

const OLD = 'correct horse battery staple';
const NEW = 'a brand new passphrase 2026';

describe('password reset and applications', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startReachableLatchkey();
    await lk.setResetScope('all');
  });
  after(() => lk.close());

  test('R18: after a reset every refresh and access token of the account is refused, in every application', async () => {
    await lk.createAccount({ email: 'grace@example.com', password: OLD });
    const apps = await Promise.all([registerApp(lk), registerApp(lk)]);
    const held = [];
    for (const { application } of apps) {
      const config = await discover(lk, application.client_id);
      const request = await authorizationRequest(config);
      const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'grace@example.com', OLD);
      held.push({ config, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce }) });
    }
    const customer = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    const code = await requestCodeAndRead(lk, customer, 'grace@example.com');
    await submitCode(customer, code);
    const done = await chooseNewPassword(customer, NEW);
    assert.ok(visibleText(done.body).includes('Your password has been reset'));
    for (const { config, tokens } of held) {
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (error: { error?: string }) => error.error === 'invalid_grant');
      await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
    }
  });

  test('R19: "Can\'t access your account?" inside an application\'s sign-in resets, returns to the same sign-in, then to the app with tokens', async () => {
    await lk.createAccount({ email: 'katherine@example.com', password: OLD });
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const browser = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    const signIn = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok(!('callback' in signIn));
    const interaction = new URL(signIn.url).pathname;
    assert.match(interaction, /^\/d\/default\/interaction\/[\w-]+$/);
    assert.ok(!visibleText(signIn.body).includes('Sign up now'), 'a sign-in-only user flow offers no sign-up');

    const resetLink = /href="([^"]+\/reset)"/.exec(signIn.body)?.[1];
    assert.ok(resetLink, 'the user flow offers "Can\'t access your account?"');
    const requestPage = await browser.get(resetLink);
    assert.equal(new URL(requestPage.url).pathname, RESET);
    const seen = lk.smtp.messages.length;
    const sent = await browser.post(RESET, { email: 'katherine@example.com' });
    assert.ok(visibleText(sent.body).includes(EN.sent));
    const { codeIn } = await import('../support/smtp-sink.ts');
    await submitCode(browser, codeIn(await codeMailAfter(lk, 'katherine@example.com', seen)));
    const back = await chooseNewPassword(browser, NEW);
    assert.equal(new URL(back.url).pathname, interaction, 'back in the same sign-in');
    assert.ok(visibleText(back.body).includes('Your password has been reset. Sign in with your new password.'));

    const landed = await walk(browser, await browser.post(formAction(back.body, 'Sign in'), { identifier: 'katherine@example.com', password: NEW }, { follow: false }));
    assert.ok('callback' in landed, 'the application gets its answer, not an error');
    assert.equal(landed.callback.searchParams.get('error'), null);
    const tokens = await oidc.authorizationCodeGrant(config, landed.callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.equal(tokens.claims()?.email, 'katherine@example.com');
  });

  test('the password reset user flow on its own: reset first, then sign in, then tokens', async () => {
    await lk.createAccount({ email: 'dorothy@example.com', password: OLD });
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_passwordreset' });
    const browser = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    const start = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok(!('callback' in start));
    const requestPage = await browser.get(start.headers.get('location') ?? start.url);
    assert.equal(new URL(requestPage.url).pathname, RESET);
    const code = await requestCodeAndRead(lk, browser, 'dorothy@example.com');
    await submitCode(browser, code);
    const back = await chooseNewPassword(browser, NEW);
    const landed = await walk(browser, await browser.post(formAction(back.body, 'Sign in'), { identifier: 'dorothy@example.com', password: NEW }, { follow: false }));
    assert.ok('callback' in landed);
    const tokens = await oidc.authorizationCodeGrant(config, landed.callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.equal(tokens.claims()?.tfp, 'B2C_1_passwordreset');
  });
});
