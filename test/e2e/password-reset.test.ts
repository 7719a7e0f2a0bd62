import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { visibleText } from '../support/form-client.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import {
  accountRow, chooseNewPassword, codeMailAfter, customer, EN, flowIdOf, flowRow, requestCode, requestCodeAndRead, RESET, sameAddress, waitOutResendGap, sendNewCode, submitCode,
} from './password-reset-steps.ts';

// The reset flow end to end: real HTTP, real PostgreSQL, mail read from a real SMTP sink.

const hasher = createPasswordHasher({ queueLimit: 100 });

describe('password reset: the customer journey', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey();
    await lk.setResetScope('all');
  });
  after(async () => lk?.close());

  it('happy path: request, code by mail, verify, new password, back to sign-in with the notice', async () => {
    const id = await lk.createAccount({ email: 'Happy.Path@Example.com', password: 'the old password 1' });
    const client = customer(lk);
    const first = await client.get(RESET);
    assert.equal(first.status, 200);
    const text = visibleText(first.body);
    for (const words of ['Reset your password', 'Email Address', 'Send verification code']) assert.ok(text.includes(words), words);
    assert.match(first.body, /href="\/d\/default\/signin"/);

    const code = await requestCodeAndRead(lk, client, 'Happy.Path@Example.com');
    const codePage = visibleText(client.last!.body);
    for (const words of ['Verification code', 'Verify code', 'Send new code', 'Change e-mail']) assert.ok(codePage.includes(words), words);

    const verified = await submitCode(client, code);
    assert.ok(visibleText(verified.body).includes(EN.verified));
    const done = await chooseNewPassword(client, 'a brand new passphrase 7');
    assert.equal(new URL(done.url).pathname + new URL(done.url).search, '/d/default/signin?notice=password_reset');

    const account = await accountRow(lk, id);
    assert.equal(await hasher.verify(account.password_hash, 'a brand new passphrase 7'), true);
    assert.equal(await hasher.verify(account.password_hash, 'the old password 1'), false);
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('type').where('account_id', '=', id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.type), ['reset_requested', 'reset_code_sent', 'reset_code_verified', 'reset_completed']);
  });

  it('the new-password page has two new-password fields; "Change e-mail" keeps what was typed', async () => {
    await lk.createAccount({ email: 'fields@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'fields@example.com');
    const flowId = flowIdOf(client.last!);
    const change = await client.get(/href="([^"]*\/change)"/.exec(client.last!.body)![1]!);
    assert.match(change.body, /name="email" value="fields@example.com"/);
    await client.get(`${RESET}/${flowId}`);
    await submitCode(client, code);
    const page = await client.post(/action="([^"]*\/continue)"/.exec(client.last!.body)![1]!, {});
    assert.match(page.body, /name="new_password" autocomplete="new-password"/);
    assert.match(page.body, /name="confirm_password" autocomplete="new-password"/);
    assert.ok(visibleText(page.body).includes('Confirm new password'));
  });

  it('R1: the code is six decimal digits', async () => {
    await lk.createAccount({ email: 'r1@example.com', password: 'the old password 1' });
    const seen = lk.smtp.messages.length;
    await requestCode(customer(lk), 'r1@example.com');
    const mail = await codeMailAfter(lk, 'r1@example.com', seen);
    assert.match(codeIn(mail), /^\d{6}$/);
    assert.equal(mail.to.length, 1);
  });

  it('R2: an expired code gets the expired message, and "Send new code" sends one that works', async () => {
    await lk.createAccount({ email: 'r2@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r2@example.com');
    const flowId = flowIdOf(client.last!);
    await lk.latchkey.db.updateTable('flows').set({ code_expires_at: new Date(Date.now() - 1000) }).where('id', '=', flowId).execute();
    const expired = await submitCode(client, code);
    assert.ok(visibleText(expired.body).includes('This verification code has expired.'));
    await waitOutResendGap(lk);
    const seen = lk.smtp.messages.length;
    const again = await sendNewCode(client);
    assert.ok(visibleText(again.body).includes(EN.sent));
    const fresh = codeIn(await codeMailAfter(lk, 'r2@example.com', seen));
    assert.ok(visibleText((await submitCode(client, fresh)).body).includes(EN.verified));
  });

  it('R2: the code lifetime follows the setting (600 s by default)', async () => {
    await lk.createAccount({ email: 'r2ttl@example.com', password: 'the old password 1' });
    const client = customer(lk);
    await requestCode(client, 'r2ttl@example.com');
    const flow = await flowRow(lk, flowIdOf(client.last!));
    const seconds = (flow.code_expires_at!.getTime() - flow.updated_at.getTime()) / 1000;
    assert.ok(Math.abs(seconds - 600) < 5, `lifetime ${seconds}`);
  });

  it('R3: five wrong codes kill the code; the right one is refused afterwards', async () => {
    await lk.createAccount({ email: 'r3@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r3@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) assert.ok(visibleText((await submitCode(client, wrong)).body).includes(EN.wrong));
    const fifth = await submitCode(client, wrong);
    assert.ok(visibleText(fifth.body).includes('a wrong code was entered too many times'));
    const right = await submitCode(client, code);
    assert.ok(!visibleText(right.body).includes(EN.verified));
    assert.ok(visibleText(right.body).includes('too many times'));
  });

  it('R4: failures count per account across codes; a new code does not reset the count, the right one does', async () => {
    const id = await lk.createAccount({ email: 'r4@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const first = await requestCodeAndRead(lk, client, 'r4@example.com');
    const wrong = first === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) await submitCode(client, wrong);
    assert.equal((await accountRow(lk, id)).reset_code_failures, 3);
    await waitOutResendGap(lk);
    const seen = lk.smtp.messages.length;
    await sendNewCode(client);
    const second = codeIn(await codeMailAfter(lk, 'r4@example.com', seen));
    assert.equal((await accountRow(lk, id)).reset_code_failures, 3, 'a new code keeps the count');
    await submitCode(client, second === '000000' ? '111111' : '000000');
    assert.equal((await accountRow(lk, id)).reset_code_failures, 4);
    // At the cap every code dies, even the right one, until the password is changed another way.
    await lk.latchkey.db.updateTable('accounts').set({ reset_code_failures: 50 }).where('id', '=', id).execute();
    assert.ok(visibleText((await submitCode(client, second)).body).includes('too many times'));
    await lk.latchkey.db.updateTable('accounts').set({ reset_code_failures: 4 }).where('id', '=', id).execute();
    await waitOutResendGap(lk);
    const seen2 = lk.smtp.messages.length;
    await sendNewCode(client);
    const third = codeIn(await codeMailAfter(lk, 'r4@example.com', seen2));
    assert.ok(visibleText((await submitCode(client, third)).body).includes(EN.verified));
    assert.equal((await accountRow(lk, id)).reset_code_failures, 0, 'the right code clears the count');
  });

  it('R7: a new code voids every older one, in every other flow, with the "replaced" message', async () => {
    await lk.createAccount({ email: 'r7@example.com', password: 'the old password 1' });
    const browserA = customer(lk);
    const oldCode = await requestCodeAndRead(lk, browserA, 'r7@example.com');
    await waitOutResendGap(lk);
    const browserB = customer(lk);
    await requestCodeAndRead(lk, browserB, 'r7@example.com');
    const page = await submitCode(browserA, oldCode);
    assert.ok(visibleText(page.body).includes('This verification code has been replaced by a newer one.'));
    assert.ok(!visibleText(page.body).includes(EN.verified));
  });

  it('R8: a code fails in another browser\'s flow, and another browser cannot post to this flow', async () => {
    await lk.createAccount({ email: 'r8@example.com', password: 'the old password 1' });
    const victim = customer(lk);
    const code = await requestCodeAndRead(lk, victim, 'r8@example.com');
    const flowId = flowIdOf(victim.last!);

    const attacker = customer(lk);
    await requestCode(attacker, 'r8@example.com');
    const inOwnFlow = await submitCode(attacker, code);
    assert.ok(!visibleText(inOwnFlow.body).includes(EN.verified));

    const stranger = customer(lk);
    await stranger.get(RESET);
    const intoVictims = await stranger.post(`${RESET}/${flowId}/verify`, { code });
    assert.equal(intoVictims.status, 403);
    assert.ok(visibleText(intoVictims.body).includes('started in another browser'));
    assert.ok(!intoVictims.body.includes('r8@example.com'), 'nothing of the flow is shown to another browser');
    const view = await stranger.get(`${RESET}/${flowId}`);
    assert.equal(view.status, 403);
    assert.equal((await flowRow(lk, flowId)).state, 'awaiting_code');
  });

  it('R9: the database holds no plaintext code; code_hmac is a keyed hash, not the code', async () => {
    await lk.createAccount({ email: 'r9@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r9@example.com');
    const flow = await flowRow(lk, flowIdOf(client.last!));
    assert.ok(flow.code_hmac && flow.code_hmac.length >= 40 && !flow.code_hmac.includes(code));
    assert.ok(!JSON.stringify(flow).includes(code));
    // Once delivered, the outbox row drops the code too.
    await lk.latchkey.dispatcher.drainOnce();
    const outbox = await lk.latchkey.db.selectFrom('outbox').selectAll().where('to_address', '=', 'r9@example.com').execute();
    assert.ok(outbox.every((row) => row.status === 'sent' && !JSON.stringify(row.payload).includes(code)));
  });

  it('R10: a repeated email field is refused with 400 and no mail goes out', async () => {
    await lk.createAccount({ email: 'r10@example.com', password: 'the old password 1' });
    const client = customer(lk);
    await client.get(RESET);
    const seen = lk.smtp.messages.length;
    const page = await client.post(RESET, { email: ['r10@example.com', 'attacker@evil.test'] });
    assert.equal(page.status, 400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(lk.smtp.messages.slice(seen).length, 0);
    assert.equal(await lk.latchkey.db.selectFrom('outbox').select('id').where('to_address', 'in', ['r10@example.com', 'attacker@evil.test']).executeTakeFirst(), undefined);
  });

  it('R11: a case or width variant reaches the real account, and mail goes to the stored address', async () => {
    const id = await lk.createAccount({ email: 'Rene.R11@Example.com', password: 'the old password 1' });
    const client = customer(lk);
    const seen = lk.smtp.messages.length;
    await requestCode(client, 'ＲＥＮＥ.r11@EXAMPLE.COM');
    const mail = await codeMailAfter(lk, 'Rene.R11@Example.com', seen);
    assert.equal(mail.to.length, 1);
    assert.ok(sameAddress(mail.to[0]!, 'Rene.R11@Example.com'), `sent to ${mail.to[0]}`);
    await submitCode(client, codeIn(mail));
    await chooseNewPassword(client, 'variant reset passphrase 3');
    assert.equal(await hasher.verify((await accountRow(lk, id)).password_hash, 'variant reset passphrase 3'), true);
  });

  it('R15: Referrer-Policy no-referrer on every reset page, nothing third-party, no code in any URL', async () => {
    await lk.createAccount({ email: 'r15@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const pages = [await client.get(RESET)];
    const code = await requestCodeAndRead(lk, client, 'r15@example.com');
    pages.push(client.last!, await submitCode(client, code), await chooseNewPassword(client, 'referrer policy phrase 9', 'mismatch phrase 9'));
    for (const page of pages) {
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer', page.url);
      assert.ok(!page.url.includes(code), page.url);
      for (const [, url] of page.body.matchAll(/(?:src|href|action)="([^"]*)"/g)) {
        assert.ok(url!.startsWith('/') || url!.startsWith('?'), `third-party or absolute URL ${url} on ${page.url}`);
      }
    }
  });

  it('pages, redirects and error pages alike carry the security headers: a strict CSP, no framing, nosniff', async () => {
    const client = customer(lk);
    const page = await client.get(RESET);
    const redirect = await client.post(RESET, { email: 'headers@example.com' }, { follow: false });
    const missing = await client.get('/d/no-such-directory/reset');
    const unrouted = await fetch(`${lk.baseUrl}/no/such/path`);
    assert.deepEqual([page.status, redirect.status, missing.status, unrouted.status], [200, 303, 404, 404]);
    for (const headers of [page.headers, redirect.headers, missing.headers, unrouted.headers]) {
      const csp = headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"]) {
        assert.ok(csp.includes(directive), `${directive} in ${csp}`);
      }
      assert.equal(headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(headers.get('x-content-type-options'), 'nosniff');
      assert.equal(headers.get('referrer-policy'), 'no-referrer');
      assert.equal(headers.get('cross-origin-opener-policy'), 'same-origin');
    }
  });

  it('R16: requesting a reset changes nothing on the account', async () => {
    const id = await lk.createAccount({ email: 'r16@example.com', password: 'the old password 1' });
    const before = await accountRow(lk, id);
    await requestCodeAndRead(lk, customer(lk), 'r16@example.com');
    const afterwards = await accountRow(lk, id);
    assert.deepEqual(afterwards, before);
    assert.equal(await hasher.verify(afterwards.password_hash, 'the old password 1'), true);
  });

  it('R18 R20: a completed reset ends every session and mails "password changed" with no secret', async () => {
    const id = await lk.createAccount({ email: 'r18@example.com', password: 'the old password 1' });
    const { createSessionStore } = await import('../../src/accounts/session-store.ts');
    const sessions = createSessionStore(lk.latchkey.db, { idleSeconds: 3600, absoluteSeconds: 86400 });
    const directoryId = (await accountRow(lk, id)).directory_id;
    const tokens = [await sessions.start({ accountId: id, directoryId, ip: null, userAgent: null }), await sessions.start({ accountId: id, directoryId, ip: null, userAgent: null })];
    assert.ok(await sessions.findActive(tokens[0]!, directoryId));
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r18@example.com');
    await submitCode(client, code);
    const seen = lk.smtp.messages.length;
    await chooseNewPassword(client, 'sessions end phrase 42');
    for (const token of tokens) assert.equal(await sessions.findActive(token, directoryId), undefined);
    const mail = await lk.smtp.waitFor((m) => m.to.includes('r18@example.com') && m.subject.includes('your password was changed') && lk.smtp.messages.indexOf(m) >= seen);
    assert.ok(!mail.text.includes(code) && !mail.text.includes('sessions end phrase 42'));
    assert.ok(!/\b\d{6}\b/.test(mail.text.replace(/\d{4}/g, '')), 'no code-like number');
    assert.ok(!client.cookies.has('lk_reset'), 'the binding cookie is cleared');
  });

  it('R17: a password changed by other means voids the outstanding code', async () => {
    const id = await lk.createAccount({ email: 'r17@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r17@example.com');
    const { setPassword } = await import('../../src/accounts/set-password.ts');
    const account = await accountRow(lk, id);
    const directory = await lk.latchkey.db.selectFrom('directories').selectAll().where('id', '=', account.directory_id).executeTakeFirstOrThrow();
    await lk.latchkey.db.transaction().execute((trx) =>
      setPassword(trx, { account, directory, passwordHash: account.password_hash, reason: 'change', locale: 'en', signInUrl: 'http://latchkey.test:3000/d/default/signin', ip: null, userAgent: null }),
    );
    const page = await submitCode(client, code);
    assert.ok(!visibleText(page.body).includes(EN.verified));
    assert.ok(visibleText(page.body).includes('no longer') || visibleText(page.body).includes('replaced'));
  });

  it('R21: a reset enforces the sign-up policy and says why; a good password then works', async () => {
    await lk.createAccount({ email: 'r21.customer@example.com', password: 'the old password 1' });
    const client = customer(lk);
    await submitCode(client, await requestCodeAndRead(lk, client, 'r21.customer@example.com'));
    const cases: Array<[string, string, string]> = [
      ['short', 'short', 'at least 8 characters'],
      ['password123', 'password123', 'too common'],
      ['r21.customer rocks', 'r21.customer rocks', 'must not contain your email address'],
      ['long enough phrase 1', 'another phrase 2', 'do not match'],
    ];
    for (const [password, confirmation, reason] of cases) {
      const page = await chooseNewPassword(client, password, confirmation);
      assert.equal(page.status, 400);
      assert.ok(visibleText(page.body).includes(reason), `${password}: ${reason}`);
      assert.ok(!page.body.includes(password), 'passwords are never echoed');
    }
    const done = await chooseNewPassword(client, 'long enough phrase 1');
    assert.match(done.url, /\/signin\?notice=password_reset$/);
  });

  it('R22: a code issued before the account was disabled is refused, also after verification', async () => {
    const id = await lk.createAccount({ email: 'r22@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r22@example.com');
    await lk.latchkey.db.updateTable('accounts').set({ disabled: true }).where('id', '=', id).execute();
    assert.ok(!visibleText((await submitCode(client, code)).body).includes(EN.verified));

    await lk.latchkey.db.updateTable('accounts').set({ disabled: false }).where('id', '=', id).execute();
    const second = customer(lk);
    await waitOutResendGap(lk);
    await submitCode(second, await requestCodeAndRead(lk, second, 'r22@example.com'));
    await lk.latchkey.db.updateTable('accounts').set({ disabled: true }).where('id', '=', id).execute();
    const page = await chooseNewPassword(second, 'disabled meanwhile 77');
    assert.equal(page.status, 403);
    assert.equal(await hasher.verify((await accountRow(lk, id)).password_hash, 'the old password 1'), true);
  });

  it('SE6: a POST without _csrf is refused with 403', async () => {
    const client = customer(lk);
    const page = await client.post(RESET, { _csrf: '', email: 'se6@example.com' });
    assert.equal(page.status, 403);
    const bare = await fetch(`${lk.baseUrl}${RESET}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=se6%40example.com' });
    assert.equal(bare.status, 403);
  });

  it('an expired flow shows its own message and keeps what was typed; an unknown flow has its own page', async () => {
    const client = customer(lk);
    await requestCode(client, 'expired.flow@example.com');
    const flowId = flowIdOf(client.last!);
    await lk.latchkey.db.updateTable('flows').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', flowId).execute();
    const page = await client.get(`${RESET}/${flowId}`);
    assert.ok(visibleText(page.body).includes('Your password reset has expired.'));
    assert.match(page.body, /value="expired.flow@example.com"/);
    const unknown = await client.get(`${RESET}/00000000-0000-4000-8000-000000000000`);
    assert.equal(unknown.status, 404);
    assert.ok(visibleText(unknown.body).includes('We could not find this password reset.'));
    const garbage = await client.get(`${RESET}/not-a-uuid`);
    assert.equal(garbage.status, 404);
  });

  it('invalid input keeps what was typed and explains; username directories ask for a username', async () => {
    const client = customer(lk);
    await client.get(RESET);
    const bad = await client.post(RESET, { email: 'not an address' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /value="not an address"/);
    await lk.latchkey.db.updateTable('directories').set({ sign_in_identifier: 'username' }).where('slug', '=', 'default').execute();
    await lk.latchkey.directoryChangesHeard();
    try {
      const page = await client.get(RESET);
      assert.ok(visibleText(page.body).includes('Username'));
      assert.match(page.body, /name="username"/);
    } finally {
      await lk.latchkey.db.updateTable('directories').set({ sign_in_identifier: 'email' }).where('slug', '=', 'default').execute();
      await lk.latchkey.directoryChangesHeard();
    }
  });

  it('while reset_scope is none, every reset URL is a plain "not enabled" page, for GET and POST', async () => {
    const client = customer(lk);
    await client.get(RESET);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(client.last!.body)![1]!;
    await lk.setResetScope('none');
    try {
      const seen = lk.smtp.messages.length;
      const pages = [await client.get(RESET), await client.post(RESET, { _csrf: csrf, email: 'happy.path@example.com' }), await client.get(`${RESET}/00000000-0000-4000-8000-000000000000`)];
      for (const page of pages) {
        assert.equal(page.status, 404);
        assert.ok(visibleText(page.body).includes('Self-service password reset is not enabled for this directory.'));
        assert.match(page.body, /href="\/d\/default\/signin"/);
      }
      assert.equal(lk.smtp.messages.length, seen);
    } finally {
      await lk.setResetScope('all');
    }
  });
});
