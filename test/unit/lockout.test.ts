import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitAttempt, CLEARED_COUNTERS, isLocked, lockSeconds, LOCKOUT_POLICY, rememberFailure, type LockoutCounters } from '../../src/flows/sign-in/lockout-policy.ts';

// The lockout rules alone, without a database: who is counted, when a lock starts, how long it lasts.

const now = new Date('2030-01-01T12:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

/** n wrong attempts with distinct passwords, as the service applies them. */
function fail(counters: LockoutCounters, n: number, when = now): LockoutCounters {
  let current = counters;
  for (let i = 0; i < n; i++) {
    const admission = admitAttempt(current, `fp-${i}-${when.getTime()}`, when);
    if (admission.kind === 'refuse') return current;
    current = rememberFailure(admission.counters, `fp-${i}-${when.getTime()}`);
  }
  return current;
}

describe('lockout policy', () => {
  it('L2: 9 counted failures leave the account open; the 10th locks it for 60 s and is itself still evaluated', () => {
    const nine = fail(CLEARED_COUNTERS, 9);
    assert.equal(nine.failedSignIns, 9);
    assert.equal(isLocked(nine, now), false);
    const tenth = admitAttempt(nine, 'fp-10', now);
    assert.equal(tenth.kind, 'evaluate');
    assert.ok(tenth.kind === 'evaluate' && tenth.lockedNow);
    assert.equal(tenth.kind === 'evaluate' ? tenth.counters.lockedUntil?.getTime() : 0, at(60).getTime());
    assert.equal(tenth.kind === 'evaluate' ? tenth.counters.lockouts : 0, 1);
  });

  it('L2, L3: while locked every attempt is refused without being counted, the right password included', () => {
    const locked = fail(CLEARED_COUNTERS, 10);
    for (const seconds of [0, 30, 59.9]) assert.deepEqual(admitAttempt(locked, 'anything', at(seconds)), { kind: 'refuse', reason: 'locked' });
    assert.equal(admitAttempt(locked, 'anything', at(60)).kind, 'evaluate', 'open again when the lock runs out');
  });

  it('L2: the same wrong password repeated counts once', () => {
    const first = admitAttempt(CLEARED_COUNTERS, 'same', now);
    assert.equal(first.kind, 'evaluate');
    const after = rememberFailure(first.kind === 'evaluate' ? first.counters : CLEARED_COUNTERS, 'same');
    for (let i = 0; i < 20; i++) assert.deepEqual(admitAttempt(after, 'same', now), { kind: 'refuse', reason: 'repeated' });
    assert.equal(after.failedSignIns, 1);
    assert.deepEqual(rememberFailure(after, 'same'), after, 'remembered once');
  });

  it('only the last 5 wrong passwords are remembered', () => {
    const many = fail(CLEARED_COUNTERS, 8);
    assert.equal(many.recentFailedFingerprints.length, LOCKOUT_POLICY.rememberedFingerprints);
    assert.equal(many.recentFailedFingerprints.at(-1), `fp-7-${now.getTime()}`);
  });

  it('L2: escalation doubles each lock, 60, 120, 240 s …, capped at a day', () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => lockSeconds(n)), [60, 120, 240, 480]);
    assert.equal(lockSeconds(40), 24 * 3600);
    const first = fail(CLEARED_COUNTERS, 10);
    const second = fail(first, 10, at(61));
    assert.equal(second.lockouts, 2);
    assert.equal(second.lockedUntil?.getTime(), at(61 + 120).getTime());
    assert.equal(second.failedSignIns, 0, 'the count starts over after each lock');
  });

  it('L4: under any interleaving an account admits at most 10 evaluations before it locks', () => {
    // Admissions are applied one at a time (the row lock serialises them) before any verification ends.
    let counters: LockoutCounters = CLEARED_COUNTERS;
    let evaluated = 0;
    for (let i = 0; i < 200; i++) {
      const admission = admitAttempt(counters, `parallel-${i}`, now);
      if (admission.kind === 'evaluate') {
        evaluated += 1;
        counters = admission.counters;
      }
    }
    assert.equal(evaluated, 10);
  });

  it('a success clears the counters and the escalation', () => {
    assert.deepEqual(CLEARED_COUNTERS, { failedSignIns: 0, lockouts: 0, lockedUntil: null, recentFailedFingerprints: [] });
  });
});
