import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runLatchkeyCli as latchkey } from '../support/run-cli.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { FormClient, signInAdmin, startInstance } from './admin-test-kit.ts';

// The command line as an operator runs it: `node bin/latchkey.js …` (what `npx latchkey` executes),
// in its own process, against a real database named by DATABASE_URL.

describe('CLI: bin/latchkey.js', () => {
  let database: { url: string; drop: () => Promise<void> };
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('--help lists start, migrate and admin create', async () => {
    const run = await latchkey(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: latchkey <command>/);
    for (const command of ['start', 'migrate', 'admin create']) assert.match(run.stdout, new RegExp(`^  ${command} `, 'm'));
    assert.match(run.stdout, /LATCHKEY_ADMIN_PASSWORD/);
  });

  it('admin create with bad usage or bad settings fails with a clear message and a non-zero status', async () => {
    const missing = await latchkey(['admin', 'create', '--email', 'x@example.com'], { DATABASE_URL: database.url });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Usage: latchkey admin create --email <address>/);
    const unknown = await latchkey(['admin', 'create', '--mail', 'x@example.com'], { DATABASE_URL: database.url });
    assert.equal(unknown.code, 2);
    const badConfig = await latchkey(['admin', 'create', '--email', 'x@example.com', '--password', 'x'], { DATABASE_URL: 'mysql://nope' });
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /DATABASE_URL: must be a URL such as postgres:\/\//);
  });

  it('admin create: a weak password and a duplicate email are refused clearly; the created admin signs in', async () => {
    const weak = await latchkey(['admin', 'create', '--email', 'cli@example.com', '--password', 'short-pass'], { DATABASE_URL: database.url });
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /The password is too short: administrators need at least 12 characters\./);
    const common = await latchkey(['admin', 'create', '--email', 'cli@example.com'], { DATABASE_URL: database.url, LATCHKEY_ADMIN_PASSWORD: 'password2024' });
    assert.equal(common.code, 1);
    assert.match(common.stderr, /too common/);

    const created = await latchkey(['admin', 'create', '--email', 'cli@example.com'], {
      DATABASE_URL: database.url, LATCHKEY_ADMIN_PASSWORD: 'granite-sparrow-autumn', PUBLIC_URL: 'https://login.example.com',
    });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Administrator cli@example\.com created\. Sign in at https:\/\/login\.example\.com\/admin/);

    const duplicate = await latchkey(['admin', 'create', '--email', 'CLI@example.com', '--password', 'another-granite-phrase'], { DATABASE_URL: database.url });
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /An administrator with this email address already exists\./);

    const instance = await startInstance(database.url, { LOG_LEVEL: 'silent' });
    try {
      const page = await signInAdmin(new FormClient(instance.baseUrl), 'cli@example.com', 'granite-sparrow-autumn');
      assert.match(page.body, /<h1>Directories<\/h1>/);
      const audit = await instance.latchkey.db.selectFrom('audit_events').select('detail').where('type', '=', 'admin_created').execute();
      assert.deepEqual(audit.map((a) => a.detail), [{ origin: 'cli' }]);
    } finally {
      await instance.close();
    }
  });
});
