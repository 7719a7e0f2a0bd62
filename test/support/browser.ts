import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (no browser download). The background-networking flags
// keep it from reaching for hosts this machine cannot reach.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export interface TestBrowser {
  readonly browser: Browser;
  /** A fresh profile: its own cookies, as a second person's browser would be. */
  newContext(options?: { locale?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Playwright starts every launch on a new, empty profile of its own.
    args: FLAGS,
  });
  return {
    browser,
    newContext: (options = {}) => browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1280, height: 900 } }),
    close: () => browser.close(),
  };
}

/** Signs an administrator in through the portal's own form and waits for the directory list. */
export async function signInAdminInBrowser(page: Page, baseUrl: string, admin: { readonly email: string; readonly password: string }): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Directories' }).waitFor();
}
