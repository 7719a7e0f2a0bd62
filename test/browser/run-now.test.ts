import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { translator } from '../../src/i18n/i18n.ts';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// B2C's "Run now", in a real browser: the administrator runs the sign-in user flow with Latchkey's test
// application; in the new tab the "customer" cannot get in, clicks "Can't access your account?", takes
// the code from the run's test inbox in the admin tab, sets a new password, is back in the same sign-in,
// and ends on the token viewer with the ID token's claims and checks.

const ADMIN = { email: 'admin@latchkey.test', password: 'correct horse battery staple' };
const CUSTOMER = { email: 'noor.visser@example.com', oldPassword: 'forgotten passphrase 1', newPassword: 'remembered passphrase 2' };
const t = translator('en');

async function shot(page: Page, name: string, width?: number): Promise<void> {
  if (width) await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `run-now-${name}.png`), fullPage: true });
}

describe('browser: "Run now" with the test inbox and the token viewer', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;

  before(async () => {
    lk = await startReachableLatchkey({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    await lk.setResetScope('all');
    await lk.createAccount({ email: CUSTOMER.email, password: CUSTOMER.oldPassword, displayName: 'Noor Visser' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  it('Run now on B2C_1_signin → "Can\'t access your account?" → code from the test inbox → back in the flow → token viewer shows the claims', async () => {
    const context = await browser.newContext();
    const admin = await context.newPage();
    await signInAdminInBrowser(admin, lk.baseUrl, ADMIN);
    await admin.getByRole('link', { name: /default/i }).first().click();
    await admin.getByRole('link', { name: 'User flows' }).click();
    await admin.getByRole('heading', { name: 'User flows', level: 1 }).waitFor();
    await shot(admin, 'user-flows');

    await admin.getByRole('link', { name: 'Run now B2C_1_signin' }).click();
    await admin.getByLabel('Application and reply URL').selectOption({ label: 'Latchkey test application (token viewer)' });
    await shot(admin, 'choose-application');
    await admin.getByRole('button', { name: 'Run user flow' }).click();
    await admin.getByRole('heading', { name: 'Run of B2C_1_signin' }).waitFor();
    assert.match(await admin.getByLabel('Run user flow endpoint').inputValue(), /\/oauth2\/authorize\?.*p=B2C_1_signin/);

    // The run opens in a new tab, as B2C's does.
    const [customer] = await Promise.all([context.waitForEvent('page'), admin.getByRole('link', { name: 'Open the user flow in a new tab' }).click()]);
    await customer.getByRole('heading', { name: t('sign_in_title') }).waitFor();
    await shot(customer, 'sign-in');
    await customer.getByRole('link', { name: t('sign_in_forgot') }).click();
    await customer.getByLabel(t('field_email')).fill(CUSTOMER.email);
    await customer.getByRole('button', { name: t('reset_send_code') }).click();
    await customer.getByText(t('reset_code_sent')).waitFor();

    // The admin tab's inbox picks the message up by itself (no reload): the page polls.
    const message = admin.locator('#test-inbox li').first();
    await message.waitFor({ timeout: 15_000 });
    const text = await message.locator('pre').innerText();
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    assert.ok(code, `a six-digit code in the test inbox: ${text}`);
    assert.match(await message.innerText(), new RegExp(CUSTOMER.email.replace('.', '\\.')));
    await shot(admin, 'test-inbox');
    // The same message really went out over SMTP too.
    const delivered = await lk.smtp.waitFor((m) => m.to.includes(CUSTOMER.email));
    assert.ok(delivered.text.includes(code));

    await customer.getByLabel(t('reset_code_label')).fill(code);
    await customer.getByRole('button', { name: t('reset_verify_code') }).click();
    await customer.getByRole('button', { name: t('reset_continue') }).click();
    await customer.getByLabel(t('reset_new_password'), { exact: true }).fill(CUSTOMER.newPassword);
    await customer.getByLabel(t('reset_confirm_new_password')).fill(CUSTOMER.newPassword);
    await customer.getByRole('button', { name: t('reset_continue') }).click();

    // Back in the same sign-in of the same run, not on a dead end.
    await customer.getByText(t('sign_in_notice_password_reset')).waitFor();
    assert.match(customer.url(), /\/d\/default\/interaction\//);
    await shot(customer, 'back-in-flow');
    await customer.getByLabel(t('field_email')).fill(CUSTOMER.email);
    await customer.getByLabel(t('field_password'), { exact: true }).fill(CUSTOMER.newPassword);
    await customer.getByRole('button', { name: t('sign_in_submit') }).click();

    await customer.getByRole('heading', { name: 'Token viewer' }).waitFor();
    assert.match(customer.url(), /\/admin\/d\/default\/run\/callback\?/);
    const claims = await customer.locator('#token-claims').innerText();
    assert.match(claims, /tfp\s+B2C_1_signin/);
    assert.match(claims, new RegExp(`email\\s+${CUSTOMER.email.replace('.', '\\.')}`));
    assert.match(claims, /name\s+Noor Visser/);
    const header = await customer.locator('#token-header').innerText();
    assert.match(header, /alg\s+RS256/);
    const checks = await customer.locator('#token-checks').innerText();
    assert.equal((checks.match(/✓ passed/g) ?? []).length, 5, checks);
    await shot(customer, 'token-viewer', 1440);
    await shot(customer, 'token-viewer-narrow', 375);

    // The run page now says it completed, and its inbox also holds the "password changed" notice.
    await admin.reload();
    await admin.getByText('Completed: tokens were issued').waitFor();
    await admin.locator('#test-inbox li').nth(1).waitFor({ timeout: 15_000 });
    assert.equal(await admin.locator('#test-inbox li').count(), 2);
    await shot(admin, 'run-completed', 1440);
    await shot(admin, 'run-completed-narrow', 375);
    await context.close();
  });
});
