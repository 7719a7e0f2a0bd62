import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { canonicalize } from '../../src/domain/identifier.ts';
import { csrfToken, visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { chooseNewPassword, codeMailAfter, customer, EN, RESET, requestCode, sameAddress, sendNewCode, submitCode, waitOutResendGap } from './password-reset-steps.ts';
import { codeIn } from '../support/smtp-sink.ts';

// What an outsider can learn from the first step: nothing about the account (R12, R13), nothing from
// the throttle (R5), and no way to steer links with request headers (R14).

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What the customer's browser gets for step 1: the POST's own answer, and the page it leads to. */
interface Answer {
  readonly email: string;
  readonly post: Page;
  readonly page: Page;
}

async function firstStep(lk: TestLatchkey, email: string): Promise<Answer> {
  const client = customer(lk);
  await client.get(RESET);
  const post = await client.post(RESET, { email }, { follow: false });
  const page = await client.get(post.headers.get('location')!);
  return { email, post, page };
}

function comparableHeaders(page: Page): Record<string, string> {
  const out: Record<string, string> = {};
  page.headers.forEach((value, name) => {
    if (name === 'date' || name === 'set-cookie' || name === 'keep-alive' || name === 'connection') return;
    out[name] = value.replace(UUID, '<flow>');
  });
  out['set-cookie'] = page.setCookies.map((c) => c.replace(/^([^=]+)=[^;]*/, '$1=<value>')).join('\n');
  return out;
}

/** The body with its random tokens and the customer's own typing (shown back to them) masked. */
function comparableBody(page: Page, typed: string): string {
  const csrf = csrfToken(page.body);
  return (csrf ? page.body.split(csrf).join('<csrf>') : page.body).replace(UUID, '<flow>').split(typed).join('<typed>');
}

function assertSameAnswer(a: Answer, b: Answer, label: string): void {
  assert.equal(b.post.status, a.post.status, label);
  assert.deepEqual(comparableHeaders(b.post), comparableHeaders(a.post), label);
  assert.equal(b.page.status, a.page.status, label);
  assert.deepEqual(comparableHeaders(b.page), comparableHeaders(a.page), label);
  assert.equal(comparableBody(b.page, b.email), comparableBody(a.page, a.email), label);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return ((sorted[Math.floor((sorted.length - 1) / 2)] ?? 0) + (sorted[Math.ceil((sorted.length - 1) / 2)] ?? 0)) / 2;
};

describe('password reset: no enumeration, throttled sends, no header-steered links', () => {
  let lk: TestLatchkey;
  let directoryId: string;
  let passwordHash: string;

  before(async () => {
    lk = await startTestLatchkey();
    await lk.setResetScope('all');
    directoryId = (await lk.latchkey.db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow()).id;
    passwordHash = await createPasswordHasher({ queueLimit: 10 }).hash('the old password 1');
  });
  after(async () => lk?.close());

  /** Many accounts at the cost of one argon2 hash. */
  async function insertAccounts(emails: string[]): Promise<void> {
    await lk.latchkey.db
      .insertInto('accounts')
      .values(emails.map((email) => ({ directory_id: directoryId, email, email_canonical: canonicalize(email), email_verified: true, display_name: 'Timing', password_hash: passwordHash })))
      .execute();
  }

  it('R12: existing, unknown, disabled, unverified and locked accounts get the same status, headers, cookies and body', async () => {
    // Addresses of one length, so even Content-Length cannot differ.
    await lk.createAccount({ email: 'exists@example.com', password: 'the old password 1' });
    await lk.createAccount({ email: 'disabl@example.com', password: 'the old password 1', disabled: true });
    await lk.createAccount({ email: 'unveri@example.com', password: 'the old password 1', verified: false });
    const locked = await lk.createAccount({ email: 'locked@example.com', password: 'the old password 1' });
    await lk.latchkey.db.updateTable('accounts').set({ locked_until: new Date(Date.now() + 3600_000), failed_sign_ins: 10, lockouts: 1 }).where('id', '=', locked).execute();

    const reference = await firstStep(lk, 'exists@example.com');
    assert.equal(reference.post.status, 303);
    assert.ok(visibleText(reference.page.body).includes(EN.sent));
    for (const email of ['unkno1@example.com', 'disabl@example.com', 'unveri@example.com', 'locked@example.com']) {
      assertSameAnswer(reference, await firstStep(lk, email), email);
    }
    await codeMailAfter(lk, 'exists@example.com', 0);
    await lk.latchkey.dispatcher.drainOnce();
    const recipients = lk.smtp.messages.flatMap((m) => m.to);
    for (const silent of ['unkno1@example.com', 'disabl@example.com', 'unveri@example.com']) assert.ok(!recipients.some((to) => sameAddress(to, silent)), silent);
    assert.ok(recipients.some((to) => sameAddress(to, 'locked@example.com')), 'a locked account can still recover (L2)');
  });

  it('R12: with reset for selected groups only, a member, a non-member and an unknown account get the same status, headers, cookies and body', async () => {
    const inside = await lk.createAccount({ email: 'insidr@example.com', password: 'the old password 1' });
    await lk.createAccount({ email: 'outsdr@example.com', password: 'the old password 1' });
    const group = await lk.latchkey.db.insertInto('groups').values({ directory_id: directoryId, name: 'Reset', name_canonical: 'reset', reset_allowed: true }).returning('id').executeTakeFirstOrThrow();
    await lk.latchkey.db.insertInto('group_members').values({ group_id: group.id, account_id: inside }).execute();
    await lk.setResetScope('selected');
    try {
      const reference = await firstStep(lk, 'insidr@example.com');
      assert.equal(reference.post.status, 303);
      assert.ok(visibleText(reference.page.body).includes(EN.sent));
      for (const email of ['outsdr@example.com', 'unkno2@example.com']) assertSameAnswer(reference, await firstStep(lk, email), email);
      await lk.latchkey.dispatcher.drainOnce();
      const to = (email: string) => lk.smtp.messages.filter((m) => m.to.some((address) => sameAddress(address, email)));
      assert.match(to('insidr@example.com')[0]?.subject ?? '', /your code to reset your password/);
      assert.match(to('outsdr@example.com')[0]?.subject ?? '', /password reset is not available for your account/);
      assert.equal(to('unkno2@example.com').length, 0);
    } finally {
      await lk.setResetScope('all');
    }
  });

  for (const smtpDown of [false, true]) {
    it(`R13: medians of existing and unknown differ by < 5 ms${smtpDown ? ', with SMTP down' : ''}`, async (t) => {
      lk.smtp.setRejecting(smtpDown);
      try {
        const n = 40;
        const tag = smtpDown ? 'down' : 'up';
        const existing = Array.from({ length: n }, (_, i) => `timing.${tag}.${i}@example.com`);
        const unknown = Array.from({ length: n }, (_, i) => `nobody.${tag}.${i}@example.com`);
        await insertAccounts(existing);
        const a = customer(lk);
        const b = customer(lk);
        const tokens = new Map([[a, csrfToken((await a.get(RESET)).body)!], [b, csrfToken((await b.get(RESET)).body)!]]);
        const time = async (client: typeof a, email: string) => {
          const started = process.hrtime.bigint();
          const page = await client.post(RESET, { _csrf: tokens.get(client)!, email }, { follow: false });
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          assert.equal(page.status, 303);
          return ms;
        };
        // Warm-up, then interleaved in alternating order so drift and the dispatcher's wake-ups hit both alike.
        for (let i = 0; i < 5; i++) await time(i % 2 ? a : b, `warm.${tag}.${i}@example.com`);
        const known: number[] = [];
        const unknownTimes: number[] = [];
        for (let i = 0; i < n; i++) {
          if (i % 2 === 0) {
            known.push(await time(a, existing[i]!));
            unknownTimes.push(await time(b, unknown[i]!));
          } else {
            unknownTimes.push(await time(b, unknown[i]!));
            known.push(await time(a, existing[i]!));
          }
        }
        const difference = Math.abs(median(known) - median(unknownTimes));
        t.diagnostic(`median existing ${median(known).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms`);
        assert.ok(difference < 5, `median existing ${median(known).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms`);
        const queued = await lk.latchkey.db.selectFrom('outbox').select('to_address').where('to_address', 'like', `timing.${tag}.%`).execute();
        assert.equal(queued.length, n, 'every existing account got its mail queued');
      } finally {
        lk.smtp.setRejecting(false);
      }
    });
  }

  it('R5: a second request within 60 s sends no mail and answers exactly like the first', async () => {
    await lk.createAccount({ email: 'thrott@example.com', password: 'the old password 1' });
    const seen = lk.smtp.messages.length;
    const first = await firstStep(lk, 'thrott@example.com');
    await codeMailAfter(lk, 'thrott@example.com', seen);
    const second = await firstStep(lk, 'thrott@example.com');
    assertSameAnswer(first, second, 'within 60 s');
    await lk.latchkey.dispatcher.drainOnce();
    const outbox = await lk.latchkey.db.selectFrom('outbox').select('id').where('to_address', '=', 'thrott@example.com').execute();
    assert.equal(outbox.length, 1);
  });

  it('R5: the 11th request in an hour sends no mail and answers the same; "Send new code" is throttled too', async () => {
    await lk.createAccount({ email: 'hourly@example.com', password: 'the old password 1' });
    let reference: Answer | undefined;
    for (let i = 0; i < 10; i++) {
      const answer = await firstStep(lk, 'hourly@example.com');
      reference ??= answer;
      await waitOutResendGap(lk);
    }
    const eleventh = await firstStep(lk, 'hourly@example.com');
    assertSameAnswer(reference!, eleventh, '11th');
    const client = customer(lk);
    await requestCode(client, 'hourly@example.com');
    const resent = await sendNewCode(client);
    assert.ok(visibleText(resent.body).includes(EN.sent));
    await lk.latchkey.dispatcher.drainOnce();
    const outbox = await lk.latchkey.db.selectFrom('outbox').select('id').where('to_address', '=', 'hourly@example.com').execute();
    assert.equal(outbox.length, 10);
  });

  it('R14: Host, X-Forwarded-Host and Forwarded change no Location header and no link in mail', async () => {
    await lk.createAccount({ email: 'r14@example.com', password: 'the old password 1' });
    const evil = { 'x-forwarded-host': 'evil.example', forwarded: 'host=evil.example;proto=https', 'x-forwarded-proto': 'https' };
    const client = customer(lk, evil);
    await client.get(RESET);
    const raw = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const url = new URL(RESET, lk.baseUrl);
      const body = new URLSearchParams({ _csrf: csrfToken(client.last!.body)!, email: 'r14@example.com' }).toString();
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...evil, host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded', cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, location: res.headers.location });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(raw.status, 303);
    assert.match(raw.location ?? '', /^\/d\/default\/reset\/[0-9a-f-]{36}$/);
    await codeMailAfter(lk, 'r14@example.com', 0);
    const seen = lk.smtp.messages.length;
    await waitOutResendGap(lk);
    await requestCode(client, 'r14@example.com');
    await submitCode(client, codeIn(await codeMailAfter(lk, 'r14@example.com', seen)));
    const done = await client.post(/action="([^"]*\/continue)"/.exec(client.last!.body)![1]!, {}, { follow: false });
    assert.match(done.headers.get('location') ?? '', /^\/d\/default\/reset\//);
    await client.get(done.headers.get('location')!);
    const final = await chooseNewPassword(client, 'no steering here 55');
    assert.match(final.url, /\/d\/default\/signin\?notice=password_reset$/);
    const mail = await lk.smtp.waitFor((m) => m.to.some((to) => sameAddress(to, 'r14@example.com')) && m.subject.includes('your password was changed'));
    const links = [...`${mail.text} ${mail.html}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    assert.ok(links.length > 0, 'the mail has a sign-in link');
    for (const link of links) assert.ok(link.startsWith('http://latchkey.test:3000/'), link);
    assert.ok(!`${mail.text} ${mail.html}`.includes('evil.example'));
  });
});
