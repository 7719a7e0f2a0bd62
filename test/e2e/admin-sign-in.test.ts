import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/domain/secrets.ts';
import { formAction, visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin, startInstance } from './admin-test-kit.ts';

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };

function cookieLine(setCookies: string[], name: string): string {
  const line = setCookies.find((c) => c.startsWith(`${name}=`));
  assert.ok(line, `a Set-Cookie for ${name}; got ${setCookies.join(' | ')}`);
  return line;
}

describe('admin portal: sign-in and sessions', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
  });
  after(() => lk.close());

  it('SE1/SE3: sign-in sets an HttpOnly, SameSite=Lax, Path=/ cookie of 256 random bits, stored only as its SHA-256; pages are no-store', async () => {
    const client = new FormClient(lk.baseUrl);
    const form = await client.get('/admin');
    assert.match(visibleText(form.body), /Sign in Sign in with your administrator account\. Email Password/);
    assert.equal(form.headers.get('cache-control'), 'no-store');
    const response = await client.post('/admin/signin', ADMIN, { follow: false });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin');
    const line = cookieLine(response.setCookies, 'lk_admin');
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.match(line, /; Path=\/(;|$)/);
    assert.match(line, /; Max-Age=28800/);
    assert.doesNotMatch(line, /; Secure/i, 'plain http: a Secure cookie would never come back');
    const value = client.cookies.get('lk_admin') ?? '';
    assert.match(value, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    const rows = await lk.latchkey.db.selectFrom('admin_sessions').select(['id_hash', 'expires_at']).execute();
    assert.ok(rows.some((r) => r.id_hash === sha256(value)));
    assert.ok(rows.every((r) => r.id_hash !== value), 'the cookie value itself is never stored');
    const list = await client.get('/admin');
    assert.equal(list.headers.get('cache-control'), 'no-store');
    assert.match(visibleText(list.body), /Signed in as ops@example\.com/);
  });

  it('SE2: every sign-in issues a new session identifier and ends the one the browser had', async () => {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const first = client.cookies.get('lk_admin') ?? '';
    await client.post('/admin/signin', ADMIN);
    const second = client.cookies.get('lk_admin') ?? '';
    assert.notEqual(first, second);
    const old = await lk.latchkey.db.selectFrom('admin_sessions').select('id_hash').where('id_hash', '=', sha256(first)).executeTakeFirst();
    assert.equal(old, undefined);
  });

  it('SE3: over https the admin cookie is __Host- prefixed and Secure', async () => {
    const secure = await startInstance(lk.databaseUrl, { PUBLIC_URL: 'https://login.example.com', LOG_LEVEL: 'silent' });
    try {
      const client = new FormClient(secure.baseUrl);
      await client.get('/admin');
      const response = await client.post('/admin/signin', ADMIN, { follow: false });
      const line = cookieLine(response.setCookies, '__Host-lk_admin');
      assert.match(line, /; Secure/i);
      assert.match(line, /; HttpOnly/i);
      assert.match(line, /; SameSite=Lax/i);
      assert.match(line, /; Path=\/(;|$)/);
      assert.doesNotMatch(line, /Domain=/i);
    } finally {
      await secure.close();
    }
  });

  it('a wrong password and an unknown email get the same generic message; an unknown email costs an argon2 verification too', async () => {
    const client = new FormClient(lk.baseUrl);
    const attempt = async (email: string) => {
      await client.get('/admin');
      const started = performance.now();
      const page = await client.post('/admin/signin', { email, password: 'not-the-password-at-all' });
      return { page, ms: performance.now() - started };
    };
    const wrong = await attempt(ADMIN.email);
    const unknown = await attempt('nobody@example.com');
    for (const { page } of [wrong, unknown]) {
      assert.equal(page.status, 200);
      assert.match(visibleText(page.body), /The email or password is incorrect\./);
      assert.equal(client.cookies.has('lk_admin'), false);
    }
    assert.equal(visibleText(wrong.page.body).replace(ADMIN.email, ''), visibleText(unknown.page.body).replace('nobody@example.com', ''));
    // Medians of a few tries: without a dummy verification an unknown email answers ~10× faster.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const known: number[] = [];
    const unknowns: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push((await attempt(ADMIN.email)).ms);
      unknowns.push((await attempt(`nobody${i}@example.com`)).ms);
    }
    assert.ok(median(unknowns) > median(known) * 0.6, `unknown ${median(unknowns).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
  });

  it('a customer account cannot sign in to the portal: administrators are a separate table', async () => {
    await lk.createAccount({ email: 'customer@example.com', password: 'customer-password-123' });
    const client = new FormClient(lk.baseUrl);
    const page = await signInAdmin(client, 'customer@example.com', 'customer-password-123');
    assert.match(visibleText(page.body), /The email or password is incorrect\./);
  });

  it('SE5: sign-out ends the session server-side; the replayed cookie gets the sign-in page', async () => {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const token = client.cookies.get('lk_admin') ?? '';
    const list = await client.get('/admin');
    assert.match(formAction(list.body, 'Sign out'), /^\/admin\/signout$/);
    const out = await client.post('/admin/signout', {}, { follow: false });
    assert.equal(out.status, 303);
    assert.match(cookieLine(out.setCookies, 'lk_admin'), /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const replay = new FormClient(lk.baseUrl);
    replay.cookies.set('lk_admin', token);
    const page = await replay.get('/admin/d/default', { follow: false });
    assert.equal(page.status, 303);
    assert.equal((await replay.get('/admin')).body.includes('<h1>Sign in</h1>'), true);
    const row = await lk.latchkey.db.selectFrom('admin_sessions').select('id_hash').where('id_hash', '=', sha256(token)).executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('an expired session is refused', async () => {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const token = client.cookies.get('lk_admin') ?? '';
    await lk.latchkey.db.updateTable('admin_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id_hash', '=', sha256(token)).execute();
    const page = await client.get('/admin');
    assert.match(page.body, /<h1>Sign in<\/h1>/);
  });

  it('non-admin access to portal pages redirects to the admin sign-in, which leads back after signing in', async () => {
    const client = new FormClient(lk.baseUrl);
    for (const path of ['/admin/d/default', '/admin/d/default/password-reset']) {
      const page = await client.get(path, { follow: false });
      assert.equal(page.status, 303, path);
      assert.equal(page.headers.get('location'), `/admin?next=${encodeURIComponent(path)}`);
    }
    const signIn = await client.get('/admin?next=%2Fadmin%2Fd%2Fdefault%2Fpassword-reset');
    assert.match(signIn.body, /<h1>Sign in<\/h1>/);
    const next = /name="next" value="([^"]*)"/.exec(signIn.body)?.[1];
    assert.equal(next, '/admin/d/default/password-reset', 'the form carries where to go next');
    const landed = await client.post('/admin/signin', { ...ADMIN, next });
    assert.equal(new URL(landed.url).pathname, '/admin/d/default/password-reset');
    assert.match(landed.body, /<h1>Password reset<\/h1>/);
  });

  it('the sign-in page never redirects off the portal (no open redirect)', async () => {
    for (const next of ['//evil.example/admin', 'https://evil.example/admin', '/admin/../d/default/signin', '/admin/%2e%2e/d/default/signin', '/\\evil.example', '/admin/\\evil.example']) {
      const client = new FormClient(lk.baseUrl);
      await client.get('/admin');
      const response = await client.post('/admin/signin', { ...ADMIN, next }, { follow: false });
      assert.equal(response.headers.get('location'), '/admin', next);
    }
  });

  it('SE6: a POST without _csrf is refused with 403 and signs nobody in or out', async () => {
    const client = new FormClient(lk.baseUrl);
    await client.get('/admin');
    const signIn = await client.post('/admin/signin', { ...ADMIN, _csrf: '' }, { follow: false });
    assert.equal(signIn.status, 403);
    assert.equal(client.cookies.has('lk_admin'), false);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const signOut = await client.request('POST', '/admin/signout', { body: '', follow: false });
    assert.equal(signOut.status, 403);
    assert.match((await client.get('/admin')).body, /Signed in as/);
  });

  it('a repeated or oversized sign-in field is a 400 page, not a 5xx (R10)', async () => {
    const client = new FormClient(lk.baseUrl);
    await client.get('/admin');
    const repeated = await client.post('/admin/signin', { email: [ADMIN.email, 'x@example.com'], password: ADMIN.password });
    assert.equal(repeated.status, 400);
    await client.get('/admin');
    const long = await client.post('/admin/signin', { email: ADMIN.email, password: 'x'.repeat(5000) });
    assert.equal(long.status, 400);
    assert.equal(client.cookies.has('lk_admin'), false);
  });
});
