import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createAccountStore } from '../../src/accounts/account-store.ts';
import { createSessionStore } from '../../src/accounts/session-store.ts';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { randomToken } from '../../src/domain/secrets.ts';
import { randomUUID } from 'node:crypto';
import { createPasswordResetStore } from '../../src/flows/password-reset/password-reset-store.ts';
import { loadResetRequest, saveResetRequest } from '../../src/flows/password-reset/reset-request-statements.ts';
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
    await sql`ANALYZE`.execute(db);
    // Flows and sends come after ANALYZE: their statistics lag the tables, as they do on a busy service
    // between autovacuum's runs, and no plan may depend on them being current.
    await sql`INSERT INTO flows (directory_id, kind, state, binding_hash, identifier_canonical, account_id, locale, expires_at, code_hmac)
      SELECT directory_id, k.kind, 'awaiting_code', md5(id::text), email_canonical, id, 'en', now() + interval '1 hour', md5(id::text || k.kind)
      FROM accounts, (VALUES ('password_reset'), ('sign_up')) AS k(kind)`.execute(db);
    // A recent send for every identifier, and one customer in ten in a group allowed to reset.
    await sql`INSERT INTO code_sends (directory_id, identifier_key, purpose) SELECT directory_id, 'key-' || email_canonical, 'password_reset' FROM accounts`.execute(db);
    await sql`INSERT INTO groups (directory_id, name, name_canonical, reset_allowed) VALUES (${directory.id}, 'Members', 'members', true)`.execute(db);
    await sql`INSERT INTO group_members (group_id, account_id) SELECT g.id, a.id FROM groups g, accounts a WHERE a.email_canonical LIKE '%0@example.com'`.execute(db);
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

  /**
   * The statements `issue` sends, each run again under EXPLAIN ANALYZE. Both runs are rolled back, so
   * writes can be planned and measured without changing the data or colliding with each other.
   */
  async function analyzedPlansOf(issue: (trx: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
    class RolledBack extends Error {}
    captured.length = 0;
    await db.transaction().execute(async (trx) => {
      await issue(trx);
      throw new RolledBack();
    }).catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
    const statements = captured.filter((q) => !/^(begin|commit|rollback)/i.test(q.sql));
    assert.ok(statements.length > 0, 'the statements were captured');
    const client = await pool.connect();
    try {
      const plans: string[] = [];
      for (const q of statements) {
        await client.query('BEGIN');
        const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${q.sql}`, [...q.parameters]);
        await client.query('ROLLBACK');
        plans.push(result.rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      return plans;
    } finally {
      client.release();
    }
  }

  /**
   * Every scan reads a handful of rows, whatever the tables hold: none reads rows only to discard them,
   * and a sequential scan is only acceptable on a table that small (a directory's groups).
   */
  function assertNarrow(plans: string[]): void {
    for (const plan of plans) {
      for (const [, removed] of plan.matchAll(/Rows Removed by Filter: (\d+)/g)) assert.ok(Number(removed) <= 10, `${removed} rows read and discarded:\n${plan}`);
      for (const [, rows] of plan.matchAll(/Seq Scan on .*? rows=(\d+)/g)) assert.ok(Number(rows) <= 10, `a sequential scan returning ${rows} rows:\n${plan}`);
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

  it('EXPLAIN ANALYZE: a reset request\'s one read and one write touch only their own rows, for an existing and an unknown address alike (R13)', async () => {
    const existing = await accountId('user-4242@example.com');
    const now = new Date();
    const requestFor = (canonical: string, account: string | null) => async (trx: Kysely<Database>) => {
      await loadResetRequest(trx, { directory, canonical, bindingHash: 'browser', identifierKey: `key-${canonical}`, now, since: new Date(now.getTime() - 3_600_000) });
      await saveResetRequest(trx, {
        directoryId: directory.id,
        flowId: randomUUID(),
        newFlow: { bindingHash: 'browser', identifierCanonical: canonical, identifierInput: canonical, locale: 'en' },
        accountId: account,
        state: { state: 'awaiting_code', data: {} },
        code: { codeHmac: 'hmac', codeExpiresAt: new Date(now.getTime() + 600_000), flowExpiresAt: new Date(now.getTime() + 1_800_000) },
        counted: true,
        identifierCanonical: canonical,
        identifierKey: `key-${canonical}`,
        ...(account ? { mail: { to: canonical, locale: 'en' as const, template: 'reset_code' as const, payload: { sealedCode: 'sealed' } } } : {}),
        sendOutcome: account ? 'sent' : 'no_recipient',
        requester: { ip: '192.0.2.1', userAgent: 'test' },
        now,
      });
    };
    // Every account here has a reset flow with an outstanding code, which the request must void (R7).
    assertNarrow(await analyzedPlansOf(requestFor('user-4242@example.com', existing)));
    assertNarrow(await analyzedPlansOf(requestFor('nobody-4242@example.com', null)));
    // "Send new code" voids the other codes through the store, the same way.
    assertNarrow(await analyzedPlansOf((trx) => createPasswordResetStore(trx).voidOutstandingCodes({ directoryId: directory.id, identifierCanonical: 'user-4242@example.com', accountId: existing, exceptFlowId: randomUUID() })));
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
