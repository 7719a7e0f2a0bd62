import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LatchkeyError } from '../../src/http/latchkey-error.ts';
import {
  RESET_STATE_NAMES, stateFromRow, stateToRow, transition, type ResetEvent, type ResetState, type ResetStateName,
} from '../../src/flows/password-reset/password-reset-flow.ts';

// Every state × every event: the allowed steps lead where the diagram says, every other step is refused
// with the one "wrong step" error (409), never a crash.

const states: Record<ResetStateName, ResetState> = {
  awaiting_code: { name: 'awaiting_code', notice: 'wrong' },
  code_verified: { name: 'code_verified' },
  choosing_password: { name: 'choosing_password' },
  completed: { name: 'completed' },
  expired: { name: 'expired' },
};

const events: Record<string, ResetEvent> = {
  code_sent: { type: 'code_sent' },
  'code_rejected(expired)': { type: 'code_rejected', reason: 'expired' },
  code_accepted: { type: 'code_accepted' },
  continue: { type: 'continue' },
  password_set: { type: 'password_set' },
  timed_out: { type: 'timed_out' },
};

// undefined = refused.
const expected: Record<ResetStateName, Record<string, ResetState | undefined>> = {
  awaiting_code: {
    code_sent: { name: 'awaiting_code', notice: 'sent' },
    'code_rejected(expired)': { name: 'awaiting_code', notice: 'expired' },
    code_accepted: { name: 'code_verified' },
    continue: undefined,
    password_set: undefined,
    timed_out: { name: 'expired' },
  },
  code_verified: { code_sent: undefined, 'code_rejected(expired)': undefined, code_accepted: undefined, continue: { name: 'choosing_password' }, password_set: undefined, timed_out: { name: 'expired' } },
  choosing_password: { code_sent: undefined, 'code_rejected(expired)': undefined, code_accepted: undefined, continue: undefined, password_set: { name: 'completed' }, timed_out: { name: 'expired' } },
  completed: { code_sent: undefined, 'code_rejected(expired)': undefined, code_accepted: undefined, continue: undefined, password_set: undefined, timed_out: undefined },
  expired: { code_sent: undefined, 'code_rejected(expired)': undefined, code_accepted: undefined, continue: undefined, password_set: undefined, timed_out: undefined },
};

describe('password reset transition()', () => {
  for (const name of RESET_STATE_NAMES) {
    for (const [label, event] of Object.entries(events)) {
      const want = expected[name][label];
      it(`${name} + ${label} → ${want ? want.name : 'refused'}`, () => {
        if (want) {
          assert.deepEqual(transition(states[name], event), want);
        } else {
          assert.throws(() => transition(states[name], event), (error: unknown) => error instanceof LatchkeyError && error.status === 409 && error.code === 'reset_wrong_step');
        }
      });
    }
  }

  it('each rejection reason becomes the notice shown on the code page', () => {
    for (const reason of ['wrong', 'expired', 'exhausted', 'replaced'] as const) {
      assert.deepEqual(transition(states.awaiting_code, { type: 'code_rejected', reason }), { name: 'awaiting_code', notice: reason });
    }
  });

  it('an unknown state is a bug and throws', () => {
    assert.throws(() => transition({ name: 'bogus' } as unknown as ResetState, { type: 'code_sent' }), /unknown password reset state/);
    assert.throws(() => stateFromRow({ state: 'bogus', data: {} }), /unknown password reset state/);
  });

  it('states round-trip through the row', () => {
    for (const state of Object.values(states)) assert.deepEqual(stateFromRow(stateToRow(state)), state);
  });

  it('states.mmd draws exactly the allowed transitions', () => {
    const diagram = readFileSync(new URL('../../src/flows/password-reset/states.mmd', import.meta.url), 'utf8');
    const drawn = new Set([...diagram.matchAll(/^\s*(\w+) --> (\w+): (\w+)/gm)].map((m) => `${m[1]} ${m[3]} ${m[2]}`));
    const allowed = new Set<string>();
    for (const name of RESET_STATE_NAMES) {
      for (const [label, state] of Object.entries(expected[name])) if (state) allowed.add(`${name} ${label.replace(/\(.*\)/, '')} ${state.name}`);
    }
    assert.deepEqual([...drawn].sort(), [...allowed].sort());
  });
});
