import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FormClient, type Page } from '../support/form-client.ts';
import { runLatchkeyCli } from '../support/run-cli.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { chooseNewPassword, customer, requestCodeAndRead, submitCode } from './password-reset-steps.ts';

// Accounts brought in by `latchkey users import` with hashes from other systems sign in through the hosted
// page, and their hash becomes Latchkey's argon2id on that first sign-in (S1). The vectors are the
// independently made ones of test/unit/imported-hash.test.ts.

const SALT = 'AQJzYWx0c2FsdDAxMjM0NTY';
const FIREBASE = {
  firebase_signer_key: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  firebase_salt_separator: 'Bw==',
  firebase_rounds: 8,
  firebase_mem_cost: 14,
};
const CURRENT_ARGON2 = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

const ROWS = [
  { source: 'Auth0 bcrypt', password: 'correct horse', row: { email: 'auth0@example.com', email_verified: true, passwordHash: '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2' } },
  { source: 'PHP bcrypt $2y$', password: 'correct horse', row: { email: 'php@example.com', email_verified: true, password_hash: '$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2' } },
  {
    source: 'Keycloak pbkdf2-sha256',
    password: 'admin',
    row: {
      email: 'keycloak@example.com', username: 'kc-user', emailVerified: true,
      credentials: [{ type: 'password', credentialData: '{"hashIterations":27500,"algorithm":"pbkdf2-sha256"}', secretData: '{"salt":"x/bm4Y3DcuV9eU97ervkPA==","value":"1u7BLvfSPxQFpwc5jpGSA+88EGl9pZYKhaZ8YPIu9N4="}' }],
    },
  },
  { source: 'PBKDF2-SHA512', password: 'correct horse', row: { email: 'pbkdf2@example.com', email_verified: true, password_hash: `$pbkdf2-sha512$i=1000$${SALT}$ySkp3dv7jDAuR7QGxLJd0yao7/3GUr9c7Y1ov4C6chnXXrbb3cD1T0Hf6BpouslONXFtQ333iZbnHPfVh95Mfg` } },
  { source: 'scrypt', password: 'correct horse', row: { email: 'scrypt@example.com', email_verified: true, password_hash: `$scrypt$ln=10,r=8,p=2$${SALT}$tKwkXwXVClSNDBUXBoKJQqc4D6pAVt9UoLrzQ5syAgo` } },
  {
    source: 'Firebase scrypt',
    password: 'user1password',
    row: { email: 'firebase@example.com', emailVerified: true, passwordHash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==', salt: '42xEC+ixf3L2lw==', ...FIREBASE },
  },
  { source: 'argon2i', password: 'password', row: { email: 'argon2i@example.com', email_verified: true, password_hash: '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA' } },
] as const;

describe('S1: imported password hashes at sign-in', () => {
  let lk: TestLatchkey;
  let dir: string;

  before(async () => {
    // A pepper: imported hashes must verify without it, and the re-hash must carry it.
    lk = await startTestLatchkey({ PASSWORD_PEPPER: 'pepper-kept-outside-the-database' });
    await lk.setResetScope('all');
    dir = await mkdtemp(path.join(tmpdir(), 'latchkey-s1-'));
    const file = path.join(dir, 'users.jsonl');
    await writeFile(file, ROWS.map((r) => JSON.stringify(r.row)).join('\n'));
    const run = await runLatchkeyCli(['users', 'import', file], { DATABASE_URL: lk.databaseUrl, PASSWORD_PEPPER: 'pepper-kept-outside-the-database' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Imported ${ROWS.length} accounts`));
  });
  after(async () => {
    await lk?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function signIn(identifier: string, password: string): Promise<Page> {
    const client = new FormClient(lk.baseUrl);
    await client.get('/d/default/signin');
    return client.post('/d/default/signin', { identifier, password });
  }
  const account = (email: string) => lk.latchkey.db.selectFrom('accounts').selectAll().where('email_canonical', '=', email).executeTakeFirstOrThrow();

  for (const { source, password, row } of ROWS) {
    it(`S1: a ${source} hash signs in through the hosted page and is re-hashed to argon2id`, async () => {
      const before = await account(row.email);
      assert.doesNotMatch(before.password_hash, CURRENT_ARGON2);
      const wrong = await signIn(row.email, `${password}!`);
      assert.equal(wrong.status, 400);
      const afterWrong = await account(row.email);
      assert.equal(afterWrong.password_hash, before.password_hash, 'a wrong password changes no hash');
      assert.equal(afterWrong.failed_sign_ins, 1, 'and counts towards lockout (L1)');

      const page = await signIn(row.email, password);
      assert.match(page.url, /\/d\/default\/account$/, `${source}: signed in`);
      const after = await account(row.email);
      assert.match(after.password_hash, CURRENT_ARGON2, `${source}: now argon2id at today's parameters`);
      assert.equal(after.failed_sign_ins, 0);
      assert.equal(after.password_changed_at.getTime(), before.password_changed_at.getTime(), 're-hashing is not a password change');

      const again = await signIn(row.email, password);
      assert.match(again.url, /\/d\/default\/account$/, 'the new hash verifies the same password');
      assert.equal((await account(row.email)).password_hash, after.password_hash, 'and is not re-hashed again');
    });
  }

  it('S1: password reset works for an account whose hash is still imported; the new password is argon2id', async () => {
    const file = path.join(dir, 'reset.jsonl');
    await writeFile(file, JSON.stringify({ email: 'reset@example.com', email_verified: true, password_hash: ROWS[0].row.passwordHash }));
    const run = await runLatchkeyCli(['users', 'import', file], { DATABASE_URL: lk.databaseUrl });
    assert.equal(run.code, 0, run.stderr);
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'reset@example.com');
    await submitCode(client, code);
    const done = await chooseNewPassword(client, 'brand new meadow lantern 7');
    assert.match(done.url, /\/d\/default\/signin/);
    assert.match((await account('reset@example.com')).password_hash, CURRENT_ARGON2);
    assert.equal((await signIn('reset@example.com', 'correct horse')).status, 400, 'the imported password is gone');
    assert.match((await signIn('reset@example.com', 'brand new meadow lantern 7')).url, /\/account$/);
  });
});
