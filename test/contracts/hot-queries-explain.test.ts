import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createAccountStore } from '../../src/accounts/account-store.ts';
import { createSessionStore } from '../../src/accounts/session-store.ts';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { randomToken } from '../../src/domain/secrets.ts';
import { createPasswordResetStore } from '../../src/flows/password-reset/password-reset-store.ts';
import { createSignInStore } from '../../src/flows/sign-in/sign-in-store.ts';
import { createSignUpStore } from '../../src/flows/sign-up/sign-up-store.ts';
import { migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { importUsers } from '../../src/users/user-importer.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The look-ups every sign-in, reset request and page load makes stay index look-ups however many customers
// a directory holds. The statements are the ones the stores issue, captured from Kysely as they run,
// then EXPLAINed on a database of 50,000 imported accounts with as many sessions and flows.

const ACCOUNTS = 50_000;
const HASH = '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2';

function* rows(): Generator<string> {
  for (let i = 0; i < ACCOUNTS; i += 1000) {
    let text = '';
    for (let j = i; j < i + 1000; j++) text += `${JSON.stringify({ email: `user-${j}@example.com`, username: `user_${j}`, email_verified: true, password_hash: HASH })}\n`;
    yield text;
  }
}

describe('hot queries on a large directory', () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  let db: Kysely<Database>;
  let directory: Directory;
  const captured: CompiledQuery[] = [];

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => void captured.push(event.query) });
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    const result = await importUsers(db, Readable.from(rows()), { directory, format: 'jsonl', onProblem: (p) => assert.fail(`line ${p.line}: ${p.reason}`) });
    assert.equal(result.imported, ACCOUNTS);
    await sql`INSERT INTO sessions (id_hash, account_id, directory_id, last_seen_at, expires_at)
      SELECT md5(id::text), id, directory_id, now(), now() + interval '1 day' FROM accounts`.execute(db);
    await sql`INSERT INTO flows (directory_id, kind, state, binding_hash, identifier_canonical, account_id, locale, expires_at)
      SELECT directory_id, k.kind, 'awaiting_code', md5(id::text), email_canonical, id, 'en', now() + interval '1 hour'
      FROM accounts, (VALUES ('password_reset'), ('sign_up')) AS k(kind)`.execute(db);
    await sql`ANALYZE`.execute(db);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** The plans of the statements `issue` sends, as EXPLAIN prints them. */
  async function plansOf(issue: () => Promise<unknown>): Promise<string[]> {
    captured.length = 0;
    await issue();
    const statements = captured.filter((q) => !/^(begin|commit|rollback)/i.test(q.sql));
    assert.ok(statements.length > 0, 'the store issued a statement');
    return Promise.all(statements.map(async (q) => {
      const result = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, [...q.parameters]);
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    }));
  }

  function assertIndexed(plans: string[]): void {
    for (const plan of plans) {
      assert.match(plan, /Index (Only )?Scan/, plan);
      assert.doesNotMatch(plan, /Seq Scan/, plan);
    }
  }

  const accountId = async (email: string) => (await db.selectFrom('accounts').select('id').where('email_canonical', '=', email).executeTakeFirstOrThrow()).id;

  it('EXPLAIN: sign-in looks an account up by email and by username, and locks its counters, by index', async () => {
    const accounts = createAccountStore(db);
    assertIndexed(await plansOf(() => accounts.findByIdentifier(directory, 'user-31337@example.com')));
    assertIndexed(await plansOf(() => accounts.findByIdentifier({ ...directory, sign_in_identifier: 'username' }, 'user_31337')));
    const id = await accountId('user-31337@example.com');
    assertIndexed(await plansOf(() => createSignInStore(db).lockCounters(directory.id, id)));
  });

  it('EXPLAIN: a reset request finds the account and the browser\'s live flow by index', async () => {
    const store = createPasswordResetStore(db);
    assertIndexed(await plansOf(() => store.findAccountByIdentifier(directory, 'user-4242@example.com')));
    assertIndexed(await plansOf(() => store.findAccountByIdentifier({ ...directory, sign_in_identifier: 'username' }, 'user_4242')));
    assertIndexed(await plansOf(() => store.findLiveFlowOfBrowser({ directoryId: directory.id, identifierCanonical: 'user-4242@example.com', bindingHash: 'x', now: new Date() })));
  });

  it('EXPLAIN: the session of a request and the flow of a page are found by index', async () => {
    assertIndexed(await plansOf(() => createSessionStore(db, { idleSeconds: 3600, absoluteSeconds: 86400 }).findActive(randomToken(), directory.id)));
    const flow = await db.selectFrom('flows').select('id').where('kind', '=', 'password_reset').limit(1).executeTakeFirstOrThrow();
    const reset = createPasswordResetStore(db);
    assertIndexed(await plansOf(() => reset.findFlow(directory.id, flow.id)));
    assertIndexed(await plansOf(() => reset.lockFlow(directory.id, flow.id)));
    assertIndexed(await plansOf(() => createSignUpStore(db).findFlow(directory.id, flow.id)));
  });
});
