import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keepInMailbox } from '../../src/mailbox/mailbox-store.ts';
import { visibleText } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';
import { customer, requestCode } from './password-reset-steps.ts';

// The trial mailbox: without SMTP_URL, the mail Latchkey would have sent is readable in the portal
// (codes included, so administrators only); with SMTP configured, nothing is kept and the page says so.

const ADMIN = { email: 'ops@example.com', password: 'violet-harbour-lantern' };
const CUSTOMER = { email: 'grace@example.com', password: 'correct horse battery staple' };

describe('admin portal: the mailbox without SMTP', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey({ SMTP_URL: '' });
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount(CUSTOMER);
    await lk.setResetScope('all');
  });
  after(() => lk.close());

  async function admin(): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    return client;
  }

  it('a reset code mail appears, newest first, and opens with its code in the text and the HTML in a sandbox', async () => {
    await requestCode(customer(lk), CUSTOMER.email);
    await lk.latchkey.dispatcher.drainOnce();
    assert.equal(lk.smtp.messages.length, 0, 'nothing went out by SMTP');
    const client = await admin();
    const list = await client.get('/admin/mailbox');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('cache-control'), 'no-store');
    const text = visibleText(list.body);
    assert.match(text, /These messages contain sign-up and password reset codes\. Only administrators can see this page\./);
    assert.match(text, /grace@example\.com/);
    const link = /<a href="(\/admin\/mailbox\/\d+)">([^<]*reset[^<]*)<\/a>/.exec(list.body);
    assert.ok(link?.[1], 'the reset mail is listed');
    const message = await client.get(link[1]);
    assert.equal(message.status, 200);
    const stored = await lk.latchkey.db.selectFrom('mailbox').selectAll().executeTakeFirstOrThrow();
    const code = /\b(\d{6})\b/.exec(stored.text_body)?.[1];
    assert.ok(code, 'the stored text carries the code');
    assert.match(visibleText(message.body), new RegExp(code));
    assert.match(message.body, /<iframe class="mail" title="[^"]+" sandbox="" referrerpolicy="no-referrer" srcdoc="[^"<]*"><\/iframe>/);
  });

  it('HTML and subjects are escaped: a hostile message cannot run in the portal', async () => {
    const directory = await lk.latchkey.db.selectFrom('directories').select('id').executeTakeFirstOrThrow();
    await keepInMailbox(lk.latchkey.db, { directoryId: directory.id, to: 'x@example.com', subject: '<b>bold</b>', text: '<script>alert(1)</script>', html: '<img src=x onerror=alert(1)><script>alert(2)</script>' });
    const client = await admin();
    const list = await client.get('/admin/mailbox');
    assert.ok(!list.body.includes('<b>bold</b>') && list.body.includes('&#60;b&#62;bold'));
    const id = (await lk.latchkey.db.selectFrom('mailbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const message = await client.get(`/admin/mailbox/${id}`);
    assert.ok(!message.body.includes('<script>alert'), 'no script reaches the page');
    assert.ok(message.body.includes('srcdoc="&#60;img src=x onerror=alert(1)&#62;&#60;script&#62;alert(2)'));
  });

  it('bad or unknown ids and cursors get a clear page; signed-out visitors are sent to sign in', async () => {
    const client = await admin();
    assert.equal((await client.get('/admin/mailbox/abc')).status, 404);
    assert.equal((await client.get('/admin/mailbox/999999')).status, 404);
    const bad = await client.get('/admin/mailbox?before=x1');
    assert.equal(bad.status, 400);
    assert.match(visibleText(bad.body), /Bad request/);
    const anonymous = await new FormClient(lk.baseUrl).get('/admin/mailbox', { follow: false });
    assert.equal(anonymous.status, 303);
  });

  it('keeps only the newest messages past the cap', async () => {
    const db = lk.latchkey.db;
    for (let i = 0; i < 5; i++) await keepInMailbox(db, { directoryId: null, to: `cap${i}@example.com`, subject: `cap ${i}`, text: '', html: '' }, 3);
    const rows = await db.selectFrom('mailbox').select('to_address').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.to_address), ['cap2@example.com', 'cap3@example.com', 'cap4@example.com']);
  });
});

describe('admin portal: the mailbox with SMTP configured', () => {
  let lk: TestLatchkey;
  before(async () => {
    lk = await startTestLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount(CUSTOMER);
    await lk.setResetScope('all');
  });
  after(() => lk.close());

  it('says the mailbox is off, and keeps no copy of delivered mail', async () => {
    await requestCode(customer(lk), CUSTOMER.email);
    await lk.latchkey.dispatcher.drainOnce();
    await lk.smtp.waitFor((m) => m.to.includes(CUSTOMER.email));
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    const page = await client.get('/admin/mailbox');
    assert.equal(page.status, 200);
    assert.match(visibleText(page.body), /The mailbox is off: an SMTP server is configured/);
    assert.equal((await lk.latchkey.db.selectFrom('mailbox').selectAll().execute()).length, 0);
  });
});
