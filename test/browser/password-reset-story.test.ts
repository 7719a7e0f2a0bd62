import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { translator, type Translate } from '../../src/i18n/i18n.ts';
import type { Locale } from '../../src/storage/schema.ts';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// The whole story in a real browser: an administrator turns self-service reset on; a customer signs
// up, forgets the password, gets back in through "Can't access your account?" with the emailed code,
// and signs in with the new password while the old one fails. Once in English, once in French.

const ADMIN = { email: 'admin@latchkey.test', password: 'correct horse battery staple' };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

async function turnResetOn(page: Page, baseUrl: string): Promise<void> {
  await signInAdminInBrowser(page, baseUrl, ADMIN);
  await page.getByRole('link', { name: /default/i }).first().click();
  await page.getByRole('link', { name: 'Password reset' }).click();
  await shot(page, 'admin-password-reset-before');
  assert.equal(await page.getByLabel('None').isChecked(), true, 'None is the default');
  await page.getByLabel('All').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved').waitFor();
  assert.equal(await page.getByLabel('All').isChecked(), true);
  await shot(page, 'admin-password-reset-saved');
}

interface Story {
  readonly locale: Locale;
  readonly email: string;
  readonly t: Translate;
}

async function signUp(page: Page, lk: TestLatchkey, story: Story, password: string): Promise<void> {
  const { t } = story;
  await page.goto(`${lk.baseUrl}/d/default/signin?ui_locales=${story.locale}`);
  await page.getByRole('link', { name: t('sign_in_sign_up_link') }).click();
  await page.getByLabel(t('field_email')).fill(story.email);
  await page.getByRole('button', { name: t('sign_up_send_code') }).click();
  const mail = await lk.smtp.waitFor((m) => m.to.includes(story.email));
  await page.getByLabel(t('sign_up_code_label')).fill(codeIn(mail));
  await page.getByRole('button', { name: t('sign_up_verify_code') }).click();
  await page.getByLabel(t('sign_up_display_name')).fill('Camille Martin');
  await page.getByLabel(t('sign_up_password'), { exact: true }).fill(password);
  await page.getByLabel(t('sign_up_confirm_password')).fill(password);
  await page.getByRole('button', { name: t('sign_up_create') }).click();
  await page.getByText('Camille Martin').first().waitFor();
  await page.getByRole('button', { name: t('account_sign_out') }).click();
}

async function signIn(page: Page, lk: TestLatchkey, story: Story, password: string): Promise<void> {
  const { t } = story;
  await page.getByLabel(t('field_email')).fill(story.email);
  await page.getByLabel(t('field_password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: t('sign_in_submit') }).click();
}

async function forgotAndReset(page: Page, lk: TestLatchkey, story: Story, newPassword: string): Promise<void> {
  const { t, locale } = story;
  await page.goto(`${lk.baseUrl}/d/default/signin`);
  await shot(page, `${locale}-signin-with-link`);
  await page.getByRole('link', { name: t('sign_in_forgot') }).click();
  await page.getByLabel(t('field_email')).fill(story.email);
  await shot(page, `${locale}-reset-identifier`);
  const before = lk.smtp.messages.length;
  await page.getByRole('button', { name: t('reset_send_code') }).click();
  await page.getByText(t('reset_code_sent')).waitFor();
  await shot(page, `${locale}-reset-code-sent`);
  const mail = await lk.smtp.waitFor((m) => m.to.includes(story.email) && lk.smtp.messages.indexOf(m) >= before);
  await page.getByLabel(t('reset_code_label')).fill(codeIn(mail));
  await page.getByRole('button', { name: t('reset_verify_code') }).click();
  await page.getByText(t('reset_code_verified')).waitFor();
  await shot(page, `${locale}-reset-verified`);
  await page.getByRole('button', { name: t('reset_continue') }).click();
  await page.getByLabel(t('reset_new_password'), { exact: true }).fill(newPassword);
  await page.getByLabel(t('reset_confirm_new_password')).fill(newPassword);
  await shot(page, `${locale}-reset-new-password`);
  await page.getByRole('button', { name: t('reset_continue') }).click();
  await page.getByText(t('sign_in_notice_password_reset')).waitFor();
  await shot(page, `${locale}-signin-after-reset`);
}

describe('browser: the whole self-service password reset story', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;

  before(async () => {
    lk = await startTestLatchkey({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  it('while reset is None, the sign-in page has no "Can\'t access your account?" link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${lk.baseUrl}/d/default/signin`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByText("Can't access your account?").count(), 0);
    await shot(page, 'en-signin-reset-off');
    await context.close();
  });

  for (const locale of ['en', 'fr'] as const) {
    it(`${locale}: admin turns reset on; a customer signs up, forgets, resets with the emailed code, and signs in with the new password only`, async () => {
      const story: Story = { locale, email: `camille.${locale}@example.com`, t: translator(locale) };
      const { t } = story;
      const oldPassword = 'first password 4 Camille';
      const newPassword = 'a brand new passphrase 7';

      // Each run starts from a new directory's default, so the admin sees "None" and turns it on.
      await lk.setResetScope('none');
      const admin = await browser.newContext();
      await turnResetOn(await admin.newPage(), lk.baseUrl);
      await admin.close();

      const context = await browser.newContext({ locale: locale === 'fr' ? 'fr-FR' : 'en-US' });
      const page = await context.newPage();
      await signUp(page, lk, story, oldPassword);
      await forgotAndReset(page, lk, story, newPassword);

      await signIn(page, lk, story, oldPassword);
      await page.getByRole('alert').waitFor();
      await shot(page, `${locale}-old-password-refused`);
      assert.match(page.url(), /\/signin/);

      await signIn(page, lk, story, newPassword);
      await page.getByRole('button', { name: t('account_sign_out') }).waitFor();
      await shot(page, `${locale}-account-after-reset`);
      assert.match(page.url(), /\/account/);
      assert.equal(await page.locator('html').getAttribute('lang'), locale);
      await context.close();
    });
  }
});
