import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import { codeIn, type ReceivedMail } from '../support/smtp-sink.ts';
import type { TestLatchkey } from '../support/test-latchkey.ts';
import { FormClient, startWithSignedInAdmin } from './admin-test-kit.ts';

const ADMIN = { email: 'mailroom@example.com', password: 'violet-harbour-lantern' };
const EMAIL = '/admin/d/default/email';
const EDITOR = `${EMAIL}/reset_code/en`;

const CUSTOM = {
  subject: '{{directoryName}} reset for {{displayName}}',
  html: '<div class="custom"><h2>Hi {{displayName}}</h2><p>Code: <b>{{code}}</b>, valid {{expiresInMinutes}} min.</p><a href="{{signInUrl}}">Sign in</a></div>',
  text: 'Hi {{displayName}}, your code is {{code}} ({{expiresInMinutes}} min). {{signInUrl}}',
};

describe('admin portal: Email templates and the sender', () => {
  let lk: TestLatchkey;
  let admin: FormClient;
  before(async () => {
    ({ lk, admin } = await startWithSignedInAdmin(ADMIN));
  });
  after(() => lk.close());

  const templates = () => lk.latchkey.db.selectFrom('email_templates').selectAll().execute();

  async function resetMailTo(email: string): Promise<ReceivedMail> {
    const seen = lk.smtp.messages.length;
    const customer = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    await customer.get('/d/default/reset');
    await customer.post('/d/default/reset', { email });
    return lk.smtp.waitFor((m) => m.to.includes(email) && lk.smtp.messages.indexOf(m) >= seen);
  }

  it('the editor starts from the built-in message, with the variables documented beside it', async () => {
    const page = await admin.get(EDITOR);
    assert.equal(page.status, 200);
    assert.match(page.body, /<input type="text" id="tpl-subject" name="subject"[^>]*value="\{\{directoryName\}\}: your code to reset your password"/);
    assert.match(page.body, /<textarea id="tpl-text" name="text"[^>]*>[^<]*Your code: \{\{code\}\}/);
    const text = visibleText(page.body);
    for (const name of ['code', 'expiresInMinutes', 'displayName', 'signInUrl', 'directoryName', 'supportContact']) assert.ok(text.includes(`{{${name}}}`), name);
    assert.doesNotMatch(text, /\{\{changedAt\}\}/, 'a reset code mail has no change date');
  });

  it('an unknown variable is refused at save and at preview; nothing is stored', async () => {
    await admin.get(EDITOR);
    for (const button of ['Save', 'Preview']) {
      const action = button === 'Save' ? formAction(admin.last!.body, 'Save') : `${EDITOR}/preview`;
      const page = await admin.post(action, { ...CUSTOM, text: 'Your password is {{password}} and {{ code }}' });
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), /This message has no variable \{\{password\}\}\. Use only the variables listed\. Nothing was changed\./);
    }
    assert.deepEqual(await templates(), []);
  });

  it('preview fills sample data, escaped, into a sandboxed srcdoc frame, and saves nothing', async () => {
    await admin.get(EDITOR);
    const page = await admin.post(`${EDITOR}/preview`, CUSTOM);
    assert.equal(page.status, 200);
    assert.match(page.body, /<iframe class="mail-preview" title="HTML preview" sandbox srcdoc="&#60;div class=&#34;custom&#34;&#62;&#60;h2&#62;Hi Alex Example/);
    assert.match(visibleText(page.body), /Subject: Latchkey reset for Alex Example/);
    assert.match(page.headers.get('content-security-policy') ?? '', /style-src 'self' 'unsafe-inline'; .*script-src|script-src 'self'; style-src 'self' 'unsafe-inline'/);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /script-src[^;]*unsafe/);
    assert.match(page.body, /<pre class="mail-text" id="preview-text">Hi Alex Example, your code is 123456 \(10 min\)\. http:\/\/latchkey\.test:3000\/d\/default\/signin<\/pre>/);
    assert.deepEqual(await templates(), []);
  });

  it('a saved template is what a real reset email uses: subject, HTML and text, values escaped; the code is never stored in clear (R9)', async () => {
    await admin.get(EDITOR);
    const saved = await admin.post(formAction(admin.last!.body, 'Save'), CUSTOM);
    assert.match(visibleText(saved.body), /Template saved\./);
    const rows = await templates();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.subject, CUSTOM.subject);

    await lk.createAccount({ email: 'tpl@example.com', password: 'a quiet harbour at dusk', displayName: 'Zoë <script>x</script>' });
    const mail = await resetMailTo('tpl@example.com');
    const code = codeIn(mail);
    assert.equal(mail.subject, 'Latchkey reset for Zoë <script>x</script>', 'a subject is plain text');
    assert.equal(mail.text.trim(), `Hi Zoë <script>x</script>, your code is ${code} (10 min). http://latchkey.test:3000/d/default/signin`);
    assert.match(mail.html, new RegExp(`<h2>Hi Zoë &#60;script&#62;x&#60;/script&#62;</h2><p>Code: <b>${code}</b>`));
    assert.doesNotMatch(mail.html, /<script>/);

    const outbox = await lk.latchkey.db.selectFrom('outbox').selectAll().where('to_address', '=', 'tpl@example.com').execute();
    for (const row of outbox) assert.doesNotMatch(JSON.stringify(row), new RegExp(code));
    for (const row of await templates()) assert.doesNotMatch(JSON.stringify(row), new RegExp(code));
  });

  it('"Send test email" goes through the outbox and SMTP to the address typed, with sample data', async () => {
    await admin.get(EDITOR);
    const sent = await admin.post(formAction(admin.last!.body, 'Send test email'), { to: 'reviewer@example.org' });
    assert.match(visibleText(sent.body), /Test email queued\./);
    const mail = await lk.smtp.waitFor((m) => m.to.includes('reviewer@example.org'));
    assert.equal(mail.subject, 'Latchkey reset for Alex Example');
    assert.match(mail.text, /your code is 123456/);
    const row = await lk.latchkey.db.selectFrom('outbox').selectAll().where('to_address', '=', 'reviewer@example.org').executeTakeFirstOrThrow();
    assert.doesNotMatch(JSON.stringify(row.payload), /123456/, 'even the sample code is sealed');
    const bad = await admin.post(formAction(admin.last!.body, 'Send test email'), { to: 'not an address' });
    assert.equal(bad.status, 400);
    assert.match(visibleText(bad.body), /Enter a valid email address to send the test to\. Nothing was sent\./);
  });

  it('reset to default brings back the built-in mail', async () => {
    await admin.get(EDITOR);
    const reset = await admin.post(formAction(admin.last!.body, 'Reset to default'), {});
    assert.match(visibleText(reset.body), /Back to the built-in template\./);
    assert.deepEqual(await templates(), []);
    await lk.createAccount({ email: 'plain@example.com', password: 'a quiet harbour at dusk' });
    assert.equal((await resetMailTo('plain@example.com')).subject, 'Latchkey: your code to reset your password');
  });

  it('From name and Reply-To are validated, saved and used in the mail received', async () => {
    await admin.get(EMAIL);
    for (const bad of [{ from_name: 'Evil <x@y.z>', reply_to: '' }, { from_name: 'Line\nBreak', reply_to: '' }, { from_name: 'Fine', reply_to: 'nope' }]) {
      const page = await admin.post(formAction(admin.last!.body, 'Save'), bad);
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), /Nothing was changed\./);
    }
    const before = await lk.latchkey.db.selectFrom('directories').select(['mail_from_name', 'mail_reply_to']).where('slug', '=', 'default').executeTakeFirstOrThrow();
    assert.deepEqual(before, { mail_from_name: null, mail_reply_to: null });

    const saved = await admin.post(formAction(admin.last!.body, 'Save'), { from_name: 'Contoso Support', reply_to: 'help@contoso.example' });
    assert.match(visibleText(saved.body), /Sender saved\./);
    await lk.createAccount({ email: 'sender@example.com', password: 'a quiet harbour at dusk' });
    const mail = await resetMailTo('sender@example.com');
    assert.equal(mail.from, '"Contoso Support" <no-reply@latchkey.test>');
    assert.equal(mail.replyTo, 'help@contoso.example');
  });
});
