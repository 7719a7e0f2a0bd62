import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { translator } from '../../src/i18n/i18n.ts';
import type { Locale } from '../../src/storage/schema.ts';
import { FormClient, formAction, visibleText, type Page } from '../support/form-client.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// Sign-up through HTTP as a browser does it, with the code read from mail delivered over real SMTP.

const en = translator('en');
const PASSWORD = 'violet harbour lantern 42';

interface SignUpInput {
  readonly email: string;
  readonly password?: string;
  readonly confirmation?: string;
  readonly displayName?: string;
  readonly username?: string;
  readonly directory?: string;
  readonly locale?: Locale;
}

describe('sign-up', () => {
  let lk: TestLatchkey;

  before(async () => {
    lk = await startTestLatchkey();
    await lk.latchkey.db.insertInto('directories').values({ slug: 'members', display_name: 'Harbour Club', sign_in_identifier: 'username' }).execute();
  });
  after(async () => {
    await lk?.close();
  });

  const sentTo = (mail: { to: string[] }, email: string) => mail.to.some((to) => to.toLowerCase() === email.trim().toLowerCase());
  const mailsTo = (email: string) => lk.smtp.messages.filter((m) => sentTo(m, email));

  async function requestCode(client: FormClient, input: SignUpInput): Promise<Page> {
    const directory = input.directory ?? 'default';
    await client.get(`/d/${directory}/signup${input.locale ? `?ui_locales=${input.locale}` : ''}`);
    return client.post(formAction(client.last!.body), { email: input.email });
  }

  async function codeFor(email: string, sentBefore: number): Promise<string> {
    const mail = await lk.smtp.waitFor((m) => sentTo(m, email) && lk.smtp.messages.indexOf(m) >= sentBefore);
    return codeIn(mail);
  }

  /** Email → code → details; returns the page after "Create". */
  async function signUp(client: FormClient, input: SignUpInput): Promise<Page> {
    const t = translator(input.locale ?? 'en');
    const before = lk.smtp.messages.length;
    await requestCode(client, input);
    const code = await codeFor(input.email, before);
    await client.post(formAction(client.last!.body, t('sign_up_verify_code')), { code });
    return submitDetails(client, input);
  }

  function submitDetails(client: FormClient, input: SignUpInput): Promise<Page> {
    const t = translator(input.locale ?? 'en');
    const fields: Record<string, string> = {
      display_name: input.displayName ?? 'Ada Lovelace',
      password: input.password ?? PASSWORD,
      confirm_password: input.confirmation ?? input.password ?? PASSWORD,
    };
    if (input.username !== undefined) fields.username = input.username;
    return client.post(formAction(client.last!.body, t('sign_up_create')), fields);
  }

  it('S1, R11: signs up end to end with the code from the SMTP sink, verified, signed in, at My account', async () => {
    const client = new FormClient(lk.baseUrl);
    const page = await signUp(client, { email: '  Ada.Lovelace@Example.com ', displayName: 'Ada Lovelace' });
    assert.equal(page.status, 200);
    assert.match(page.url, /\/d\/default\/account$/);
    const text = visibleText(page.body);
    assert.ok(text.includes('Ada Lovelace') && text.includes('Ada.Lovelace@Example.com'), text);
    const row = await lk.latchkey.db.selectFrom('accounts').selectAll().where('email_canonical', '=', 'ada.lovelace@example.com').executeTakeFirstOrThrow();
    assert.equal(row.email, 'Ada.Lovelace@Example.com', 'tidied, case kept for display');
    assert.equal(row.email_verified, true);
    assert.equal(row.locale, 'en');
    assert.ok(row.password_hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'), row.password_hash);
    const mail = mailsTo('Ada.Lovelace@Example.com')[0];
    assert.ok(mail && mail.subject.includes('verify your email'), mail?.subject);
    const audit = await lk.latchkey.db.selectFrom('audit_events').select('type').where('account_id', '=', row.id).execute();
    assert.ok(audit.some((a) => a.type === 'sign_up'));
  });

  it('signs up in French (?ui_locales=fr): French pages, French mail, locale stored on the account', async () => {
    const fr = translator('fr');
    const client = new FormClient(lk.baseUrl);
    const first = await client.get('/d/default/signup?ui_locales=fr');
    assert.ok(visibleText(first.body).includes(fr('sign_up_send_code')));
    assert.ok(first.body.includes('<html lang="fr"'));
    const page = await signUp(client, { email: 'camille@example.fr', displayName: 'Camille Martin', locale: 'fr' });
    assert.match(page.url, /\/account$/);
    assert.ok(visibleText(page.body).includes(fr('account_title')), visibleText(page.body));
    const mail = mailsTo('camille@example.fr')[0];
    assert.ok(mail?.subject.includes('vérifiez votre adresse e-mail'), mail?.subject);
    const row = await lk.latchkey.db.selectFrom('accounts').select('locale').where('email_canonical', '=', 'camille@example.fr').executeTakeFirstOrThrow();
    assert.equal(row.locale, 'fr');
  });

  it('R11, R12: a case/width variant of a registered email gets the same page, the code goes to the stored address, and no second account is made', async () => {
    await lk.createAccount({ email: 'grace@example.com', password: PASSWORD });
    const known = new FormClient(lk.baseUrl);
    const unknown = new FormClient(lk.baseUrl);
    const before = lk.smtp.messages.length;
    const variant = 'ＧＲＡＣＥ@Example.COM';
    const knownPage = await requestCode(known, { email: variant });
    const unknownPage = await requestCode(unknown, { email: 'nobody-yet@example.com' });
    assert.equal(knownPage.status, unknownPage.status);
    const shown = (page: Page, email: string) => visibleText(page.body).replace(email, '<email>');
    assert.equal(shown(knownPage, variant.normalize('NFKC')), shown(unknownPage, 'nobody-yet@example.com'));
    assert.deepEqual(knownPage.setCookies.map((c) => c.split('=')[0]).sort(), unknownPage.setCookies.map((c) => c.split('=')[0]).sort());

    const code = await codeFor('grace@example.com', before);
    const mail = lk.smtp.messages.find((m) => m.to.includes('grace@example.com') && lk.smtp.messages.indexOf(m) >= before);
    assert.deepEqual(mail?.to, ['grace@example.com'], 'sent to the address on file, one recipient');
    const page = await known.post(formAction(known.last!.body, en('sign_up_verify_code')), { code });
    assert.ok(visibleText(page.body).includes(en('sign_up_already_registered_title')), visibleText(page.body));
    const rows = await lk.latchkey.db.selectFrom('accounts').select('id').where('email_canonical', '=', 'grace@example.com').execute();
    assert.equal(rows.length, 1);
  });

  it('a wrong code says so; 5 wrong codes kill it and the right code is refused afterwards', async () => {
    const client = new FormClient(lk.baseUrl);
    const before = lk.smtp.messages.length;
    await requestCode(client, { email: 'attempts@example.com' });
    const code = await codeFor('attempts@example.com', before);
    const wrong = code === '000000' ? '111111' : '000000';
    const action = formAction(client.last!.body, en('sign_up_verify_code'));
    const first = await client.post(action, { code: wrong });
    assert.ok(visibleText(first.body).includes(en('sign_up_code_wrong')));
    for (let i = 0; i < 4; i++) await client.post(action, { code: wrong });
    assert.ok(visibleText(client.last!.body).includes(en('sign_up_code_exhausted')));
    const after = await client.post(action, { code });
    assert.ok(visibleText(after.body).includes(en('sign_up_code_exhausted')), 'the right code no longer works');
    assert.ok(!after.body.includes('name="display_name"'), 'still no way to the details page');
  });

  it('sends at most one code a minute per address: "Send new code" right away sends nothing and shows the same page', async () => {
    const client = new FormClient(lk.baseUrl);
    const before = lk.smtp.messages.length;
    const first = await requestCode(client, { email: 'throttle@example.com' });
    await codeFor('throttle@example.com', before);
    const again = await client.post(formAction(first.body, en('sign_up_resend')), {});
    assert.equal(visibleText(again.body), visibleText(first.body));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(mailsTo('throttle@example.com').length, 1);
    const sends = await lk.latchkey.db.selectFrom('code_sends').select('purpose').execute();
    assert.ok(sends.every((s) => s.purpose === 'sign_up'));
  });

  it('the flow answers only to the browser that started it', async () => {
    const owner = new FormClient(lk.baseUrl);
    const page = await requestCode(owner, { email: 'bound@example.com' });
    const stranger = new FormClient(lk.baseUrl);
    const seen = await stranger.get(page.url);
    assert.equal(seen.status, 404);
    assert.ok(visibleText(seen.body).includes(en('sign_up_flow_not_found')));
    await stranger.get('/d/default/signup');
    const posted = await stranger.post(formAction(page.body, en('sign_up_verify_code')), { code: '123456' });
    assert.equal(posted.status, 404);
    const flow = await lk.latchkey.db.selectFrom('flows').select('code_attempts').where('identifier_canonical', '=', 'bound@example.com').executeTakeFirstOrThrow();
    assert.equal(flow.code_attempts, 0, 'a stranger cannot spend the owner’s attempts');
  });

  it('P1, P2, P4: the details page says why a password is refused; 257 characters are rejected, not truncated', async () => {
    const client = new FormClient(lk.baseUrl);
    const email = 'policy.person@example.com';
    const refused = async (password: string, expected: string, confirmation?: string) => {
      const page = await submitDetails(client, { email, password, displayName: 'Policy Person', ...(confirmation ? { confirmation } : {}) });
      assert.match(page.url, /\/signup\/[0-9a-f-]+$/);
      assert.ok(visibleText(page.body).includes(expected), `${expected} in ${visibleText(page.body)}`);
      assert.equal(page.body.includes('value="Policy Person"'), true, 'what was typed is kept');
    };
    await signUp(client, { email, password: 'short7!', displayName: 'Policy Person' });
    assert.ok(visibleText(client.last!.body).includes(en('password_too_short', { min: 8 })));
    await refused('password123', en('password_common'));
    await refused('my policy.person secret', en('password_contains_identifier'));
    await refused('Policy Person rocks', en('password_contains_identifier'));
    await refused('default Latchkey login 9', en('password_contains_directory'));
    await refused('x'.repeat(257), en('password_too_long', { max: 256 }));
    await refused('a long enough passphrase', en('password_mismatch'), 'a different passphrase');
    const long = 'q7'.repeat(128);
    const done = await submitDetails(client, { email, password: long, displayName: 'Policy Person' });
    assert.match(done.url, /\/account$/, '256 characters are accepted');
    const signIn = async (password: string) => {
      const c = new FormClient(lk.baseUrl);
      await c.get('/d/default/signin');
      return c.post('/d/default/signin', { identifier: email, password });
    };
    assert.match((await signIn(long)).url, /\/account$/);
    assert.equal((await signIn(`${long}x`)).status, 400, 'a longer password is a different password');
  });

  it('a username directory asks for a unique username, still verifies the email, and signs in by username', async () => {
    const client = new FormClient(lk.baseUrl);
    const page = await signUp(client, { directory: 'members', email: 'sailor@example.com', username: 'Sailor.Moon', displayName: 'Usagi' });
    assert.match(page.url, /\/d\/members\/account$/);
    assert.ok(visibleText(page.body).includes('Sailor.Moon'));
    const row = await lk.latchkey.db.selectFrom('accounts').select(['username_canonical', 'email_verified']).where('email_canonical', '=', 'sailor@example.com').executeTakeFirstOrThrow();
    assert.deepEqual(row, { username_canonical: 'sailor.moon', email_verified: true });

    const other = new FormClient(lk.baseUrl);
    const taken = await signUp(other, { directory: 'members', email: 'second@example.com', username: 'SAILOR.moon', displayName: 'Someone' });
    assert.ok(visibleText(taken.body).includes(en('sign_up_username_taken')), visibleText(taken.body));
    const invalid = await submitDetails(other, { email: 'second@example.com', username: 'a b', displayName: 'Someone' });
    assert.ok(visibleText(invalid.body).includes(en('sign_up_username_invalid')));

    const signIn = new FormClient(lk.baseUrl);
    const form = await signIn.get('/d/members/signin');
    assert.ok(visibleText(form.body).includes(en('field_username')));
    const signedIn = await signIn.post('/d/members/signin', { identifier: 'sailor.MOON', password: PASSWORD });
    assert.match(signedIn.url, /\/d\/members\/account$/);
  });

  it('P6: the details page has new-password autocomplete and a show-password toggle', async () => {
    const client = new FormClient(lk.baseUrl);
    await signUp(client, { email: 'p6@example.com', password: 'x' });
    const body = client.last!.body;
    assert.equal((body.match(/autocomplete="new-password"/g) ?? []).length, 2);
    assert.ok(body.includes('data-toggle-password="password"'));
    assert.ok(body.includes('autocomplete="email"') === false, 'email is already verified here');
    const start = await new FormClient(lk.baseUrl).get('/d/default/signup');
    assert.ok(start.body.includes('autocomplete="email"'));
  });

  it('SE6, R10: a POST without _csrf is refused with 403; a repeated email field gets 400', async () => {
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signup');
    const forged = await client.post('/d/default/signup', { _csrf: '', email: 'csrf@example.com' });
    assert.equal(forged.status, 403);
    await client.get('/d/default/signup');
    const repeated = await client.post('/d/default/signup', { email: ['one@example.com', 'two@example.com'] });
    assert.equal(repeated.status, 400);
    assert.equal(mailsTo('one@example.com').length + mailsTo('csrf@example.com').length, 0);
  });

  it('an invalid address is shown back with a clear message', async () => {
    const client = new FormClient(lk.baseUrl);
    const page = await requestCode(client, { email: 'not-an-address' });
    assert.equal(page.status, 400);
    assert.ok(visibleText(page.body).includes(en('sign_up_email_invalid')));
    assert.ok(page.body.includes('value="not-an-address"'));
  });
});
