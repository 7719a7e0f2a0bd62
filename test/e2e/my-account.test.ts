import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/domain/secrets.ts';
import { translator } from '../../src/i18n/i18n.ts';
import { FormClient, formAction, visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// "My account": only for a live session, change password with the current one, sign out for real.

const en = translator('en');
const PASSWORD = 'amber meadow whistle 19';
const NEW_PASSWORD = 'quiet river stones 2024';

describe('my account', () => {
  let lk: TestLatchkey;

  before(async () => {
    lk = await startTestLatchkey();
  });
  after(async () => {
    await lk?.close();
  });

  async function signedIn(email: string, password = PASSWORD): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const page = await client.post('/d/default/signin', { identifier: email, password });
    assert.match(page.url, /\/account$/, `${email} signs in`);
    return client;
  }

  function changePassword(client: FormClient, fields: { current: string; next: string; confirmation?: string }): Promise<Page> {
    return client.post(formAction(client.last!.body, en('account_change_password')), {
      current_password: fields.current,
      new_password: fields.next,
      confirm_new_password: fields.confirmation ?? fields.next,
    });
  }

  async function canSignIn(email: string, password: string): Promise<boolean> {
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const page = await client.post('/d/default/signin', { identifier: email, password });
    return /\/account$/.test(page.url);
  }

  it('SE3: without a session the page redirects to sign-in; with one it shows name, email and username, marked no-store', async () => {
    const anonymous = await new FormClient(lk.baseUrl).get('/d/default/account', { follow: false });
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/d\/default\/signin/);
    await lk.createAccount({ email: 'Profile@Example.com', password: PASSWORD, displayName: 'Pat <Profile>', username: 'pat_p' });
    const client = await signedIn('profile@example.com');
    const page = client.last!;
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const text = visibleText(page.body);
    for (const shown of ['Pat <Profile>', 'Profile@Example.com', 'pat_p', en('account_change_password'), en('account_sign_out')]) assert.ok(text.includes(shown), shown);
    assert.ok(page.body.includes('Pat &#60;Profile&#62;'), 'escaped');
  });

  it('P6: the change-password form has current-password and new-password autocomplete and show-password toggles', async () => {
    await lk.createAccount({ email: 'p6@example.com', password: PASSWORD });
    const body = (await signedIn('p6@example.com')).last!.body;
    assert.match(body, /name="current_password"[^>]*autocomplete="current-password"/);
    assert.match(body, /name="new_password"[^>]*autocomplete="new-password"/);
    assert.match(body, /name="confirm_new_password"[^>]*autocomplete="new-password"/);
    assert.equal((body.match(/data-toggle-password=/g) ?? []).length, 3);
  });

  it('P7: a wrong current password changes nothing; policy problems are explained', async () => {
    await lk.createAccount({ email: 'p7@example.com', password: PASSWORD, displayName: 'Seven' });
    const client = await signedIn('p7@example.com');
    const wrong = await changePassword(client, { current: 'not my password', next: NEW_PASSWORD });
    assert.equal(wrong.status, 400);
    assert.ok(visibleText(wrong.body).includes(en('account_current_password_wrong')));
    const weak = await changePassword(client, { current: PASSWORD, next: 'short' });
    assert.ok(visibleText(weak.body).includes(en('password_too_short', { min: 8 })));
    const mine = await changePassword(client, { current: PASSWORD, next: 'p7@example.com!!' });
    assert.ok(visibleText(mine.body).includes(en('password_contains_identifier')));
    assert.ok(await canSignIn('p7@example.com', PASSWORD), 'the old password still works');
    assert.equal(await canSignIn('p7@example.com', NEW_PASSWORD), false);
  });

  it('R20, P7: changing the password with the current one keeps this session, ends the others and mails a notice without a secret', async () => {
    const id = await lk.createAccount({ email: 'r20@example.com', password: PASSWORD, displayName: 'Twenty' });
    const other = await signedIn('r20@example.com');
    const client = await signedIn('r20@example.com');
    const page = await changePassword(client, { current: PASSWORD, next: NEW_PASSWORD });
    assert.match(page.url, /\/account\?notice=password_changed$/);
    assert.ok(visibleText(page.body).includes(en('account_password_changed')));
    const mail = await lk.smtp.waitFor((m) => m.to.includes('r20@example.com'));
    assert.ok(mail.subject.includes('password was changed'), mail.subject);
    assert.ok(!mail.text.includes(NEW_PASSWORD) && !/\b\d{6}\b/.test(mail.text), 'no secret in the mail');
    const stillHere = await client.get('/d/default/account', { follow: false });
    assert.equal(stillHere.status, 200, 'this session survives');
    const otherPage = await other.get('/d/default/account', { follow: false });
    assert.equal(otherPage.status, 303, 'the other session is ended');
    assert.ok(await canSignIn('r20@example.com', NEW_PASSWORD));
    assert.equal(await canSignIn('r20@example.com', PASSWORD), false);
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('type').where('account_id', '=', id).execute();
    assert.ok(audit.some((a) => a.type === 'password_changed'));
  });

  it('SE5: sign-out ends the session server-side; replaying the old cookie gets nothing', async () => {
    await lk.createAccount({ email: 'se5@example.com', password: PASSWORD, displayName: 'Five' });
    const client = await signedIn('se5@example.com');
    const cookie = client.cookies.get('lk_session') ?? '';
    const out = await client.post(formAction(client.last!.body, en('account_sign_out')), {});
    assert.match(out.url, /\/signin\?notice=signed_out$/);
    assert.ok(visibleText(out.body).includes(en('sign_in_notice_signed_out')));
    assert.equal(client.cookies.has('lk_session'), false, 'the browser drops the cookie');
    const row = await lk.latchkey.db.selectFrom('sessions').select('revoked_at').where('id_hash', '=', sha256(cookie)).executeTakeFirstOrThrow();
    assert.ok(row.revoked_at);
    const replay = await fetch(`${lk.baseUrl}/d/default/account`, { headers: { cookie: `lk_session=${cookie}` }, redirect: 'manual' });
    const body = await replay.text();
    assert.equal(replay.status, 303);
    assert.ok(!body.includes('Five') && !body.includes('se5@example.com'));
  });

  it('SE6: sign-out and change-password without _csrf are refused with 403 and change nothing', async () => {
    await lk.createAccount({ email: 'se6@example.com', password: PASSWORD });
    const client = await signedIn('se6@example.com');
    const out = await client.post('/d/default/account/signout', { _csrf: '' });
    assert.equal(out.status, 403);
    const change = await client.post('/d/default/account/password', { _csrf: '', current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_new_password: NEW_PASSWORD });
    assert.equal(change.status, 403);
    assert.equal((await client.get('/d/default/account', { follow: false })).status, 200, 'still signed in');
    assert.ok(await canSignIn('se6@example.com', PASSWORD));
  });

  it('a disabled account loses its page even with a live session', async () => {
    const id = await lk.createAccount({ email: 'gone@example.com', password: PASSWORD });
    const client = await signedIn('gone@example.com');
    await lk.latchkey.db.updateTable('accounts').set({ disabled: true }).where('id', '=', id).execute();
    assert.equal((await client.get('/d/default/account', { follow: false })).status, 303);
  });
});
