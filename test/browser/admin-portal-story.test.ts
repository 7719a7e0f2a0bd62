import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// The portal's new pages in a real Chromium, without an SMTP server: a customer asks for a reset, the
// administrator reads the code in the Mailbox and the customer uses it; the Audit log is filtered and
// exported; a second administrator is added. Each page is captured at 1440 and at 375 px wide.

const ADMIN = { email: 'admin@latchkey.test', password: 'correct horse battery staple' };
const CUSTOMER = { email: 'lin@example.com', password: 'first password 4 Lin' };

/** Full-page screenshots at desktop and phone width; at 375 px the page must not scroll sideways. */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  // Let the resized page (and any iframe in it) lay out and paint before the capture.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-375.png`), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name} scrolls sideways at 375 px by ${overflow} px`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('browser: audit log, mailbox and administrators', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;
  let admin: Page;

  before(async () => {
    lk = await startTestLatchkey({ SMTP_URL: '', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    await lk.createAccount(CUSTOMER);
    await lk.setResetScope('all');
    await lk.latchkey.db.insertInto('directories').values({ slug: 'shop', display_name: 'Shop' }).execute();
    browser = await launchBrowser();
    admin = await (await browser.newContext()).newPage();
    await signInAdminInBrowser(admin, lk.baseUrl, ADMIN);
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  it('directories: every fact on a directory card keeps a readable width, on a desktop and on a phone', async () => {
    await admin.goto(`${lk.baseUrl}/admin`);
    for (const width of [1440, 1280, 375]) {
      await admin.setViewportSize({ width, height: 900 });
      // The longest label ("Self service password reset") once took all but a letter's width of the card.
      const values = await admin.locator('.cards .card dd').evaluateAll((dds) => dds.map((dd) => ({ text: dd.textContent, width: dd.getBoundingClientRect().width })));
      assert.equal(values.length, 6, 'two directories, three facts each');
      for (const value of values) assert.ok(value.width >= 100, `"${value.text}" is ${value.width.toFixed(0)} px wide at ${width} px`);
    }
    await shots(admin, 'admin-directories');
  });

  it('mailbox: a reset mail appears with its code, and the customer gets in with it', async () => {
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${lk.baseUrl}/d/default/reset`);
    await customer.getByLabel('Email Address').fill(CUSTOMER.email);
    await customer.getByRole('button', { name: 'Send verification code' }).click();
    await customer.getByLabel('Verification code').waitFor();
    await lk.latchkey.dispatcher.drainOnce();

    await admin.getByRole('link', { name: 'Mailbox' }).click();
    await admin.getByRole('heading', { name: 'Mailbox' }).waitFor();
    assert.ok(await admin.getByText('Only administrators can see this page').isVisible());
    await shots(admin, 'admin-mailbox');
    await admin.getByRole('link', { name: /reset/i }).first().click();
    const text = await admin.locator('pre.mail-text').innerText();
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    assert.ok(code, `no code in ${text}`);
    assert.equal(await admin.locator('iframe.mail').getAttribute('sandbox'), '');
    const framed = await admin.frameLocator('iframe.mail').locator('body').innerText();
    assert.ok(framed.includes(code), 'the HTML body renders in its sandbox');
    await shots(admin, 'admin-mailbox-message');

    await customer.getByLabel('Verification code').fill(code);
    await customer.getByRole('button', { name: 'Verify code' }).click();
    await customer.getByText('E-mail address verified. You can now continue.').waitFor();
    await customer.context().close();
  });

  it('audit log: filter by type, and export the filtered set', async () => {
    await admin.getByRole('link', { name: 'Audit log' }).first().click();
    await admin.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await admin.getByLabel('Type').selectOption('reset_code_verified');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.waitForURL(/type=reset_code_verified/);
    const types = await admin.locator('table.events tbody td:nth-child(2)').allInnerTexts();
    assert.deepEqual(types, ['reset_code_verified']);
    await shots(admin, 'admin-audit-filtered');

    const href = await admin.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    assert.ok(href?.includes('type=reset_code_verified') && href.includes('format=csv'), href ?? '');
    const response = await admin.request.get(new URL(href ?? '', lk.baseUrl).href);
    assert.equal(response.status(), 200);
    const lines = (await response.text()).trimEnd().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /,reset_code_verified,success,default,/);

    await admin.goto(`${lk.baseUrl}/admin/d/default/audit`);
    await admin.getByRole('heading', { name: 'Password reset funnel' }).waitFor();
    await shots(admin, 'admin-audit-directory-funnel');
  });

  it('administrators: add one limited to a directory', async () => {
    await admin.getByRole('link', { name: 'Administrators' }).click();
    await admin.getByRole('heading', { name: 'Administrators', level: 1 }).waitFor();
    await admin.getByLabel('Email').fill('shop.ops@example.com');
    await admin.getByLabel('Password', { exact: true }).fill('amber-meadow-compass-42');
    await admin.getByLabel('Confirm password').fill('amber-meadow-compass-42');
    await admin.getByLabel('Only these directories:').check();
    await admin.getByLabel('Shop (shop)').check();
    await admin.getByRole('button', { name: 'Add administrator' }).click();
    await admin.getByText('Administrator added.').waitFor();
    assert.ok(await admin.getByRole('cell', { name: 'shop.ops@example.com', exact: true }).isVisible());
    await shots(admin, 'admin-administrators');
  });
});
