import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LatchkeyError } from '../../src/http/latchkey-error.ts';
import {
  initialState, SIGN_UP_STATE_NAMES, stateFromRow, stateToRow, transition, type SignUpEvent, type SignUpState,
} from '../../src/flows/sign-up/sign-up-flow.ts';

// Every state × every event: the allowed transitions land where states.mmd says, everything else is
// refused as a wrong step (409), never a crash.

const details: SignUpState = { name: 'choosing_details', displayName: '', username: '' };
const STATES: Record<SignUpState['name'], SignUpState> = {
  awaiting_code: initialState,
  choosing_details: details,
  already_registered: { name: 'already_registered' },
  completed: { name: 'completed' },
  expired: { name: 'expired' },
};

const EVENTS: Record<SignUpEvent['type'], SignUpEvent> = {
  code_sent: { type: 'code_sent' },
  code_rejected: { type: 'code_rejected', reason: 'wrong' },
  code_accepted: { type: 'code_accepted', alreadyRegistered: false },
  details_rejected: { type: 'details_rejected', problem: 'password_too_short', displayName: 'Ada', username: 'ada' },
  email_taken: { type: 'email_taken' },
  account_created: { type: 'account_created' },
  timed_out: { type: 'timed_out' },
};

// The whole table: [state, event] → next state name, or undefined for "refused".
const ALLOWED: Record<string, SignUpState['name']> = {
  'awaiting_code/code_sent': 'awaiting_code',
  'awaiting_code/code_rejected': 'awaiting_code',
  'awaiting_code/code_accepted': 'choosing_details',
  'awaiting_code/timed_out': 'expired',
  'choosing_details/details_rejected': 'choosing_details',
  'choosing_details/email_taken': 'already_registered',
  'choosing_details/account_created': 'completed',
  'choosing_details/timed_out': 'expired',
};

describe('sign-up state machine', () => {
  for (const [stateName, state] of Object.entries(STATES)) {
    for (const [eventType, event] of Object.entries(EVENTS)) {
      const expected = ALLOWED[`${stateName}/${eventType}`];
      it(`${stateName} + ${eventType} → ${expected ?? 'refused (409)'}`, () => {
        if (expected) {
          assert.equal(transition(state, event).name, expected);
        } else {
          assert.throws(() => transition(state, event), (e: unknown) => e instanceof LatchkeyError && e.status === 409 && e.code === 'sign_up_wrong_step');
        }
      });
    }
  }

  it('a right code for an address that already has an account leads to already_registered, not to the details', () => {
    assert.deepEqual(transition(initialState, { type: 'code_accepted', alreadyRegistered: true }), { name: 'already_registered' });
  });

  it('code notices: sent after a new code, the rejection reason otherwise', () => {
    for (const reason of ['wrong', 'expired', 'exhausted'] as const) {
      const rejected = transition(initialState, { type: 'code_rejected', reason });
      assert.deepEqual(rejected, { name: 'awaiting_code', notice: reason });
      assert.deepEqual(transition(rejected, { type: 'code_sent' }), { name: 'awaiting_code', notice: 'sent' });
    }
  });

  it('a refused detail keeps what was typed and says why', () => {
    const next = transition(details, EVENTS.details_rejected);
    assert.deepEqual(next, { name: 'choosing_details', problem: 'password_too_short', displayName: 'Ada', username: 'ada' });
  });

  it('every state survives the round trip through flows.state and flows.data', () => {
    const samples: SignUpState[] = [...Object.values(STATES), { name: 'awaiting_code', notice: 'exhausted' }, transition(details, EVENTS.details_rejected)];
    for (const state of samples) assert.deepEqual(stateFromRow(stateToRow(state)), state);
    assert.throws(() => stateFromRow({ state: 'nonsense', data: {} }));
  });

  it('states.mmd names every state and every allowed transition', () => {
    const diagram = readFileSync(new URL('../../src/flows/sign-up/states.mmd', import.meta.url), 'utf8');
    for (const name of SIGN_UP_STATE_NAMES) assert.ok(diagram.includes(name), name);
    for (const [edge, to] of Object.entries(ALLOWED)) {
      const [from, event] = edge.split('/');
      assert.match(diagram, new RegExp(`${from} --> ${to}: ${event}`), edge);
    }
  });
});
