import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { runLatchkeyCli } from '../support/run-cli.ts';
import { createTestDatabase } from '../support/test-database.ts';

// `latchkey users import` and `users export` run as an operator runs them, against a real database.

const BCRYPT = '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2';
const KEYCLOAK_CREDENTIALS = [{
  type: 'password',
  credentialData: JSON.stringify({ hashIterations: 27500, algorithm: 'pbkdf2-sha256' }),
  secretData: JSON.stringify({ salt: 'x/bm4Y3DcuV9eU97ervkPA==', value: '1u7BLvfSPxQFpwc5jpGSA+88EGl9pZYKhaZ8YPIu9N4=' }),
}];

const jsonl = (rows: readonly unknown[]) => rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';
const problems = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('line ')).sort((a, b) => Number(a.split(/[ :]/)[1]) - Number(b.split(/[ :]/)[1]));

describe('CLI: users import and users export', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    await db.insertInto('directories').values([{ slug: 'default', display_name: 'Latchkey' }, { slug: 'shop', display_name: 'Shop' }, { slug: 'copy', display_name: 'Copy' }]).execute();
    await db.insertInto('directories').values({ slug: 'handles', display_name: 'Handles', sign_in_identifier: 'username' }).execute();
    dir = await mkdtemp(path.join(tmpdir(), 'latchkey-import-'));
    env = { DATABASE_URL: database.url };
  });
  after(async () => {
    await db.destroy();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, content: string) => {
    const full = path.join(dir, name);
    await writeFile(full, content);
    return full;
  };

  it('imports good rows whole, and reports every bad or repeated row with its line number and reason', async () => {
    const input = await file('mixed.jsonl', jsonl([
      { email: 'Ann@Example.com', email_verified: true, display_name: 'Ann', locale: 'fr-BE', password_hash: BCRYPT },
      { email: 'bob@example.com', username: 'Bob.K', emailVerified: false, firstName: 'Bob', lastName: 'K', credentials: KEYCLOAK_CREDENTIALS },
      { email: 'ann@EXAMPLE.com', password_hash: BCRYPT },
      'not json at all',
      '',
      { email: 'not-an-address', password_hash: BCRYPT },
      { email: 'carl@example.com', password_hash: 'abc' },
      { email: 'dora@example.com', username: 'bob.k', password_hash: BCRYPT },
      { email: 'erin@example.com', email_verified: 'perhaps', password_hash: BCRYPT },
      { email: 'finn@example.com', password_hash: '$pbkdf2-sha256$i=0$c2FsdA$aGFzaA' },
      { email: 'gus@example.com', password_hash: BCRYPT, email_verified: 'yes', locale: 'de' },
    ]));
    const run = await runLatchkeyCli(['users', 'import', input, '--directory', 'shop'], env);
    assert.equal(run.code, 1, 'rejected rows make the status 1');
    assert.match(run.stdout, /Imported 3 accounts into directory shop; 7 rows rejected\./);
    assert.deepEqual(problems(run.stderr), [
      'line 3: repeats the email address of line 1',
      'line 4: not valid JSON',
      'line 6: email is not a valid address',
      'line 7: the password hash is in no known format',
      'line 8: repeats the username of line 2',
      'line 9: email_verified must be true or false',
      'line 10: the password hash is malformed or its cost is out of range',
    ]);
    const accounts = await db.selectFrom('accounts').innerJoin('directories', 'directories.id', 'accounts.directory_id')
      .select(['email', 'email_canonical', 'email_verified', 'username', 'username_canonical', 'accounts.display_name', 'locale', 'password_hash', 'slug'])
      .orderBy('email_canonical').execute();
    assert.deepEqual(accounts, [
      { email: 'Ann@Example.com', email_canonical: 'ann@example.com', email_verified: true, username: null, username_canonical: null, display_name: 'Ann', locale: 'fr', password_hash: BCRYPT, slug: 'shop' },
      { email: 'bob@example.com', email_canonical: 'bob@example.com', email_verified: false, username: 'Bob.K', username_canonical: 'bob.k', display_name: 'Bob K', locale: null, password_hash: '$pbkdf2-sha256$i=27500$x/bm4Y3DcuV9eU97ervkPA$1u7BLvfSPxQFpwc5jpGSA+88EGl9pZYKhaZ8YPIu9N4', slug: 'shop' },
      { email: 'gus@example.com', email_canonical: 'gus@example.com', email_verified: true, username: null, username_canonical: null, display_name: 'gus', locale: null, password_hash: BCRYPT, slug: 'shop' },
    ]);

    const again = await runLatchkeyCli(['users', 'import', input, '--directory', 'shop', '--batch-size', '2'], env);
    assert.match(again.stdout, /Imported 0 accounts into directory shop; 10 rows rejected\./);
    const duplicates = problems(again.stderr).filter((line) => line.includes('already exists'));
    assert.deepEqual(duplicates, ['line 1: an account with this email address already exists', 'line 2: an account with this email address already exists', 'line 11: an account with this email address already exists']);
    const usernameTaken = await file('taken.jsonl', jsonl([{ email: 'new@example.com', username: 'BOB.k', password_hash: BCRYPT }]));
    const taken = await runLatchkeyCli(['users', 'import', usernameTaken, '--directory', 'shop'], env);
    assert.deepEqual(problems(taken.stderr), ['line 1: an account with this username already exists']);
    assert.equal(await countIn('shop'), 3, 'nothing half-imported');
  });

  async function countIn(slug: string): Promise<number> {
    const row = await db.selectFrom('accounts').innerJoin('directories', 'directories.id', 'accounts.directory_id').select((eb) => eb.fn.countAll<string>().as('n')).where('slug', '=', slug).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('reads CSV with quoted commas and quotes, counts lines across a quoted line break; a username directory requires usernames', async () => {
    const csv = [
      'email,username,email_verified,display_name,locale,password_hash',
      `hal@example.com,hal,true,"Hal ""The Pal"", Jr.",nl,${BCRYPT}`,
      `ivy@example.com,,false,Ivy,,${BCRYPT}`,
      `jo@example.com,jo_j,false,"Jo`,
      `Two Lines",en,${BCRYPT}`,
      `kim@example.com,kim,true,Kim,en`,
    ].join('\r\n');
    const run = await runLatchkeyCli(['users', 'import', await file('people.csv', csv), '--directory', 'handles'], env);
    assert.deepEqual(problems(run.stderr), [
      'line 3: username is missing: this directory signs in by username',
      'line 4: display_name must be at most 100 characters, without control characters',
      'line 6: has 5 fields where the header has 6',
    ]);
    const rows = await db.selectFrom('accounts').innerJoin('directories', 'directories.id', 'accounts.directory_id').select(['email', 'username', 'accounts.display_name', 'locale']).where('slug', '=', 'handles').execute();
    assert.deepEqual(rows, [{ email: 'hal@example.com', username: 'hal', display_name: 'Hal "The Pal", Jr.', locale: 'nl' }]);
  });

  it('export writes every account with its hash in the format import reads: JSONL and CSV round-trip', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const exported = await runLatchkeyCli(['users', 'export', '--directory', 'shop', '--format', format], env);
      assert.equal(exported.code, 0, exported.stderr);
      const target = `copy-${format}`;
      await db.insertInto('directories').values({ slug: target, display_name: target }).execute();
      const imported = await runLatchkeyCli(['users', 'import', await file(`export.${format}`, exported.stdout), '--directory', target], env);
      assert.equal(imported.code, 0, imported.stderr);
      const again = await runLatchkeyCli(['users', 'export', '--directory', target, '--format', format], env);
      const sorted = (text: string) => text.trim().split('\n').sort();
      assert.deepEqual(sorted(again.stdout), sorted(exported.stdout));
      assert.equal(sorted(exported.stdout).length, format === 'csv' ? 4 : 3);
    }
    const json = await runLatchkeyCli(['users', 'export', '--directory', 'shop'], env);
    const first = JSON.parse(json.stdout.split('\n').filter(Boolean).sort()[0] ?? '{}');
    assert.deepEqual(Object.keys(first), ['email', 'username', 'email_verified', 'display_name', 'locale', 'password_hash']);
  });

  it('bad usage and an unknown directory are refused clearly', async () => {
    const noFile = await runLatchkeyCli(['users', 'import'], env);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /Usage: latchkey users import FILE/);
    const unknownFormat = await runLatchkeyCli(['users', 'import', path.join(dir, 'people.txt')], env);
    assert.equal(unknownFormat.code, 2);
    assert.match(unknownFormat.stderr, /Cannot tell the format of .*people\.txt/);
    const badFormat = await runLatchkeyCli(['users', 'export', '--format', 'xml'], env);
    assert.equal(badFormat.code, 2);
    const missing = await runLatchkeyCli(['users', 'export', '--directory', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No directory with the slug "nope"\./);
    const help = await runLatchkeyCli(['--help']);
    assert.match(help.stdout, /^ {2}users import FILE/m);
    assert.match(help.stdout, /^ {2}users export/m);
  });
});
