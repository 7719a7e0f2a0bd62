import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { FormClient } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { authorizationRequest, discover, registerApp, signInThroughApp } from './oidc-steps.ts';

const PASSWORD = 'correct horse battery staple';

describe('an application signs customers in over OpenID Connect', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startReachableLatchkey();
    await lk.createAccount({ email: 'ada@example.com', password: PASSWORD, displayName: 'Ada Lovelace' });
  });
  after(() => lk.close());

  test('authorization code with PKCE, hosted sign-in, signed ID token, userinfo and refresh', async () => {
    const { application } = await registerApp(lk);
    const config = await discover(lk, application.client_id);
    assert.equal(config.serverMetadata().issuer, `${lk.baseUrl}/d/default`);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, 'ada@example.com', PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.email, 'ada@example.com');
    assert.equal(claims.name, 'Ada Lovelace');
    assert.equal(claims.tfp, 'B2C_1_signin', 'the user flow that signed the customer in');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.email, 'ada@example.com');
    assert.ok(tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
  });
});
