import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formAction, visibleText } from '../support/form-client.ts';
import type { TestLatchkey } from '../support/test-latchkey.ts';
import { FormClient, startInstance, startWithSignedInAdmin, type Instance } from './admin-test-kit.ts';

const ADMIN = { email: 'words@example.com', password: 'violet-harbour-lantern' };
const LANGUAGES = '/admin/d/default/languages';

describe('admin portal: Languages (offered languages, default, overrides)', () => {
  let lk: TestLatchkey;
  let admin: FormClient;
  before(async () => {
    ({ lk, admin } = await startWithSignedInAdmin(ADMIN));
  });
  after(() => lk.close());

  const directory = () => lk.latchkey.db.selectFrom('directories').selectAll().where('slug', '=', 'default').executeTakeFirstOrThrow();
  const signInPage = (headers: Record<string, string>, query = '') => new FormClient(lk.baseUrl, headers).get(`/d/default/signin${query}`);
  const overrides = () => lk.latchkey.db.selectFrom('text_overrides').selectAll().execute();

  async function saveLanguages(offered: string[], defaultLocale: string) {
    await admin.get(LANGUAGES);
    return admin.post(formAction(admin.last!.body, 'Save'), { offered, default_locale: defaultLocale });
  }

  it('every language is offered by default; a German or Spanish browser sees German or Spanish pages', async () => {
    const page = await admin.get(LANGUAGES);
    for (const locale of ['en', 'fr', 'nl', 'de', 'es']) assert.match(page.body, new RegExp(`id="offered-${locale}" name="offered" value="${locale}" checked`));
    assert.match(visibleText((await signInPage({ 'accept-language': 'de-DE,de;q=0.9' })).body), /Anmelden .*Passwort/);
    assert.match(visibleText((await signInPage({ 'accept-language': 'es-ES' })).body), /Iniciar sesión .*Contraseña/);
  });

  it('offered set and default: a language not offered is never chosen, by Accept-Language, ui_locales or the cookie', async () => {
    const saved = await saveLanguages(['en', 'de'], 'de');
    assert.match(visibleText(saved.body), /Saved/);
    const row = await directory();
    assert.deepEqual(row.offered_locales, ['en', 'de']);
    assert.equal(row.default_locale, 'de');

    const spanish = await signInPage({ 'accept-language': 'es-ES,es;q=0.9,fr;q=0.8' });
    assert.match(spanish.body, /<html lang="de">/, 'neither Spanish nor French is offered: the default');
    assert.match(visibleText(spanish.body), /Anmelden/);
    assert.match(spanish.body, /hreflang="en">English</);
    assert.doesNotMatch(spanish.body, /hreflang="(es|fr|nl)"/, 'the switcher lists offered languages only');
    assert.match((await signInPage({ 'accept-language': 'fr' }, '?ui_locales=es%20en')).body, /<html lang="en">/);
    assert.match((await signInPage({ cookie: 'lk_locale=es', 'accept-language': 'en' })).body, /<html lang="en">/);
  });

  it('an account whose stored language is no longer offered gets its reset mail in the language of the page', async () => {
    await lk.createAccount({ email: 'ana@example.com', password: 'a quiet harbour at dusk', locale: 'es' });
    const customer = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    await customer.get('/d/default/reset');
    await customer.post('/d/default/reset', { email: 'ana@example.com' });
    const mail = await lk.smtp.waitFor((m) => m.to.includes('ana@example.com'));
    assert.equal(mail.subject, 'Latchkey: your code to reset your password');
  });

  it('a default outside the offered set, or nothing offered, is refused and changes nothing', async () => {
    const before = await directory();
    for (const [offered, defaultLocale] of [[['en'], 'de'], [[], 'en'], [['en', 'xx'], 'en']] as const) {
      const page = await saveLanguages([...offered], defaultLocale);
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), /choose a default among those ticked\. Nothing was changed\./);
    }
    const after = await directory();
    assert.deepEqual(after.offered_locales, before.offered_locales);
    assert.equal(after.texts_version, before.texts_version);
    await saveLanguages(['en', 'fr', 'nl', 'de', 'es'], 'en');
  });

  it('the list shows every key with its default text per language, and a filter', async () => {
    const german = await admin.get(`${LANGUAGES}?lang=de`);
    assert.match(german.body, /<code>sign_in_heading<\/code><\/th>\s*<td lang="de">Anmelden<\/td>/);
    const filtered = visibleText((await admin.get(`${LANGUAGES}?lang=es&q=restablecer`)).body);
    assert.match(filtered, /reset_title Restablecer la contraseña/);
    assert.doesNotMatch(filtered, /sign_in_heading/);
  });

  it('an override is used on the sign-in page, escaped, on every instance; reset-to-default brings the default back', async () => {
    const other: Instance = await startInstance(lk.databaseUrl, { LOG_LEVEL: 'silent' });
    try {
      // Warm the other instance's cache before the change: it must notice the change by itself.
      assert.match(visibleText((await new FormClient(other.baseUrl, { 'accept-language': 'en' }).get('/d/default/signin')).body), /Sign in/);
      const edit = await admin.get(`${LANGUAGES}/en/texts/sign_in_heading`);
      assert.match(edit.body, /<textarea id="override-text" name="text"[^>]*>Sign in<\/textarea>/);
      const saved = await admin.post(formAction(edit.body, 'Save'), { text: 'Welcome back <b>friend</b>' });
      assert.match(visibleText(saved.body), /Saved\. Customers see this text/);
      assert.deepEqual((await overrides()).map((o) => [o.locale, o.key, o.text]), [['en', 'sign_in_heading', 'Welcome back <b>friend</b>']]);

      for (const base of [lk.baseUrl, other.baseUrl]) {
        const page = await new FormClient(base, { 'accept-language': 'en' }).get('/d/default/signin');
        assert.match(page.body, /Welcome back &#60;b&#62;friend&#60;\/b&#62;/, base);
        assert.doesNotMatch(page.body, /<b>friend/);
      }
      assert.doesNotMatch((await signInPage({ 'accept-language': 'de' })).body, /Welcome back/, 'German keeps its own text');

      const reset = await admin.post(formAction(admin.last!.body, 'Reset to default'), {});
      assert.match(visibleText(reset.body), /Reset to default\./);
      assert.deepEqual(await overrides(), []);
      const back = await new FormClient(other.baseUrl, { 'accept-language': 'en' }).get('/d/default/signin');
      assert.doesNotMatch(back.body, /Welcome back/);
    } finally {
      await other.close();
    }
  });

  it('an override of a mail string is used in the reset email', async () => {
    await lk.createAccount({ email: 'mail-words@example.com', password: 'a quiet harbour at dusk' });
    const edit = await admin.get(`${LANGUAGES}/en/texts/email_reset_code_intro`);
    assert.match(visibleText(edit.body), /Placeholders this text must keep: \{directory\}/);
    await admin.post(formAction(edit.body, 'Save'), { text: 'Here is your {directory} code, fresh from the oven:' });
    const customer = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    await customer.get('/d/default/reset');
    await customer.post('/d/default/reset', { email: 'mail-words@example.com' });
    const mail = await lk.smtp.waitFor((m) => m.to.includes('mail-words@example.com'));
    assert.match(mail.text, /Here is your Latchkey code, fresh from the oven:/);
    assert.match(mail.html, /Here is your Latchkey code, fresh from the oven:/);
  });

  it('an override that drops or invents a placeholder is refused with a clear error, and nothing changes', async () => {
    const before = await overrides();
    const version = (await directory()).texts_version;
    const edit = await admin.get(`${LANGUAGES}/en/texts/email_code_expires`);
    const dropped = await admin.post(formAction(edit.body, 'Save'), { text: 'The code expires soon.' });
    assert.equal(dropped.status, 400);
    assert.match(visibleText(dropped.body), /must keep exactly the placeholders of the default\. Missing: \{directory\}, \{minutes\}\. Nothing was changed\./);
    const invented = await admin.post(formAction(edit.body, 'Save'), { text: 'Expires in {minutes} minutes at {directory}, {secret}.' });
    assert.equal(invented.status, 400);
    assert.match(visibleText(invented.body), /Not allowed: \{secret\}\./);
    assert.match(invented.body, /Expires in \{minutes\} minutes at \{directory\}, \{secret\}\.<\/textarea>/, 'the draft is kept for correction');
    const empty = await admin.post(formAction(edit.body, 'Save'), { text: '   ' });
    assert.equal(empty.status, 400);
    assert.deepEqual(await overrides(), before);
    assert.equal((await directory()).texts_version, version);
    assert.equal((await admin.get(`${LANGUAGES}/en/texts/no_such_key`)).status, 404);
  });
});
