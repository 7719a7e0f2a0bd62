import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { formAction, visibleText, type Page } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signedInAdminAt } from './admin-test-kit.ts';
import { authorizationRequest, discover, registerApp, signInThroughApp, walk } from './oidc-steps.ts';
import { chooseNewPassword, customer, EN, requestCodeAndRead, sameAddress, submitCode } from './password-reset-steps.ts';

// What an administrator's actions on an account do to the customer's access: blocking ends everything
// at once (SE5, R22); the two password actions leave the password to the customer (R23).

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };
const OLD = 'the original passphrase';
const NEW = 'a brand new passphrase 7';

describe('admin actions on customer access', () => {
  let lk: TestLatchkey;
  let app: Awaited<ReturnType<typeof registerApp>>;
  before(async () => {
    lk = await startReachableLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    app = await registerApp(lk);
  });
  after(() => lk.close());

  const account = (id: string) => lk.latchkey.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  async function adminAction(id: string, action: string): Promise<Page> {
    const client = await signedInAdminAt(lk.baseUrl, ADMIN, `/admin/d/default/users/${id}`);
    return client.post(`/admin/d/default/users/${id}/${action}`, {});
  }

  async function signIn(client: FormClient, email: string, password: string): Promise<Page> {
    await client.get('/d/default/signin');
    return client.post('/d/default/signin', { identifier: email, password });
  }

  async function tokensFor(email: string) {
    const config = await discover(lk, app.application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const callback = await signInThroughApp(new FormClient(lk.baseUrl), request, email, OLD);
    return { config, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce }) };
  }

  it('SE5: blocking ends every session server-side (a replayed cookie gets nothing) and revokes refresh tokens; unblocking lets the customer sign in again', async () => {
    const id = await lk.createAccount({ email: 'blocked@example.com', password: OLD });
    const browser = new FormClient(lk.baseUrl);
    assert.ok((await signIn(browser, 'blocked@example.com', OLD)).url.endsWith('/d/default/account'));
    const { config, tokens } = await tokensFor('blocked@example.com');
    assert.ok(tokens.refresh_token);

    const blocked = await adminAction(id, 'block');
    assert.match(visibleText(blocked.body), /User blocked\. Every session and application token has been ended\./);
    assert.equal((await account(id)).disabled, true);
    const replay = await browser.get('/d/default/account', { follow: false });
    assert.equal(replay.status, 303);
    assert.match(replay.headers.get('location') ?? '', /\/d\/default\/signin\?notice=session_required/);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (error: { error?: string }) => error.error === 'invalid_grant');
    const refused = await signIn(new FormClient(lk.baseUrl), 'blocked@example.com', OLD);
    assert.equal(refused.status, 400);
    const audit = await lk.latchkey.db.selectFrom('audit_events').select(['detail', 'admin_id']).where('type', '=', 'admin_user_blocked').where('account_id', '=', id).executeTakeFirstOrThrow();
    assert.ok(audit.admin_id);
    assert.ok(Number(audit.detail.sessionsEnded) >= 1 && Number(audit.detail.tokensRevoked) >= 1, JSON.stringify(audit.detail));

    assert.match(visibleText((await adminAction(id, 'unblock')).body), /User unblocked\./);
    assert.ok((await signIn(new FormClient(lk.baseUrl), 'blocked@example.com', OLD)).url.endsWith('/d/default/account'));
  });

  it('R22: a reset code issued before the account was blocked is refused, and the password stays', async () => {
    await lk.setResetScope('all');
    const id = await lk.createAccount({ email: 'r22@example.com', password: OLD });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r22@example.com');
    const before = await account(id);
    await adminAction(id, 'block');
    const page = await submitCode(client, code);
    assert.ok(visibleText(page.body).includes(EN.wrong), visibleText(page.body));
    const row = await account(id);
    assert.equal(row.disabled, true);
    assert.equal(row.password_hash, before.password_hash);
    assert.ok(!visibleText(page.body).includes(EN.verified));
    assert.ok(!(await lk.latchkey.db.selectFrom('audit_events').select('type').where('account_id', '=', id).where('type', '=', 'reset_completed').executeTakeFirst()));
  });

  it('R23: "Send password-reset email" mails a link to the reset page, where the customer resets it themselves', async () => {
    await lk.setResetScope('all');
    const id = await lk.createAccount({ email: 'invited@example.com', password: OLD });
    const seen = lk.smtp.messages.length;
    const page = await adminAction(id, 'reset-email');
    assert.match(visibleText(page.body), /Password-reset email queued\./);
    const mail = await lk.smtp.waitFor((m) => sameAddress(m.to[0]!, 'invited@example.com') && lk.smtp.messages.indexOf(m) >= seen);
    assert.match(mail.subject, /choose a new password/);
    assert.ok(mail.text.includes(`${lk.config.publicUrl.href.replace(/\/$/, '')}/d/default/reset`), mail.text);
    const client = customer(lk);
    await submitCode(client, await requestCodeAndRead(lk, client, 'invited@example.com'));
    const done = await chooseNewPassword(client, NEW);
    assert.ok(done.url.includes('/d/default/signin'), done.url);
    assert.ok((await signIn(new FormClient(lk.baseUrl), 'invited@example.com', NEW)).url.endsWith('/d/default/account'));
    assert.ok(await lk.latchkey.db.selectFrom('audit_events').select('id').where('type', '=', 'admin_user_reset_email_sent').where('account_id', '=', id).executeTakeFirst());
  });

  it('R23: with self-service reset off for the account, no reset email is sent and the page says why', async () => {
    await lk.setResetScope('none');
    const id = await lk.createAccount({ email: 'nomail@example.com', password: OLD });
    const outbox = async () => (await lk.latchkey.db.selectFrom('outbox').select('id').where('to_address', '=', 'nomail@example.com').execute()).length;
    const page = await adminAction(id, 'reset-email');
    assert.equal(page.status, 409);
    assert.match(visibleText(page.body), /No email was sent: self-service password reset is not enabled for this user/);
    assert.equal(await outbox(), 0);
    await lk.setResetScope('all');
  });

  it('R23: after "Force password change", the next sign-in leads to a change-password page that enforces the policy, then continues', async () => {
    const id = await lk.createAccount({ email: 'forced@example.com', password: OLD, displayName: 'Forced Person' });
    assert.match(visibleText((await adminAction(id, 'force-change')).body), /must change their password at next sign-in/);
    const browser = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    const page = await signIn(browser, 'forced@example.com', OLD);
    assert.ok(page.url.endsWith('/d/default/change-password'), page.url);
    assert.match(visibleText(page.body), /Your administrator asks you to choose a new password before you continue\./);
    assert.ok((await browser.get('/d/default/account')).url.endsWith('/d/default/change-password'), 'the account page waits for the change');
    for (const [next, confirmation, message] of [[NEW, `${NEW}x`, /do not match/], ['password123', 'password123', /too common/], ['short', 'short', /at least 8/], ['forced person pass', 'forced person pass', /must not contain/]] as const) {
      const refused = await browser.post(formAction(browser.last!.body, 'Save and continue'), { new_password: next, confirm_new_password: confirmation });
      assert.equal(refused.status, 400);
      assert.match(visibleText(refused.body), message);
      assert.equal((await account(id)).must_change_password, true);
    }
    const noCsrf = await browser.post('/d/default/change-password', { _csrf: '', new_password: NEW, confirm_new_password: NEW });
    assert.equal(noCsrf.status, 403);
    assert.equal((await account(id)).must_change_password, true);
    await browser.get('/d/default/change-password');
    const changed = await browser.post(formAction(browser.last!.body, 'Save and continue'), { new_password: NEW, confirm_new_password: NEW });
    assert.ok(changed.url.endsWith('/d/default/account?notice=password_changed'), changed.url);
    assert.equal((await account(id)).must_change_password, false);
    assert.equal((await signIn(new FormClient(lk.baseUrl), 'forced@example.com', OLD)).status, 400);
    assert.ok((await signIn(new FormClient(lk.baseUrl), 'forced@example.com', NEW)).url.endsWith('/d/default/account'));
    const types = (await lk.latchkey.db.selectFrom('audit_events').select('type').where('account_id', '=', id).execute()).map((r) => r.type);
    assert.ok(types.includes('admin_user_password_change_forced') && types.includes('forced_password_changed'), types.join());
  });

  it('R23: inside an application\'s user flow the forced change comes before the tokens, also for a browser already signed in', async () => {
    const id = await lk.createAccount({ email: 'forced.oidc@example.com', password: OLD });
    const browser = new FormClient(lk.baseUrl);
    await signIn(browser, 'forced.oidc@example.com', OLD);
    await adminAction(id, 'force-change');
    const config = await discover(lk, app.application.client_id);
    const request = await authorizationRequest(config, { p: 'B2C_1_signin' });
    const stop = await walk(browser, await browser.get(request.url.href, { follow: false }));
    assert.ok(!('callback' in stop), 'no code before the new password');
    assert.match(stop.url, /\/interaction\/[^/]+\/change-password$/);
    assert.equal(stop.status, 200);
    const weak = await browser.post(formAction(stop.body, 'Save and continue'), { new_password: 'password123', confirm_new_password: 'password123' }, { follow: false });
    assert.equal(weak.status, 400);
    const landed = await walk(browser, await browser.post(formAction(weak.body, 'Save and continue'), { new_password: NEW, confirm_new_password: NEW }, { follow: false }));
    assert.ok('callback' in landed);
    const tokens = await oidc.authorizationCodeGrant(config, landed.callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.equal(tokens.claims()?.sub, id);
    assert.equal((await account(id)).must_change_password, false);
  });
});
