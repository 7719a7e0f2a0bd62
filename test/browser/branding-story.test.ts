import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { png } from '../support/test-images.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// Company branding in a real browser: an administrator uploads a logo and a background, picks colours,
// a layout and the sign-in text; the preview follows; the customer sign-in page and the reset mail then
// carry it. Screenshots at 1440 and 375 px wide, in both layouts.

const ADMIN = { email: 'admin@latchkey.test', password: 'correct horse battery staple' };
const PRIMARY = { hex: '#a4262c', rgb: 'rgb(164, 38, 44)' };
const PREVIEW_PRIMARY = { hex: '#1f7a3d', rgb: 'rgb(31, 122, 61)' };
const TEXT = 'Welcome to Contoso. Sign in with your work address.';
const SUPPORT = 'help@contoso.example';
const WIDTHS = [1440, 375] as const;
const LOGO = png(360, 90, { rgb: [164, 38, 44] });
const BACKGROUND = png(480, 320, { rgb: [240, 200, 120] });
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A screenshot at each width; the page must fit it, with nothing to scroll sideways. */
async function shotAtWidths(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= width, `${name} is ${scrollWidth} px wide at ${width} px`);
    await shot(page, `${name}-${width}`);
  }
}

/** The logo really loaded: the browser decoded it, which a broken URL or a refused type would prevent. */
async function logoLoaded(target: Page | Frame): Promise<number> {
  const logo = target.locator('img.logo');
  await logo.waitFor();
  return logo.evaluate(async (img: HTMLImageElement) => {
    await img.decode().catch(() => undefined);
    return img.naturalWidth;
  });
}

/** Waits for a value the page reaches after a navigation or a script's update; fails with the last one seen. */
async function eventually<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined); // the frame may be between two documents
    if (last === expected) return;
    if (Date.now() > deadline) assert.equal(last, expected, what);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const buttonColour = (target: Page | Frame) => target.locator('button[type=submit]').first().evaluate((b) => getComputedStyle(b).backgroundColor);

async function openBranding(page: Page, baseUrl: string): Promise<void> {
  await signInAdminInBrowser(page, baseUrl, ADMIN);
  await page.getByRole('link', { name: /default/i }).first().click();
  await page.getByRole('link', { name: 'Company branding' }).click();
  await page.getByRole('heading', { name: 'Company branding' }).waitFor();
}

describe('browser: company branding from the portal to the customer page and the mail', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;

  before(async () => {
    lk = await startReachableLatchkey({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  it('the admin sets logo, colours, layout and text; the preview follows; the sign-in page and the reset mail show them', async () => {
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await openBranding(admin, lk.baseUrl);
    await shotAtWidths(admin, 'branding-admin-default');

    await admin.getByLabel('Banner logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO });
    await admin.getByLabel('Background image').setInputFiles({ name: 'bg.png', mimeType: 'image/png', buffer: BACKGROUND });
    await admin.getByLabel('Split', { exact: true }).check();
    await admin.getByLabel('Background colour').fill('#fff8e1');
    await admin.getByLabel('Sign-in page text').fill(TEXT);
    await admin.getByLabel('Support contact').fill(SUPPORT);

    // The script re-posts the form into the preview on a new file; typing a colour updates it at once.
    const preview = admin.frameLocator('iframe[name="branding-preview"]');
    const frame = admin.frame({ name: 'branding-preview' });
    assert.ok(frame, 'the preview frame exists');
    await preview.locator('img.logo').waitFor();
    await admin.waitForLoadState('networkidle');
    await admin.getByLabel('Primary colour').fill(PREVIEW_PRIMARY.hex);
    await eventually(() => buttonColour(frame), PREVIEW_PRIMARY.rgb, 'the preview follows the colour as it is typed');
    await preview.getByText(TEXT).waitFor();

    // Without the script the Preview button does the same: it posts the unsaved form into the frame.
    await admin.getByLabel('Primary colour').fill(PRIMARY.hex);
    await admin.getByRole('button', { name: 'Preview' }).click();
    await eventually(() => frame.locator('link[href*="theme.css"]').getAttribute('href'), `/d/default/branding/theme.css?primary=${PRIMARY.hex.slice(1)}&background=fff8e1&image=${sha(BACKGROUND)}`, 'the preview shows the posted values');
    assert.ok((await logoLoaded(frame)) > 0, 'the unsaved logo shows in the preview');
    assert.equal(await buttonColour(frame), PRIMARY.rgb);
    await shotAtWidths(admin, 'branding-admin-preview');

    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved', { exact: true }).waitFor();
    await shotAtWidths(admin, 'branding-admin-saved');

    const customerContext = await browser.newContext();
    const customer = await customerContext.newPage();
    await customer.goto(`${lk.baseUrl}/d/default/signin`);
    assert.equal(await logoLoaded(customer), 360, 'the logo loads on the customer page');
    assert.equal(await buttonColour(customer), PRIMARY.rgb, 'the primary colour is applied');
    await customer.getByText(TEXT).waitFor();
    await customer.getByRole('link', { name: SUPPORT }).waitFor();
    assert.equal(await customer.locator('body').getAttribute('class'), 'layout-split');
    const backdrop = await customer.locator('.backdrop').evaluate((el) => getComputedStyle(el).backgroundImage);
    assert.match(backdrop, /\/d\/default\/branding\/[0-9a-f]{64}/, 'the background image is drawn from our own origin');
    await shotAtWidths(customer, 'branding-signin-split');

    // Classic layout: the same branding, the card centred over the background.
    await admin.getByLabel('Classic', { exact: true }).check();
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved', { exact: true }).waitFor();
    await customer.setViewportSize({ width: 1440, height: 900 });
    await customer.reload();
    assert.equal(await customer.locator('body').getAttribute('class'), 'layout-classic');
    assert.ok((await logoLoaded(customer)) > 0);
    await shotAtWidths(customer, 'branding-signin-classic');

    // The reset mail: logo by absolute URL on PUBLIC_URL, the colour, the support contact.
    await lk.setResetScope('all');
    await lk.createAccount({ email: 'mail.brand@example.com', password: 'a fine passphrase 1' });
    await customer.setViewportSize({ width: 1440, height: 900 });
    await customer.goto(`${lk.baseUrl}/d/default/reset`);
    assert.ok((await logoLoaded(customer)) > 0, 'the reset page is branded too');
    await customer.getByLabel('Email Address').fill('mail.brand@example.com');
    await customer.getByRole('button', { name: 'Send verification code' }).click();
    const mail = await lk.smtp.waitFor((m) => m.to.includes('mail.brand@example.com'));
    const logoUrl = /<img src="([^"]+)"/.exec(mail.html)?.[1] ?? '';
    assert.ok(logoUrl.startsWith(`${lk.config.publicUrl.href.replace(/\/$/, '')}/d/default/branding/`), logoUrl);
    assert.match(mail.html, new RegExp(`color:${PRIMARY.hex}`));
    assert.match(mail.html, /Need help\? Contact help@contoso\.example\./);
    assert.match(mail.text, /Need help\? Contact help@contoso\.example\./);
    const inbox = await customerContext.newPage();
    await inbox.setContent(mail.html);
    const mailLogo = await inbox.locator('img').evaluate(async (img: HTMLImageElement) => {
      await img.decode().catch(() => undefined);
      return img.naturalWidth;
    });
    assert.equal(mailLogo, 360, 'the logo URL in the mail loads, also in a page of another origin (webmail)');
    await shotAtWidths(inbox, 'branding-reset-mail');

    await adminContext.close();
    await customerContext.close();
  });
});
