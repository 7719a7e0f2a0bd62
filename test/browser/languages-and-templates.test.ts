import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin } from '../e2e/admin-test-kit.ts';

// An administrator in a real browser: the Languages page (offered languages, an override), the Email
// templates page (edit, preview in the sandboxed frame, save, send a test), at desktop and phone width;
// and customers whose browsers speak German and Spanish.

const ADMIN = { email: 'portal@latchkey.test', password: 'correct horse battery staple' };
const PHONE = { width: 375, height: 812 };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, timeout: 90_000 });
}

/** The same page at phone width, then back: nothing may need sideways scrolling but wide tables. */
async function shotAtPhoneWidth(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the phone`);
  for (const frame of await page.locator('iframe').all()) await frame.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot(page, `${name}-375`);
  if (size) await page.setViewportSize(size);
}

describe('browser: Languages and Email templates in the admin portal; German and Spanish customer pages', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;
  before(async () => {
    [lk, browser] = await Promise.all([startTestLatchkey(), launchBrowser()]);
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.setResetScope('all');
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  async function signedInAdmin(): Promise<Page> {
    const context = await browser.browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signInAdminInBrowser(page, lk.baseUrl, ADMIN);
    await page.getByRole('link', { name: /default/i }).first().click();
    return page;
  }

  for (const [locale, words] of [['de-DE', { lang: 'de', signIn: 'Anmelden', forgot: 'Sie können nicht auf Ihr Konto zugreifen?', reset: 'Passwort zurücksetzen' }], ['es-ES', { lang: 'es', signIn: 'Iniciar sesión', forgot: '¿No puede acceder a su cuenta?', reset: 'Restablecer la contraseña' }]] as const) {
    it(`a browser in ${locale} sees the customer pages in its language`, async () => {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await page.goto(`${lk.baseUrl}/d/default/signin`);
      assert.equal(await page.locator('html').getAttribute('lang'), words.lang);
      await page.getByRole('heading', { name: words.signIn }).waitFor();
      await shot(page, `customer-signin-${words.lang}`);
      await page.getByRole('link', { name: words.forgot }).click();
      await page.getByRole('heading', { name: words.reset }).waitFor();
      await shot(page, `customer-reset-${words.lang}`);
      await context.close();
    });
  }

  it('Languages: offered languages and default saved; an override edited, seen by customers, reset', async () => {
    const page = await signedInAdmin();
    await page.getByRole('link', { name: 'Languages' }).click();
    await page.getByRole('heading', { name: 'Languages', level: 1 }).waitFor();
    await page.getByLabel(/^Dutch/).uncheck();
    await page.getByLabel('Default language').selectOption('de');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    assert.equal(await page.getByLabel(/^Dutch/).isChecked(), false);

    // Filtered to a few rows: every text in one full-page shot is a very tall image.
    await page.getByLabel('Language', { exact: true }).selectOption('en');
    await page.getByLabel('Find text (key or words)').fill('sign_in_');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('link', { name: 'Edit sign_in_heading' }).waitFor();
    await shot(page, 'admin-languages');
    await shotAtPhoneWidth(page, 'admin-languages');
    await page.getByRole('link', { name: 'Edit sign_in_heading' }).click();
    await page.getByLabel('Text').fill('Welcome to the harbour');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. Customers see this text').waitFor();
    await shot(page, 'admin-language-override');
    await shotAtPhoneWidth(page, 'admin-language-override');

    const customer = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
    await customer.goto(`${lk.baseUrl}/d/default/signin`);
    assert.equal(await customer.locator('html').getAttribute('lang'), 'de', 'Dutch is no longer offered: the default, German');
    assert.equal(await customer.getByRole('link', { name: 'Nederlands' }).count(), 0);
    await customer.goto(`${lk.baseUrl}/d/default/signin?ui_locales=en`);
    await customer.getByRole('heading', { name: 'Welcome to the harbour' }).waitFor();

    await page.getByRole('button', { name: 'Reset to default' }).click();
    await page.getByText('Reset to default.').waitFor();
    await customer.goto(`${lk.baseUrl}/d/default/signin?ui_locales=en`);
    await customer.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
    await customer.context().close();
  });

  it('Email templates: edit, preview in the sandboxed frame, save, send a test that arrives', async () => {
    const page = await signedInAdmin();
    await page.getByRole('link', { name: 'Email templates' }).click();
    await page.getByRole('heading', { name: 'Email templates', level: 1 }).waitFor();
    await shot(page, 'admin-email-templates');
    await shotAtPhoneWidth(page, 'admin-email-templates');
    await page.getByRole('link', { name: 'Edit Password reset code, English' }).click();
    await page.getByLabel('Subject').fill('Your {{directoryName}} code is {{code}}');
    const html = await page.getByLabel('HTML').inputValue();
    await page.getByLabel('HTML').fill(html.replace('{{code}}', '<span id="the-code">{{code}}</span>'));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('Subject: Your Latchkey code is 123456').waitFor();
    const frame = page.frameLocator('iframe[title="HTML preview"]');
    assert.equal(await frame.locator('#the-code').textContent(), '123456');
    assert.equal(await page.locator('iframe[title="HTML preview"]').getAttribute('sandbox'), '');
    // Chromium paints a frame only once it has been in view; the full-page shot would show it blank.
    await page.locator('iframe[title="HTML preview"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot(page, 'admin-email-template-preview');
    await shotAtPhoneWidth(page, 'admin-email-template-preview');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Template saved.').waitFor();
    await page.getByLabel('Send to').fill('designer@example.org');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await page.getByText('Test email queued.').waitFor();
    const mail = await lk.smtp.waitFor((m) => m.to.includes('designer@example.org'));
    assert.equal(mail.subject, 'Your Latchkey code is 123456');
    assert.match(mail.html, /<span id="the-code">123456<\/span>/);
    await shot(page, 'admin-email-template-test-sent');
    await page.context().close();
  });
});
