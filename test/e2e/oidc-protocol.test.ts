import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { FormClient } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { CALLBACK, authorizationRequest, discover, registerApp, signInThroughApp, walk } from './oidc-steps.ts';

const PASSWORD = 'correct horse battery staple';

describe('OpenID Connect protocol rules', () => {
  let lk: TestLatchkey;
  let clientId: string;
  let config: oidc.Configuration;
  before(async () => {
    lk = await startReachableLatchkey();
    await lk.createAccount({ email: 'ada@example.com', password: PASSWORD });
    clientId = (await registerApp(lk)).application.client_id;
    config = await discover(lk, clientId);
  });
  after(() => lk.close());

  test('discovery advertises only what works: code flow, S256, and none or client_secret_basic', async () => {
    const meta = (await (await fetch(`${lk.baseUrl}/d/default/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['none', 'client_secret_basic']);
    assert.equal(meta.issuer, `${lk.baseUrl}/d/default`);
  });

  async function tokensFor(params: Record<string, string> = {}) {
    const request = await authorizationRequest(config, params);
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'ada@example.com', PASSWORD);
    return { request, callback, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce }) };
  }

  /** The first answer to an authorize request: an error page here, or a redirect to the application. */
  async function authorize(params: Record<string, string>) {
    const url = new URL(`${lk.baseUrl}/d/default/oauth2/authorize`);
    for (const [k, v] of Object.entries({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, state: 's', ...params })) url.searchParams.set(k, v);
    const browser = new FormClient(lk.baseUrl);
    return walk(browser, await browser.get(url.href, { follow: false }));
  }

  for (const uri of [`${CALLBACK}/`, `${CALLBACK}?x=1`, 'https://app.example/callbacks', 'https://APP.example/callback', 'https://evil.example/callback']) {
    test(`O1: a redirect URI that is not exactly the registered one is refused without redirecting (${uri})`, async () => {
      const answer = await authorize({ redirect_uri: uri, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      assert.ok(!('callback' in answer), `redirected to ${'callback' in answer ? answer.callback.href : ''}`);
      assert.equal(answer.status, 400);
    });
  }

  test('O2: an authorization code works once; its replay is refused and revokes the tokens issued from it', async () => {
    const { request, callback, tokens } = await tokensFor();
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (error: { error?: string }) => error.error === 'invalid_grant');
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
  });

  test('O2: an authorization code lives at most 10 minutes', async () => {
    const discovery = await (await fetch(`${lk.baseUrl}/d/default/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.ok(discovery.authorization_endpoint);
    const { TOKEN_TTL } = await import('../../src/oidc/oidc-provider-factory.ts');
    assert.ok(TOKEN_TTL.AuthorizationCode <= 600);
    const { request, callback } = await (async () => {
      const r = await authorizationRequest(config);
      return { request: r, callback: await signInThroughApp(new FormClient(lk.baseUrl), r, 'ada@example.com', PASSWORD) };
    })();
    // Age the code past its lifetime in storage, as time would.
    await lk.latchkey.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 1000) }).where('model', '=', 'AuthorizationCode').execute();
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
  });

  test('O3: a public client must send PKCE; without it the request is refused', async () => {
    const answer = await authorize({});
    assert.ok('callback' in answer);
    assert.equal(answer.callback.searchParams.get('error'), 'invalid_request');
  });

  test('O3: the `plain` PKCE method is refused', async () => {
    const answer = await authorize({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    assert.ok('callback' in answer);
    assert.equal(answer.callback.searchParams.get('error'), 'invalid_request');
  });

  test('O3: a wrong code verifier is refused at the token endpoint', async () => {
    const request = await authorizationRequest(config);
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'ada@example.com', PASSWORD);
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: request.state, expectedNonce: request.nonce }),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
  });

  test('O4: refresh tokens rotate, and reusing a spent one revokes the whole grant', async () => {
    const { tokens } = await tokensFor();
    const second = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(second.refresh_token && second.refresh_token !== tokens.refresh_token);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (error: { error?: string }) => error.error === 'invalid_grant');
    // The thief's replay also ends the legitimate holder's newer token.
    await assert.rejects(oidc.refreshTokenGrant(config, second.refresh_token), (error: { error?: string }) => error.error === 'invalid_grant');
  });

  test('O5: an oversized authorize parameter gets a fast 400', async () => {
    const started = performance.now();
    const response = await fetch(`${lk.baseUrl}/d/default/oauth2/authorize?client_id=${clientId}&state=${'x'.repeat(6000)}`);
    assert.equal(response.status, 400);
    assert.ok(performance.now() - started < 1000);
  });

  test('O5: an oversized token request body gets a fast 400', async () => {
    const response = await fetch(`${lk.baseUrl}/d/default/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'x'.repeat(100_000)}`,
    });
    assert.equal(response.status, 400);
  });

  test('a confidential client authenticates with its secret, which Latchkey keeps only hashed', async () => {
    const { application, clientSecret } = await registerApp(lk, { confidential: true });
    assert.ok(clientSecret);
    assert.notEqual(application.secret_hash, clientSecret);
    const good = await discover(lk, application.client_id, clientSecret);
    const request = await authorizationRequest(good);
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'ada@example.com', PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(good, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.ok(tokens.id_token);
    const wrong = await discover(lk, application.client_id, `${clientSecret}x`);
    const again = await authorizationRequest(wrong);
    const callback2 = await signInThroughApp(new FormClient(lk.baseUrl), again, 'ada@example.com', PASSWORD);
    await assert.rejects(
      oidc.authorizationCodeGrant(wrong, callback2, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce }),
      // A 401 with a WWW-Authenticate challenge naming invalid_client.
      (error: { status?: number; cause?: Array<{ parameters?: { error?: string } }> }) => error.status === 401 && error.cause?.[0]?.parameters?.error === 'invalid_client',
    );
  });

  test('an application limited to some user flows cannot start another', async () => {
    const { application } = await registerApp(lk, { flows: ['B2C_1_signin'] });
    const limited = await discover(lk, application.client_id);
    const request = await authorizationRequest(limited, { p: 'B2C_1_signupsignin' });
    const browser = new FormClient(lk.baseUrl);
    const answer = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok('callback' in answer);
    assert.equal(answer.callback.searchParams.get('error'), 'invalid_request');
  });

  test('the per-flow path starts that user flow, as p= does', async () => {
    const request = await authorizationRequest(config);
    const url = new URL(request.url);
    url.pathname = '/d/default/B2C_1_signin/oauth2/authorize';
    const browser = new FormClient(lk.baseUrl);
    const page = await walk(browser, await browser.get(url.href, { follow: false }));
    assert.ok(!('callback' in page));
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes('/signup'), 'sign-in-only flow');
  });
});
