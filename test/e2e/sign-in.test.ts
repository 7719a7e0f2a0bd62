import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/domain/secrets.ts';
import { translator } from '../../src/i18n/i18n.ts';
import { FormClient, visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// The sign-in page as a browser sees it: what it shows, what a success leaves behind (session cookie),
// and that every failure is the same failure from the outside (L3).

const en = translator('en');
const PASSWORD = 'copper kettle morning 81';

async function signIn(client: FormClient, identifier: string, password: string, directory = 'default'): Promise<Page> {
  await client.get(`/d/${directory}/signin`);
  return client.post(`/d/${directory}/signin`, { identifier, password });
}

function sessionCookie(page: Page, name: string): string | undefined {
  return page.setCookies.find((line) => line.startsWith(`${name}=`));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('sign-in', () => {
  let lk: TestLatchkey;

  before(async () => {
    lk = await startTestLatchkey();
  });
  after(async () => {
    await lk?.close();
  });

  it('P6: shows heading, fields with autocomplete username/current-password, a show-password toggle and "Sign up now"', async () => {
    const page = await new FormClient(lk.baseUrl).get('/d/default/signin');
    const text = visibleText(page.body);
    for (const key of ['sign_in_heading', 'field_email', 'field_password', 'sign_in_submit', 'sign_in_sign_up_link'] as const) assert.ok(text.includes(en(key)), key);
    assert.match(page.body, /<input[^>]*name="identifier"[^>]*autocomplete="username"/);
    assert.match(page.body, /<input[^>]*name="password"[^>]*autocomplete="current-password"/);
    assert.ok(page.body.includes('data-toggle-password="password"'));
    assert.ok(page.body.includes('href="/d/default/signup"'));
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  it('feature off: while reset_scope is none there is no "Can\'t access your account?" link; with all there is', async () => {
    await lk.setResetScope('none');
    const off = await new FormClient(lk.baseUrl).get('/d/default/signin');
    assert.ok(!visibleText(off.body).includes("Can't access your account?"));
    assert.ok(!off.body.includes('/d/default/reset'));
    await lk.setResetScope('all');
    const on = await new FormClient(lk.baseUrl).get('/d/default/signin');
    assert.ok(visibleText(on.body).includes("Can't access your account?"));
    assert.ok(on.body.includes('href="/d/default/reset"'));
    const fr = await new FormClient(lk.baseUrl).get('/d/default/signin?ui_locales=fr');
    assert.ok(visibleText(fr.body).includes('Votre compte n’est pas accessible ?'));
    await lk.setResetScope('none');
  });

  it('shows the notice for ?notice=password_reset and nothing for an unknown notice', async () => {
    const page = await new FormClient(lk.baseUrl).get('/d/default/signin?notice=password_reset');
    assert.ok(visibleText(page.body).includes('Your password has been reset. Sign in with your new password.'));
    const other = await new FormClient(lk.baseUrl).get('/d/default/signin?notice=%3Cscript%3E');
    assert.ok(!other.body.includes('role="status"'));
  });

  it('SE1, SE2, SE3: a success sets a fresh ≥128-bit HttpOnly SameSite=Lax session cookie stored only hashed, and lands on My account', async () => {
    const accountId = await lk.createAccount({ email: 'se@example.com', password: PASSWORD, displayName: 'Session Person' });
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const redirect = await client.post('/d/default/signin', { identifier: 'SE@example.com', password: PASSWORD }, { follow: false });
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.get('location'), '/d/default/account');
    const line = sessionCookie(redirect, 'lk_session');
    assert.ok(line, redirect.setCookies.join(' | '));
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.match(line, /; Path=\//i);
    const value = client.cookies.get('lk_session') ?? '';
    assert.ok(Buffer.from(value, 'base64url').length >= 16, 'at least 128 bits');
    const sessions = await lk.latchkey.db.selectFrom('sessions').selectAll().where('account_id', '=', accountId).execute();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.id_hash, sha256(value));
    assert.ok(!JSON.stringify(sessions).includes(value), 'the database never holds the cookie value');
    const account = await client.get('/d/default/account');
    assert.equal(account.headers.get('cache-control'), 'no-store');
    assert.ok(visibleText(account.body).includes('Session Person'));

    await signIn(client, 'se@example.com', PASSWORD);
    const second = client.cookies.get('lk_session');
    assert.ok(second && second !== value, 'a new session id on every sign-in');
    const old = await lk.latchkey.db.selectFrom('sessions').select('revoked_at').where('id_hash', '=', sha256(value)).executeTakeFirstOrThrow();
    assert.ok(old.revoked_at, 'the session the browser held before is ended');
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('outcome').where('type', '=', 'sign_in').where('account_id', '=', accountId).execute();
    assert.equal(audit.filter((a) => a.outcome === 'success').length, 2);
  });

  it('L3: wrong password, unknown account, locked (with the right password) and disabled all get the same page, status and cookies', async () => {
    await lk.createAccount({ email: 'wrong@example.com', password: PASSWORD });
    const lockedId = await lk.createAccount({ email: 'locked@example.com', password: PASSWORD });
    await lk.createAccount({ email: 'disabled@example.com', password: PASSWORD, disabled: true });
    await lk.latchkey.db.updateTable('accounts').set({ locked_until: new Date(Date.now() + 600_000), lockouts: 1 }).where('id', '=', lockedId).execute();
    const cases = [
      ['wrong@example.com', 'not the password 1'],
      ['nobody@example.com', PASSWORD],
      ['locked@example.com', PASSWORD],
      ['disabled@example.com', PASSWORD],
    ] as const;
    const seen: Array<{ status: number; text: string; cookies: string[] }> = [];
    for (const [identifier, password] of cases) {
      const page = await signIn(new FormClient(lk.baseUrl), identifier, password);
      assert.ok(visibleText(page.body).includes(en('sign_in_failed')), identifier);
      seen.push({ status: page.status, text: visibleText(page.body), cookies: page.setCookies.map((c) => c.split('=')[0] ?? '').sort() });
      assert.ok(page.body.includes(`value="${identifier}"`), 'what was typed is kept');
    }
    for (const other of seen.slice(1)) assert.deepEqual(other, seen[0]);
    const locked = await lk.latchkey.db.selectFrom('accounts').select(['failed_sign_ins', 'lockouts']).where('id', '=', lockedId).executeTakeFirstOrThrow();
    assert.deepEqual(locked, { failed_sign_ins: 0, lockouts: 1 }, 'refused while locked, without counting');
  });

  it('L3: unknown, locked and disabled accounts cost one argon2 verification like a wrong password does', async () => {
    await lk.createAccount({ email: 'timing@example.com', password: PASSWORD });
    const lockedId = await lk.createAccount({ email: 'timing-locked@example.com', password: PASSWORD });
    await lk.createAccount({ email: 'timing-disabled@example.com', password: PASSWORD, disabled: true });
    await lk.latchkey.db.updateTable('accounts').set({ locked_until: new Date(Date.now() + 600_000) }).where('id', '=', lockedId).execute();
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const time = async (identifier: string, password: string) => {
      const start = performance.now();
      await client.post('/d/default/signin', { identifier, password });
      return performance.now() - start;
    };
    const rounds = { wrong: [] as number[], unknown: [] as number[], locked: [] as number[], disabled: [] as number[] };
    // Interleaved so drift in machine load hits every case alike; 8 wrong passwords stay under the threshold.
    for (let i = 0; i < 8; i++) {
      rounds.wrong.push(await time('timing@example.com', `wrong guess ${i}`));
      rounds.unknown.push(await time(`nobody-${i}@example.com`, `wrong guess ${i}`));
      rounds.locked.push(await time('timing-locked@example.com', PASSWORD));
      rounds.disabled.push(await time('timing-disabled@example.com', PASSWORD));
    }
    const reference = median(rounds.wrong);
    // Without its argon2 verification a refusal would take a few milliseconds; with it, about as long.
    for (const [name, values] of Object.entries(rounds)) {
      assert.ok(median(values) > reference * 0.6, `${name}: median ${median(values).toFixed(1)} ms vs wrong password ${reference.toFixed(1)} ms`);
    }
  });

  it('R4: a successful sign-in clears the count of wrong reset codes, so an attacker cannot keep the owner\'s reset blocked', async () => {
    const accountId = await lk.createAccount({ email: 'r4-owner@example.com', password: PASSWORD });
    await lk.latchkey.db.updateTable('accounts').set({ reset_code_failures: 50 }).where('id', '=', accountId).execute();
    const client = new FormClient(lk.baseUrl);
    const wrong = await signIn(client, 'r4-owner@example.com', 'not the password at all');
    const afterWrong = await lk.latchkey.db.selectFrom('accounts').select('reset_code_failures').where('id', '=', accountId).executeTakeFirstOrThrow();
    assert.equal(afterWrong.reset_code_failures, 50, `a failed sign-in clears nothing (${wrong.status})`);
    await signIn(client, 'r4-owner@example.com', PASSWORD);
    assert.match(client.last?.url ?? '', /\/account$/);
    const afterRight = await lk.latchkey.db.selectFrom('accounts').select('reset_code_failures').where('id', '=', accountId).executeTakeFirstOrThrow();
    assert.equal(afterRight.reset_code_failures, 0);
  });

  it('P3: a password set in composed Unicode signs in with its decomposed form', async () => {
    const composed = 'Crème brûlée à la française';
    const decomposed = composed.normalize('NFD');
    assert.notEqual(composed, decomposed);
    await lk.createAccount({ email: 'unicode@example.com', password: composed });
    const page = await signIn(new FormClient(lk.baseUrl), 'unicode@example.com', decomposed);
    assert.match(page.url, /\/account$/);
  });

  it('SE6, R10: sign-in without _csrf is 403; a repeated password field is 400', async () => {
    await lk.createAccount({ email: 'forms@example.com', password: PASSWORD });
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const forged = await client.post('/d/default/signin', { _csrf: '', identifier: 'forms@example.com', password: PASSWORD });
    assert.equal(forged.status, 403);
    assert.equal(client.cookies.has('lk_session'), false);
    await client.get('/d/default/signin');
    const repeated = await client.post('/d/default/signin', { identifier: 'forms@example.com', password: [PASSWORD, 'other'] });
    assert.equal(repeated.status, 400);
  });
});

describe('sign-in over https', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey({ PUBLIC_URL: 'https://login.latchkey.test' });
  });
  after(async () => {
    await lk?.close();
  });

  it('SE3: with an https PUBLIC_URL the session cookie is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    await lk.createAccount({ email: 'secure@example.com', password: PASSWORD });
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    const redirect = await client.post('/d/default/signin', { identifier: 'secure@example.com', password: PASSWORD }, { follow: false });
    const line = sessionCookie(redirect, '__Host-lk_session');
    assert.ok(line, redirect.setCookies.join(' | '));
    for (const attribute of [/; Secure/i, /; HttpOnly/i, /; SameSite=Lax/i, /; Path=\/(;|$)/i]) assert.match(line, attribute);
    assert.doesNotMatch(line, /; Domain=/i);
  });
});
