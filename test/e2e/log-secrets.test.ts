import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import { translator } from '../../src/i18n/i18n.ts';
import { FormClient, formAction } from '../support/form-client.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { signInAdmin } from './admin-test-kit.ts';
import { authorizationRequest, discover, registerApp, signInThroughApp } from './oidc-steps.ts';
import { chooseNewPassword, requestCodeAndRead, submitCode } from './password-reset-steps.ts';

// Every log line Latchkey writes at the most talkative level, across every flow that handles a secret,
// searched for each secret that went by: passwords, codes, cookies, OAuth codes and tokens, the client
// secret, the metrics token. The log is for operators; a secret in it is a secret leaked to them all.

const en = translator('en');
const ADMIN = { email: 'root@example.com', password: 'admin passphrase for logs 9' };
const FIRST_PASSWORD = 'lantern meadow copper 51';
const SECOND_PASSWORD = 'harbour violet engine 73';
const METRICS_TOKEN = 'scraper-bearer-token-abcdefghijklmnop';

describe('log lines carry no secrets', () => {
  let lk: TestLatchkey;
  const lines: string[] = [];
  const secrets = new Set<string>();
  const keep = (...values: Array<string | undefined | null>) => {
    for (const value of values) if (value) secrets.add(value);
  };
  // oidc-provider's interaction cookies hold the interaction id, which is in the page's URL by design (and
  // so in the request log line); the cookie that makes it usable is the browser's `_session`, kept here.
  const keepCookies = (client: FormClient) => keep(...[...client.cookies].filter(([name]) => !name.startsWith('_interaction')).map(([, value]) => value));

  before(async () => {
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    lk = await startReachableLatchkey({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, METRICS_TOKEN }, { logger });
    await lk.setResetScope('all');
  });
  after(async () => {
    await lk?.close();
  });

  it('sign-up, sign-in, reset with a code, OpenID Connect code and token exchange, admin sign-in: no secret in any line; every request line has its id', async () => {
    const email = 'logged@example.com';
    keep(FIRST_PASSWORD, SECOND_PASSWORD, ADMIN.password, METRICS_TOKEN);

    // Sign-up with the emailed code.
    const newcomer = new FormClient(lk.baseUrl);
    await newcomer.get('/d/default/signup');
    let seen = lk.smtp.messages.length;
    await newcomer.post(formAction(newcomer.last!.body), { email });
    const signUpCode = codeIn(await lk.smtp.waitFor((m) => lk.smtp.messages.indexOf(m) >= seen));
    keep(signUpCode);
    await newcomer.post(formAction(newcomer.last!.body, en('sign_up_verify_code')), { code: signUpCode });
    const created = await newcomer.post(formAction(newcomer.last!.body, en('sign_up_create')), { display_name: 'Logged Person', password: FIRST_PASSWORD, confirm_password: FIRST_PASSWORD });
    assert.match(created.url, /\/account$/);
    keepCookies(newcomer);

    // Sign-in.
    const returning = new FormClient(lk.baseUrl);
    await returning.get('/d/default/signin');
    assert.match((await returning.post('/d/default/signin', { identifier: email, password: FIRST_PASSWORD })).url, /\/account$/);
    keepCookies(returning);

    // Password reset with the emailed code.
    const forgetful = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    seen = lk.smtp.messages.length;
    const resetCode = await requestCodeAndRead(lk, forgetful, email);
    keep(resetCode);
    await submitCode(forgetful, resetCode);
    keepCookies(forgetful);
    const reset = await chooseNewPassword(forgetful, SECOND_PASSWORD);
    assert.match(reset.url, /\/signin/);

    // OpenID Connect: authorization code with PKCE, token exchange, userinfo, refresh, revocation, logout.
    const { application, clientSecret } = await registerApp(lk, { confidential: true });
    keep(clientSecret);
    const config = await discover(lk, application.client_id, clientSecret);
    const request = await authorizationRequest(config);
    keep(request.verifier);
    const browser = new FormClient(lk.baseUrl);
    const callback = await signInThroughApp(browser, request, email, SECOND_PASSWORD);
    keepCookies(browser);
    keep(callback.searchParams.get('code'));
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    keep(tokens.access_token, tokens.refresh_token, tokens.id_token);
    assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email, email);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    keep(refreshed.access_token, refreshed.refresh_token, refreshed.id_token);
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    const logout = await fetch(oidc.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token! }), { redirect: 'manual' });
    assert.ok(logout.status < 500);

    // Admin sign-in, and a scrape with the metrics token.
    const admin = new FormClient(lk.baseUrl);
    assert.equal((await signInAdmin(admin, ADMIN.email, ADMIN.password)).status, 200);
    keepCookies(admin);
    assert.equal((await fetch(`${lk.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);

    // Short values (a cookie flag) could match by chance; every secret here is a code or at least 20 characters.
    const checked = [...secrets].filter((s) => s.length >= 20 || /^\d{6}$/.test(s));
    assert.ok(checked.length >= 20, `${checked.length} secrets checked`);
    assert.ok(lines.length > 40, `${lines.length} log lines written`);
    for (const line of lines) {
      for (const secret of checked) assert.ok(!line.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log line ${line.slice(0, 300)}`);
    }
    const requestLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => 'req' in entry || 'res' in entry);
    assert.ok(requestLines.length > 40);
    for (const entry of requestLines) assert.equal(typeof entry.reqId, 'string', JSON.stringify(entry));
  });
});
