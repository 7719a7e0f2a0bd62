import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { HASH_THREAD_NICENESS } from '../../src/accounts/hash-threads.ts';

// Hashing runs on threads of its own at a lower scheduling priority, so it can use every core and still
// give way to the event loop and to PostgreSQL (F3). These tests read the threads' priorities from
// /proc, as `ps -eLo tid,ni` would.

/** The nice value of every thread of this process, by thread id. */
async function threadNiceness(): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (const tid of await readdir('/proc/self/task')) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => undefined);
    // Fields after the command name start after its closing ')'; nice is field 19, the 17th of those.
    if (stat) result.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return result;
}

const lowered = (threads: Map<number, number>) => [...threads.values()].filter((nice) => nice === HASH_THREAD_NICENESS).length;

describe('hashing threads', () => {
  it('F3: hashes run on as many threads as allowed, each at a lower priority than the event loop', async () => {
    const before = lowered(await threadNiceness());
    const hasher = createPasswordHasher({ concurrency: 3, queueLimit: 20 });
    try {
      const stored = await hasher.hash('correct horse battery staple');
      const results = await Promise.all(Array.from({ length: 9 }, (_, i) => hasher.verify(stored, i % 3 === 0 ? 'correct horse battery staple' : `wrong ${i}`)));
      assert.deepEqual(results, Array.from({ length: 9 }, (_, i) => i % 3 === 0));
      const threads = await threadNiceness();
      assert.equal(lowered(threads) - before, 3, JSON.stringify([...threads]));
      assert.equal(threads.get(process.pid), 0, 'the event loop keeps its normal priority');
    } finally {
      await hasher.close();
    }
    assert.equal(lowered(await threadNiceness()), before, 'close() ends the threads');
  });

  it('F3: no more hashes run at once than the concurrency, and past the queue a request is refused as busy', async () => {
    const hasher = createPasswordHasher({ concurrency: 2, queueLimit: 3 });
    try {
      const stored = await hasher.hash('a password');
      await hasher.verifyNothing('made its dummy hash'); // so no hash of the hasher's own holds a slot
      const peaks: number[] = [];
      const settled = await Promise.allSettled(
        Array.from({ length: 8 }, async () => {
          const verifying = hasher.verify(stored, 'a password');
          peaks.push(hasher.stats().running);
          return await verifying;
        }),
      );
      assert.equal(Math.max(...peaks), 2);
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
      assert.deepEqual(hasher.stats(), { running: 0, queued: 0 });
    } finally {
      await hasher.close();
    }
  });

  it('S1: the pepper reaches the threads, and an unreadable stored hash is a failed match', async () => {
    const peppered = createPasswordHasher({ concurrency: 1, queueLimit: 10, pepper: 'a-pepper-of-16-chars-or-more' });
    const plain = createPasswordHasher({ concurrency: 1, queueLimit: 10 });
    try {
      const stored = await peppered.hash('correct horse');
      assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal(await peppered.verify(stored, 'correct horse'), true);
      assert.equal(await plain.verify(stored, 'correct horse'), false, 'without the pepper the same password does not match');
      assert.equal(await peppered.verify('$argon2id$v=19$m=19456,t=2,p=1$not-base64!$x', 'correct horse'), false);
      await peppered.verifyNothing('anything');
    } finally {
      await Promise.all([peppered.close(), plain.close()]);
    }
  });

  it('L1: a verification that hashing could not finish is an error, never a wrong password to count', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, queueLimit: 10 });
    const stored = await hasher.hash('correct horse');
    await hasher.verifyNothing('made its dummy hash');
    const running = hasher.verify(stored, 'correct horse');
    const waiting = hasher.verify(stored, 'correct horse');
    await hasher.close();
    await Promise.allSettled([running]); // cut short or finished, depending on the moment close() lands
    await assert.rejects(waiting, /hashing has been shut down/);
    await assert.rejects(hasher.hash('too late'), /hashing has been shut down/);
  });
});
