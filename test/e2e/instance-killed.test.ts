import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startChildLatchkey, startSilentSmtp } from '../support/child-latchkey.ts';
import { FormClient, sameBrowserOn, visibleText } from '../support/form-client.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { until } from '../support/until.ts';
import { chooseNewPassword, EN, isResetCodeMail, requestCode, submitCode } from './password-reset-steps.ts';

// F4: an instance dies (SIGKILL: no shutdown, no cleanup) after the customer asked for a code and while
// it was sending that code's mail. The customer carries on against another instance, and the outbox row
// the dead instance had claimed is delivered by the survivor once the claim's lease has run out.

describe('an instance killed mid-flow', () => {
  let lk: TestLatchkey;
  let silent: Awaited<ReturnType<typeof startSilentSmtp>>;
  before(async () => {
    lk = await startTestLatchkey();
    await lk.setResetScope('all');
    silent = await startSilentSmtp();
  });
  after(async () => {
    await lk?.close();
    await silent?.close();
  });

  it('F4: killed with SIGKILL after the code was requested: the customer finishes on another instance, and the mail is delivered once', async () => {
    await lk.createAccount({ email: 'survivor@example.com', password: 'the old password 1' });
    // The survivor delivers nothing until the victim is dead, so the claim is surely the victim's.
    await lk.latchkey.dispatcher.stop();
    const victim = await startChildLatchkey({ DATABASE_URL: lk.databaseUrl, SMTP_URL: silent.url });
    const outbox = () => lk.latchkey.db.selectFrom('outbox').selectAll().where('to_address', '=', 'survivor@example.com').where('template', '=', 'reset_code').executeTakeFirst();
    let client = new FormClient(victim.baseUrl, { 'accept-language': 'en' });
    try {
      const page = await requestCode(client, 'survivor@example.com');
      assert.ok(visibleText(page.body).includes(EN.sent));
      // The victim claims the mail at once and hangs sending it to an SMTP server that never answers.
      await until('the victim to claim the mail', async () => Boolean((await outbox())?.claimed_until));
    } finally {
      victim.kill();
    }
    assert.equal(await victim.exited, null, 'killed by the signal');
    const orphan = await outbox();
    assert.equal(orphan?.status, 'pending');
    assert.ok(orphan?.claimed_until && orphan.claimed_until.getTime() > Date.now(), 'still leased to the dead instance');

    // The lease is 60 s; waited out here by moving it back, as the clock would.
    await sql`UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE id = ${orphan.id}`.execute(lk.latchkey.db);
    lk.latchkey.dispatcher.start();
    const mail = await lk.smtp.waitFor(isResetCodeMail('survivor@example.com'));

    client = sameBrowserOn(client, lk.baseUrl);
    await client.get(client.last!.url.replace(/^http:\/\/[^/]+/, ''));
    const verified = await submitCode(client, codeIn(mail));
    assert.ok(visibleText(verified.body).includes(EN.verified), visibleText(verified.body));
    const done = await chooseNewPassword(client, 'a brand new password 2');
    assert.match(done.url, /\/signin\?notice=password_reset$/);
    const signIn = new FormClient(lk.baseUrl);
    await signIn.get('/d/default/signin');
    assert.equal((await signIn.post('/d/default/signin', { identifier: 'survivor@example.com', password: 'a brand new password 2' }, { follow: false })).status, 303);

    assert.equal(lk.smtp.messages.filter(isResetCodeMail('survivor@example.com')).length, 1, 'delivered once');
    assert.equal((await outbox())?.status, 'sent');
  });
});
