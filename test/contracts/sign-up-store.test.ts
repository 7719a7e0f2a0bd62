import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createSignUpStore, type NewSignUpFlow, type SignUpStore } from '../../src/flows/sign-up/sign-up-store.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The sign-up storage port against real PostgreSQL.

describe('sign-up store (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let store: SignUpStore;
  let directory: Directory;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    store = createSignUpStore(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  const newFlow = (email: string): NewSignUpFlow => ({
    directoryId: directory.id, bindingHash: 'binding', emailCanonical: email, emailInput: email, accountId: null, locale: 'nl',
    state: 'awaiting_code', data: { notice: 'sent' }, expiresAt: new Date(Date.now() + 3600_000),
  });
  const account = (email: string, username: string | null = null) => ({
    directory_id: directory.id, email, email_canonical: email, username, username_canonical: username, display_name: 'x', password_hash: 'x', email_verified: true,
  });

  it('creates a sign-up flow and finds it only as a sign-up flow of its own directory', async () => {
    const flow = await store.createFlow(newFlow('flow@example.com'));
    assert.equal(flow.kind, 'sign_up');
    assert.equal(flow.locale, 'nl');
    assert.deepEqual(flow.data, { notice: 'sent' });
    assert.equal((await store.findFlow(directory.id, flow.id))?.id, flow.id);
    assert.equal((await store.lockFlow(directory.id, flow.id))?.id, flow.id);
    const other = await db.insertInto('directories').values({ slug: 'elsewhere', display_name: 'Elsewhere' }).returning('id').executeTakeFirstOrThrow();
    assert.equal(await store.findFlow(other.id, flow.id), undefined);
    await db.updateTable('flows').set({ kind: 'password_reset' }).where('id', '=', flow.id).execute();
    assert.equal(await store.findFlow(directory.id, flow.id), undefined, 'a reset flow is not a sign-up flow');
  });

  it('R3: issueCode starts the attempt count; recordWrongCode kills the code at the limit in one statement', async () => {
    const flow = await store.createFlow(newFlow('attempts@example.com'));
    await store.issueCode(flow.id, { codeHmac: 'h1', codeExpiresAt: new Date(Date.now() + 600_000) });
    for (let i = 1; i <= 4; i++) assert.equal(await store.recordWrongCode(flow.id, 5), i);
    assert.equal((await store.findFlow(directory.id, flow.id))?.code_hmac, 'h1');
    assert.equal(await store.recordWrongCode(flow.id, 5), 5);
    assert.equal((await store.findFlow(directory.id, flow.id))?.code_hmac, null);
    await store.issueCode(flow.id, { codeHmac: 'h2', codeExpiresAt: new Date(Date.now() + 600_000) });
    const fresh = await store.findFlow(directory.id, flow.id);
    assert.deepEqual([fresh?.code_hmac, fresh?.code_attempts], ['h2', 0]);
  });

  it('R3: 20 parallel wrong codes count 20, the code dead after the 5th', async () => {
    const flow = await store.createFlow(newFlow('parallel@example.com'));
    await store.issueCode(flow.id, { codeHmac: 'h', codeExpiresAt: new Date(Date.now() + 600_000) });
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.recordWrongCode(flow.id, 5)));
    assert.deepEqual([...counts].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal((await store.findFlow(directory.id, flow.id))?.code_hmac, null);
  });

  it('R7: voidOtherCodes kills the codes of every other sign-up for the address, and only those', async () => {
    const [a, b, c] = await Promise.all([store.createFlow(newFlow('same@example.com')), store.createFlow(newFlow('same@example.com')), store.createFlow(newFlow('different@example.com'))]);
    for (const flow of [a, b, c]) await store.issueCode(flow.id, { codeHmac: `h-${flow.id}`, codeExpiresAt: new Date(Date.now() + 600_000) });
    assert.equal(await store.voidOtherCodes(directory.id, 'same@example.com', b.id), 1);
    const codes = await Promise.all([a, b, c].map((flow) => store.findFlow(directory.id, flow.id)));
    assert.deepEqual(codes.map((flow) => flow?.code_hmac !== null), [false, true, true]);
  });

  it('R5: sendsSince counts sign-up sends for the key since a time, with the latest', async () => {
    await store.recordSend(directory.id, 'key-1');
    await store.recordSend(directory.id, 'key-1');
    await store.recordSend(directory.id, 'key-2');
    await db.insertInto('code_sends').values({ directory_id: directory.id, identifier_key: 'key-1', purpose: 'password_reset' }).execute();
    await db.insertInto('code_sends').values({ directory_id: directory.id, identifier_key: 'key-1', purpose: 'sign_up', sent_at: new Date(Date.now() - 7200_000) }).execute();
    const recent = await store.sendsSince(directory.id, 'key-1', new Date(Date.now() - 3600_000));
    assert.equal(recent.count, 2, 'other purposes and older sends are not counted');
    assert.ok(recent.latest && Date.now() - recent.latest.getTime() < 10_000);
    assert.deepEqual(await store.sendsSince(directory.id, 'unknown', new Date(0)), { count: 0, latest: null });
  });

  it('R5: lockIdentifier serialises transactions for one key until commit', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstHas!: () => void;
    const locked = new Promise<void>((resolve) => (firstHas = resolve));
    const order: string[] = [];
    const first = store.inTransaction(async (trx) => {
      await trx.lockIdentifier(directory.id, 'serial');
      firstHas();
      await held;
      order.push('first');
    });
    await locked;
    const second = store.inTransaction(async (trx) => {
      await trx.lockIdentifier(directory.id, 'serial');
      order.push('second');
    });
    const unrelated = store.inTransaction(async (trx) => {
      await trx.lockIdentifier(directory.id, 'another key');
      order.push('unrelated');
    });
    await unrelated;
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['unrelated', 'first', 'second']);
  });

  it('createAccount returns undefined for a taken email or username and leaves the transaction usable', async () => {
    const id = await store.createAccount(account('taken@example.com', 'taken_name'));
    assert.ok(id);
    assert.deepEqual(await store.findAccountByEmail(directory.id, 'taken@example.com'), { id, email: 'taken@example.com' });
    assert.equal(await store.isUsernameTaken(directory.id, 'taken_name'), true);
    assert.equal(await store.isUsernameTaken(directory.id, 'free_name'), false);
    await store.inTransaction(async (trx) => {
      assert.equal(await trx.createAccount(account('taken@example.com')), undefined);
      assert.equal(await trx.createAccount(account('fresh@example.com', 'taken_name')), undefined);
      assert.ok(await trx.createAccount(account('fresh@example.com', 'fresh_name')), 'the transaction still works');
    });
    const rows = await db.selectFrom('accounts').select('email').where('email_canonical', 'in', ['taken@example.com', 'fresh@example.com']).execute();
    assert.equal(rows.length, 2);
  });

  it('saveState writes state and data and can clear the code', async () => {
    const flow = await store.createFlow(newFlow('state@example.com'));
    await store.issueCode(flow.id, { codeHmac: 'h', codeExpiresAt: new Date(Date.now() + 600_000) });
    await store.saveState(flow.id, { state: 'choosing_details', data: { displayName: 'Ada', username: '' }, clearCode: true });
    const saved = await store.findFlow(directory.id, flow.id);
    assert.deepEqual([saved?.state, saved?.data, saved?.code_hmac], ['choosing_details', { displayName: 'Ada', username: '' }, null]);
  });
});
