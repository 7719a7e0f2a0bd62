import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createAccountStore } from '../../src/accounts/account-store.ts';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createPasswordResetService } from '../../src/flows/password-reset/password-reset-service.ts';
import { createPasswordResetStore } from '../../src/flows/password-reset/password-reset-store.ts';
import { createLinks } from '../../src/http/links.ts';
import { migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// R13 at its root: the statements a reset request sends to PostgreSQL, text and order, do not depend on
// whether the address belongs to an account, so the work done (and its time) cannot tell them apart.

describe('reset request statements (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let directory: Directory;
  const statements: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
      log: (event) => void statements.push(event.query.sql),
    });
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    await db.insertInto('accounts').values({ directory_id: directory.id, email: 'Here@example.com', email_canonical: 'here@example.com', display_name: 'Here', password_hash: 'x', email_verified: true }).execute();
    await db.insertInto('accounts').values({ directory_id: directory.id, email: 'off@example.com', email_canonical: 'off@example.com', display_name: 'Off', password_hash: 'x', disabled: true }).execute();
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  async function statementsOf(identifier: string): Promise<string[]> {
    const service = createPasswordResetService({
      store: createPasswordResetStore(db),
      accounts: createAccountStore(db),
      hasher: createPasswordHasher({ queueLimit: 1 }),
      links: createLinks(new URL('http://latchkey.test')),
      key: randomBytes(32),
      settings: { passwordMinLength: 8, resetCodeTtlSeconds: 600 },
      mailQueued: () => undefined,
    });
    statements.length = 0;
    await service.start({ directory, identifier, secret: undefined, locale: 'en', ip: '127.0.0.1', userAgent: 'test' });
    // The identifier's lock key is written into the first statement, where a parameter would be: it is
    // the identifier's whatever the account, of fixed width; set aside here, like the parameters.
    const [first = ''] = statements;
    assert.match(first, /^BEGIN; SELECT pg_advisory_xact_lock\(x'[0-9a-f]{16}'::bit\(64\)::bigint\)$/);
    return [first.replace(/x'[0-9a-f]{16}'/, "x'key'"), ...statements.slice(1)];
  }

  it('R12, R13: an existing, an unknown and a disabled address run the same statements, and only the existing one queues mail', async () => {
    const existing = await statementsOf('here@example.com');
    const unknown = await statementsOf('nobody@example.com');
    const disabled = await statementsOf('off@example.com');
    assert.ok(existing.length > 0);
    assert.deepEqual(unknown, existing);
    assert.deepEqual(disabled, existing);
    const mail = await db.selectFrom('outbox').select('to_address').execute();
    assert.deepEqual(mail.map((m) => m.to_address), ['Here@example.com']);
    const flows = await db.selectFrom('flows').select(['identifier_canonical', 'code_hmac']).orderBy('created_at').execute();
    assert.equal(flows.length, 3, 'a flow for each, account or not');
    assert.ok(flows.every((f) => f.code_hmac !== null), 'each flow holds a code');
  });
});
