import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createPasswordResetStore, type NewResetFlow, type PasswordResetStore } from '../../src/flows/password-reset/password-reset-store.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The reset store's contract, against real PostgreSQL: what each method promises, locks included.

describe('password reset store (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let store: PasswordResetStore;
  let directory: Directory;
  let other: Directory;
  let accountId: string;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    other = await db.insertInto('directories').values({ slug: 'other', display_name: 'Other' }).returningAll().executeTakeFirstOrThrow();
    store = createPasswordResetStore(db);
    accountId = (await db.insertInto('accounts').values({ directory_id: directory.id, email: 'A@example.com', email_canonical: 'a@example.com', display_name: 'A', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const flow = (overrides: Partial<NewResetFlow> = {}): NewResetFlow => ({
    directoryId: directory.id,
    bindingHash: 'binding',
    identifierCanonical: 'a@example.com',
    identifierInput: 'A@example.com',
    accountId,
    locale: 'en',
    state: 'awaiting_code',
    data: { notice: 'sent' },
    expiresAt: new Date(Date.now() + 600_000),
    ...overrides,
  });
  const code = (hmac: string) => ({ codeHmac: hmac, codeExpiresAt: new Date(Date.now() + 600_000), flowExpiresAt: new Date(Date.now() + 1800_000) });

  it('creates, finds and locks flows only of this kind and directory', async () => {
    const created = await store.createFlow(flow());
    assert.equal((await store.findFlow(directory.id, created.id))?.identifier_input, 'A@example.com');
    assert.equal(await store.findFlow(other.id, created.id), undefined);
    await db.updateTable('flows').set({ kind: 'sign_up' }).where('id', '=', created.id).execute();
    assert.equal(await store.findFlow(directory.id, created.id), undefined);
    assert.equal(await store.inTransaction((tx) => tx.lockFlow(directory.id, created.id)), undefined);
  });

  it('finds the live flow of a browser for an identifier, not expired, finished or another browser\'s', async () => {
    const live = await store.createFlow(flow({ bindingHash: 'mine', identifierCanonical: 'live@example.com' }));
    await store.createFlow(flow({ bindingHash: 'theirs', identifierCanonical: 'live@example.com' }));
    await store.createFlow(flow({ bindingHash: 'mine', identifierCanonical: 'live@example.com', expiresAt: new Date(Date.now() - 1000) }));
    await store.createFlow(flow({ bindingHash: 'mine', identifierCanonical: 'live@example.com', state: 'completed' }));
    const found = await store.inTransaction((tx) => tx.findLiveFlowOfBrowser({ directoryId: directory.id, identifierCanonical: 'live@example.com', bindingHash: 'mine', now: new Date() }));
    assert.equal(found?.id, live.id);
  });

  it('counts sends per identifier key since a time, with the latest', async () => {
    await store.recordSend(directory.id, 'key-1');
    await store.recordSend(directory.id, 'key-1');
    await store.recordSend(other.id, 'key-1');
    await store.recordSend(directory.id, 'key-2');
    const since = await store.sendsSince(directory.id, 'key-1', new Date(Date.now() - 60_000));
    assert.equal(since.count, 2);
    assert.ok(since.latest && Date.now() - since.latest.getTime() < 10_000);
    assert.deepEqual(await store.sendsSince(directory.id, 'key-1', new Date(Date.now() + 60_000)), { count: 0, latest: null });
  });

  it('R7: voids every other code of the identifier or the account, in this directory only', async () => {
    const keep = await store.createFlow(flow({ identifierCanonical: 'void@example.com' }));
    const sameIdentifier = await store.createFlow(flow({ identifierCanonical: 'void@example.com', accountId: null }));
    const sameAccount = await store.createFlow(flow({ identifierCanonical: 'old-name@example.com' }));
    const elsewhere = await store.createFlow(flow({ directoryId: other.id, identifierCanonical: 'void@example.com', accountId: null }));
    for (const f of [keep, sameIdentifier, sameAccount, elsewhere]) await store.issueCode(f.id, code(`hmac-${f.id}`));
    await store.voidOutstandingCodes({ directoryId: directory.id, identifierCanonical: 'void@example.com', accountId, exceptFlowId: keep.id });
    const codes = new Map((await db.selectFrom('flows').select(['id', 'code_hmac']).execute()).map((r) => [r.id, r.code_hmac]));
    assert.equal(codes.get(keep.id), `hmac-${keep.id}`);
    assert.equal(codes.get(sameIdentifier.id), null);
    assert.equal(codes.get(sameAccount.id), null);
    assert.equal(codes.get(elsewhere.id), `hmac-${elsewhere.id}`);
  });

  it('R3: counts wrong codes on the flow and kills the code at the limit; a new code starts over', async () => {
    const f = await store.createFlow(flow({ identifierCanonical: 'r3@example.com' }));
    await store.issueCode(f.id, code('hmac'));
    for (let i = 1; i <= 4; i++) assert.equal(await store.recordWrongCode(f.id, 5), i);
    assert.equal((await store.findFlow(directory.id, f.id))?.code_hmac, 'hmac');
    assert.equal(await store.recordWrongCode(f.id, 5), 5);
    assert.equal((await store.findFlow(directory.id, f.id))?.code_hmac, null);
    await store.issueCode(f.id, code('fresh'));
    const row = await store.findFlow(directory.id, f.id);
    assert.equal(row?.code_attempts, 0);
    assert.equal(row?.code_hmac, 'fresh');
  });

  it('R4: counts failures per account up to the cap, and clears them', async () => {
    for (let i = 0; i < 4; i++) await store.recordAccountFailure(accountId, 3);
    assert.equal(await store.recordAccountFailure(accountId, 3), 3);
    await store.clearAccountFailures(accountId);
    assert.equal(await store.recordAccountFailure(accountId, 3), 1);
    await store.clearAccountFailures(accountId);
  });

  it('R4: an identifier with no account sums its failures across its flows', async () => {
    const a = await store.createFlow(flow({ identifierCanonical: 'ghost@example.com', accountId: null }));
    const b = await store.createFlow(flow({ identifierCanonical: 'ghost@example.com', accountId: null }));
    await store.recordWrongCode(a.id, 5);
    await store.recordWrongCode(b.id, 5);
    await store.recordWrongCode(b.id, 5);
    assert.equal(await store.identifierFailures(directory.id, 'ghost@example.com'), 3);
    assert.equal(await store.identifierFailures(directory.id, 'nobody@example.com'), 0);
  });

  it('killCode removes the code and marks it spent', async () => {
    const f = await store.createFlow(flow({ identifierCanonical: 'kill@example.com' }));
    await store.issueCode(f.id, code('hmac'));
    await store.killCode(f.id, 5);
    const row = await store.findFlow(directory.id, f.id);
    assert.equal(row?.code_hmac, null);
    assert.equal(row?.code_attempts, 5);
  });

  it('saveState stores state and data, and can clear the code and move the expiry', async () => {
    const f = await store.createFlow(flow({ identifierCanonical: 'save@example.com' }));
    await store.issueCode(f.id, code('hmac'));
    const expiresAt = new Date(Date.now() + 42_000);
    await store.saveState(f.id, { state: 'code_verified', data: {}, clearCode: true, expiresAt });
    const row = await store.findFlow(directory.id, f.id);
    assert.equal(row?.state, 'code_verified');
    assert.deepEqual(row?.data, {});
    assert.equal(row?.code_hmac, null);
    assert.equal(row?.expires_at.getTime(), expiresAt.getTime());
  });

  it('R5: the identifier lock serialises two transactions', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = store.inIdentifierLock(directory.id, 'serial', async () => {
      order.push('first locked');
      await held;
      order.push('first done');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = store.inIdentifierLock(directory.id, 'serial', async () => {
      order.push('second locked');
    });
    const unrelated = store.inIdentifierLock(directory.id, 'another key', async () => {
      order.push('unrelated locked');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second, unrelated]);
    assert.deepEqual(order, ['first locked', 'unrelated locked', 'first done', 'second locked']);
  });

  it('the identifier lock\'s transaction commits its writes, and a failure undoes them and frees the lock', async () => {
    const kept = await store.inIdentifierLock(directory.id, 'atomic', (tx) => tx.createFlow(flow({ identifierCanonical: 'kept@example.com' })));
    assert.equal((await store.findFlow(directory.id, kept.id))?.id, kept.id);
    let undone: string | undefined;
    await assert.rejects(
      store.inIdentifierLock(directory.id, 'atomic', async (tx) => {
        undone = (await tx.createFlow(flow({ identifierCanonical: 'undone@example.com' }))).id;
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(undone);
    assert.equal(await store.findFlow(directory.id, undone), undefined);
    // Neither the lock nor a transaction outlived the failure: the same key is taken again at once.
    const again = await Promise.race([
      store.inIdentifierLock(directory.id, 'atomic', async () => 'taken'),
      new Promise((resolve) => setTimeout(() => resolve('still locked'), 2000)),
    ]);
    assert.equal(again, 'taken');
  });

  it('R6: lockFlow holds the row until commit', async () => {
    const f = await store.createFlow(flow({ identifierCanonical: 'lock@example.com' }));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = store.inTransaction(async (tx) => {
      await tx.lockFlow(directory.id, f.id);
      order.push('first');
      await held;
      await tx.saveState(f.id, { state: 'code_verified', data: {} });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = store.inTransaction(async (tx) => {
      const row = await tx.lockFlow(directory.id, f.id);
      order.push(`second saw ${row?.state}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first', 'second saw code_verified']);
  });

  it('finds accounts by the directory\'s identifier and locks them', async () => {
    assert.equal((await store.findAccountByIdentifier(directory, 'a@example.com'))?.id, accountId);
    assert.equal(await store.findAccountByIdentifier(other, 'a@example.com'), undefined);
    assert.equal(await store.findAccountByIdentifier({ ...directory, sign_in_identifier: 'username' }, 'a@example.com'), undefined);
    assert.equal((await store.inTransaction((tx) => tx.lockAccount(directory.id, accountId)))?.id, accountId);
  });
});
