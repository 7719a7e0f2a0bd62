import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR, signInAdminInBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin } from '../e2e/admin-test-kit.ts';

// An administrator in a real browser: finds and creates users, edits and blocks one, builds a group,
// limits self-service reset to it; the created customer's first sign-in asks for a new password. Then
// the same pages at a phone's width, with nothing wider than the screen.

const ADMIN = { email: 'admin@latchkey.test', password: 'correct horse battery staple' };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A link of the directory's own navigation (the breadcrumb names some of the same pages). */
const tab = (page: Page, name: string) => page.getByRole('navigation', { name: 'Directory settings' }).getByRole('link', { name }).click();

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('browser: the Users and Groups pages', () => {
  let lk: TestLatchkey;
  let browser: TestBrowser;
  before(async () => {
    lk = await startTestLatchkey();
    browser = await launchBrowser();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount({ email: 'grace@example.com', password: 'a long passphrase 1', displayName: 'Grace Hopper' });
    await lk.createAccount({ email: 'alan@example.com', password: 'a long passphrase 1', displayName: 'Alan Turing' });
  });
  after(async () => {
    await browser?.close();
    await lk?.close();
  });

  it('searches, creates, edits and blocks users, builds a group and limits reset to it; the new customer must choose a password', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAdminInBrowser(page, lk.baseUrl, ADMIN);
    await page.getByRole('link', { name: /default/i }).first().click();
    await tab(page, 'Users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await shot(page, 'admin-users-list');

    await page.getByLabel('Search users').fill('gra');
    await page.getByLabel('Search users').press('Enter');
    await page.getByRole('link', { name: 'grace@example.com' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'alan@example.com' }).count(), 0);
    await shot(page, 'admin-users-search');

    await page.getByLabel('Email address', { exact: true }).fill('new.customer@example.com');
    await page.getByLabel('Display name').fill('New Customer');
    await page.getByLabel('Initial password').fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('The initial password is too short').waitFor();
    await shot(page, 'admin-users-create-refused');
    await page.getByLabel('Initial password').fill('a first passphrase 9');
    assert.equal(await page.getByLabel('Must change password at next sign-in').isChecked(), true);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('User created.').waitFor();
    await shot(page, 'admin-user-detail');

    await page.getByLabel('Display name').fill('Newly Named');
    await page.getByLabel('Language of emails').selectOption('fr');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await page.getByRole('link', { name: 'Delete user…' }).click();
    await page.getByRole('heading', { name: 'Delete user' }).waitFor();
    await shot(page, 'admin-user-delete-confirm');
    await page.getByRole('link', { name: 'Cancel' }).click();

    await tab(page, 'Users');
    await page.getByRole('link', { name: 'alan@example.com' }).click();
    await page.getByRole('button', { name: 'Block' }).click();
    await page.getByText('User blocked.').waitFor();
    await page.getByRole('button', { name: 'Unblock' }).waitFor();
    await shot(page, 'admin-user-blocked');

    await tab(page, 'Groups');
    await page.getByLabel('Group name').fill('Reset allowed');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByText('Group created.').waitFor();
    await page.getByLabel('Search users to add').fill('grace');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText('Member added.').waitFor();
    await page.getByRole('link', { name: 'grace@example.com' }).waitFor();
    await shot(page, 'admin-group-detail');

    await tab(page, 'Password reset');
    await page.getByLabel('Selected').check();
    await page.getByLabel('Reset allowed (1)').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').waitFor();
    assert.equal(await page.getByLabel('Selected').isChecked(), true);
    await shot(page, 'admin-password-reset-selected');
    const directory = await lk.latchkey.db.selectFrom('directories').select('reset_scope').where('slug', '=', 'default').executeTakeFirstOrThrow();
    assert.equal(directory.reset_scope, 'selected');

    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${lk.baseUrl}/d/default/signin`);
    await customer.getByLabel('Email').fill('new.customer@example.com');
    await customer.getByLabel('Password', { exact: true }).fill('a first passphrase 9');
    await customer.getByRole('button', { name: 'Sign in' }).click();
    await customer.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shot(customer, 'customer-forced-change');
    await customer.getByLabel('New password', { exact: true }).fill('my very own passphrase');
    await customer.getByLabel('Confirm new password').fill('my very own passphrase');
    await customer.getByRole('button', { name: 'Save and continue' }).click();
    await customer.getByText('Your password has been changed.').waitFor();
    await context.close();
  });

  it('works at 375 px: nothing wider than the screen, every control reachable', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US' });
    const page = await context.newPage();
    await signInAdminInBrowser(page, lk.baseUrl, ADMIN);
    await page.goto(`${lk.baseUrl}/admin/d/default/users`);
    assert.equal(await overflows(page), false, 'the users page fits 375 px');
    await shot(page, 'admin-users-list-375');
    await page.getByRole('link', { name: 'grace@example.com' }).click();
    assert.equal(await overflows(page), false, 'a user page fits 375 px');
    await shot(page, 'admin-user-detail-375');
    await page.goto(`${lk.baseUrl}/admin/d/default/groups`);
    assert.equal(await overflows(page), false, 'the groups page fits 375 px');
    await shot(page, 'admin-groups-375');
    await page.goto(`${lk.baseUrl}/admin/d/default/users`);
    await page.keyboard.press('Tab');
    for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.id === 'field-q')); i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-q', 'the search box is reached with the keyboard');
    await context.close();
  });
});
