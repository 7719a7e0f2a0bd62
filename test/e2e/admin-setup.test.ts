import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/domain/secrets.ts';
import { visibleText } from '../support/form-client.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { FormClient, loggedSetupLink, signInAdmin, startInstance, type Instance } from './admin-test-kit.ts';

const PUBLIC_URL = 'https://login.example.com';

/** Path and query of a logged link, to be opened on the instance under test. */
const pathOf = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('first administrator: the one-time setup link', () => {
  let database: { url: string; drop: () => Promise<void> };
  const instances: Instance[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const instance = await startInstance(database.url, { PUBLIC_URL, ...env });
    instances.push(instance);
    return instance;
  };
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    for (const instance of instances) await instance.close();
    await database.drop();
  });

  it('R14: with no administrator and no ADMIN_EMAIL, a start logs a link on PUBLIC_URL; only its SHA-256 is stored, valid one hour', async () => {
    const first = await start();
    const link = loggedSetupLink(first);
    assert.ok(link, `a setup link in the log: ${first.logs.map((l) => l.msg).join(' | ')}`);
    assert.match(link, /^https:\/\/login\.example\.com\/admin\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const rows = await first.latchkey.db.selectFrom('admin_setup_tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.token_hash, sha256(tokenOf(link)));
    const lifetime = (rows[0]?.expires_at.getTime() ?? 0) - Date.now();
    assert.ok(lifetime > 3590_000 && lifetime <= 3600_000, `about an hour, got ${lifetime} ms`);
  });

  it('a new start while there is still no administrator makes a new link, and the old one dies', async () => {
    const older = loggedSetupLink(instances[0] as Instance) ?? '';
    const second = await start();
    const newer = loggedSetupLink(second) ?? '';
    assert.notEqual(newer, older);
    const client = new FormClient(second.baseUrl);
    const dead = await client.get(pathOf(older));
    assert.equal(dead.status, 410);
    assert.match(visibleText(dead.body), /This setup link cannot be used/);
    const live = await client.get(pathOf(newer));
    assert.equal(live.status, 200);
    assert.match(visibleText(live.body), /Create the first administrator/);
  });

  it('an expired link is refused', async () => {
    const instance = await start();
    const link = loggedSetupLink(instance) ?? '';
    await instance.latchkey.db.updateTable('admin_setup_tokens').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    const client = new FormClient(instance.baseUrl);
    assert.equal((await client.get(pathOf(link))).status, 410);
    await client.get('/admin');
    const post = await client.post('/admin/setup', { token: tokenOf(link), email: 'late@example.com', password: 'a-long-enough-phrase', confirm: 'a-long-enough-phrase' });
    assert.equal(post.status, 410);
    assert.equal((await instance.latchkey.db.selectFrom('admins').select('id').execute()).length, 0);
  });

  it('the setup form checks the password (admin minimum 12, confirmation) and keeps the link usable; on success the link is used up and the admin signed in', async () => {
    const instance = await start();
    const link = loggedSetupLink(instance) ?? '';
    const client = new FormClient(instance.baseUrl);
    const form = await client.get(pathOf(link));
    assert.match(form.body, /<label for="field-email">Email<\/label>/);
    assert.match(form.body, /<label for="field-password">Password<\/label>/);
    assert.match(form.body, /<label for="field-confirm">Confirm password<\/label>/);
    const token = tokenOf(link);
    // From here the token rides in the POST body, not in a URL that history or logs would keep.
    assert.match(form.body, /<form method="post" action="\/admin\/setup">/);
    assert.ok(form.body.includes(`<input type="hidden" name="token" value="${token}">`));

    const short = await client.post('/admin/setup', { token, email: 'first@example.com', password: 'elevenchars', confirm: 'elevenchars' });
    assert.equal(short.status, 400);
    assert.match(visibleText(short.body), /administrators need at least 12 characters/);
    const mismatch = await client.post('/admin/setup', { token, email: 'first@example.com', password: 'quiet-meadow-river', confirm: 'quiet-meadow-rivers' });
    assert.match(visibleText(mismatch.body), /The two passwords do not match\./);
    assert.ok(!mismatch.body.includes('quiet-meadow-river'), 'a rejected password is never echoed back');

    const done = await client.post('/admin/setup', { token, email: 'First@Example.com', password: 'quiet-meadow-river', confirm: 'quiet-meadow-river' });
    assert.equal(new URL(done.url).pathname, '/admin');
    assert.match(visibleText(done.body), /Signed in as First@Example\.com Sign out Directories/);
    const used = await instance.latchkey.db.selectFrom('admin_setup_tokens').select('used_at').executeTakeFirstOrThrow();
    assert.ok(used.used_at, 'the token is marked used');

    const again = new FormClient(instance.baseUrl);
    assert.equal((await again.get(pathOf(link))).status, 410);
    await again.get('/admin');
    const replay = await again.post('/admin/setup', { token, email: 'second@example.com', password: 'another-long-phrase', confirm: 'another-long-phrase' });
    assert.equal(replay.status, 410);
    const admins = await instance.latchkey.db.selectFrom('admins').select('email').execute();
    assert.deepEqual(admins.map((a) => a.email), ['First@Example.com']);
    const signedIn = await signInAdmin(new FormClient(instance.baseUrl), 'first@example.com', 'quiet-meadow-river');
    assert.match(signedIn.body, /<h1>Directories<\/h1>/);
  });

  it('once an administrator exists, a start logs no link and old links stay dead', async () => {
    const instance = await start();
    assert.equal(loggedSetupLink(instance), undefined);
    const audit = await instance.latchkey.db.selectFrom('audit_events').select(['type', 'detail']).where('type', '=', 'admin_created').execute();
    assert.deepEqual(audit.map((a) => a.detail), [{ origin: 'setup_link' }]);
  });
});

describe('first administrator: ADMIN_EMAIL and ADMIN_PASSWORD', () => {
  let database: { url: string; drop: () => Promise<void> };
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('creates the administrator on first start, logs no setup link, and is idempotent on later starts', async () => {
    const env = { ADMIN_EMAIL: 'boot@example.com', ADMIN_PASSWORD: 'amber-willow-compass' };
    const first = await startInstance(database.url, env);
    try {
      assert.equal(loggedSetupLink(first), undefined);
      const page = await signInAdmin(new FormClient(first.baseUrl), env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
      assert.match(page.body, /<h1>Directories<\/h1>/);
      assert.equal((await first.latchkey.db.selectFrom('admin_setup_tokens').select('token_hash').execute()).length, 0);
    } finally {
      await first.close();
    }
    // Later starts change nothing: not with the same values, not with others (an admin already exists).
    for (const later of [env, { ADMIN_EMAIL: 'other@example.com', ADMIN_PASSWORD: 'copper-lantern-evening' }, {}]) {
      const instance = await startInstance(database.url, later);
      try {
        assert.equal(loggedSetupLink(instance), undefined);
        const admins = await instance.latchkey.db.selectFrom('admins').select('email').execute();
        assert.deepEqual(admins.map((a) => a.email), ['boot@example.com']);
      } finally {
        await instance.close();
      }
    }
  });
});
