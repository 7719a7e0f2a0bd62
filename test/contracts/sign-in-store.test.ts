import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createSignInStore, type SignInStore } from '../../src/flows/sign-in/sign-in-store.ts';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// The sign-in storage port against real PostgreSQL: what it reads, what it writes, and that its row
// lock really serialises concurrent attempts (what L1 and L4 rest on).

describe('sign-in store (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let store: SignInStore;
  let directory: Directory;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    store = createSignInStore(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  const account = async (email: string) =>
    (await db.insertInto('accounts').values({ directory_id: directory.id, email, email_canonical: email, display_name: 'x', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;

  it('reads fresh counters, saves them, and finds nothing for an unknown id or another directory', async () => {
    const id = await account('counters@example.com');
    assert.deepEqual(await store.lockCounters(directory.id, id), { failedSignIns: 0, lockouts: 0, lockedUntil: null, recentFailedFingerprints: [] });
    const saved = { failedSignIns: 3, lockouts: 2, lockedUntil: new Date('2030-01-01T00:00:00Z'), recentFailedFingerprints: ['a', 'b'] };
    await store.saveCounters(id, saved);
    assert.deepEqual(await store.lockCounters(directory.id, id), saved);
    assert.equal(await store.lockCounters(directory.id, '00000000-0000-0000-0000-000000000000'), undefined);
    const other = await db.insertInto('directories').values({ slug: 'other', display_name: 'Other' }).returning('id').executeTakeFirstOrThrow();
    assert.equal(await store.lockCounters(other.id, id), undefined, 'a directory is a hard boundary');
  });

  it('markSignedIn clears every counter and records the time', async () => {
    const id = await account('signed@example.com');
    await store.saveCounters(id, { failedSignIns: 7, lockouts: 3, lockedUntil: new Date(), recentFailedFingerprints: ['x'] });
    const when = new Date('2031-05-05T05:05:05Z');
    await store.markSignedIn(id, when);
    assert.deepEqual(await store.lockCounters(directory.id, id), { failedSignIns: 0, lockouts: 0, lockedUntil: null, recentFailedFingerprints: [] });
    const row = await db.selectFrom('accounts').select('last_sign_in_at').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.last_sign_in_at?.getTime(), when.getTime());
  });

  it('L1, L4: lockCounters holds the row until commit, so a second transaction reads only what the first wrote', async () => {
    const id = await account('race@example.com');
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = store.inTransaction(async (trx) => {
      const counters = await trx.lockCounters(directory.id, id);
      firstLocked();
      await firstHolds;
      await trx.saveCounters(id, { ...counters!, failedSignIns: counters!.failedSignIns + 1 });
    });
    await locked;
    let secondRead: number | undefined;
    const second = store.inTransaction(async (trx) => {
      const counters = await trx.lockCounters(directory.id, id);
      secondRead = counters!.failedSignIns;
      await trx.saveCounters(id, { ...counters!, failedSignIns: counters!.failedSignIns + 1 });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(secondRead, undefined, 'the second waits while the first holds the row');
    releaseFirst();
    await Promise.all([first, second]);
    assert.equal(secondRead, 1);
    assert.equal((await store.lockCounters(directory.id, id))?.failedSignIns, 2, 'no lost update');
  });

  it('a failing transaction writes nothing', async () => {
    const id = await account('rollback@example.com');
    await assert.rejects(store.inTransaction(async (trx) => {
      await trx.saveCounters(id, { failedSignIns: 9, lockouts: 0, lockedUntil: null, recentFailedFingerprints: [] });
      throw new Error('boom');
    }));
    assert.equal((await store.lockCounters(directory.id, id))?.failedSignIns, 0);
  });
});
