import { LatchkeyError } from '../../http/latchkey-error.ts';

// The password reset flow as an explicit state machine (states.mmd draws it). Pure: no clock, no I/O.
// The service decides *whether* a code is right, expired or dead; this file decides only which state
// that leads to, so every allowed step is visible in one switch and every other step is refused.

/** Why a submitted code did not verify; each has its own message with a way forward (R2, R3, R7). */
export type CodeRejection = 'wrong' | 'expired' | 'exhausted' | 'replaced';

/** What the code page shows above the form: the "code sent" notice, or why the last code failed. */
export type CodeNotice = 'sent' | CodeRejection;

export type ResetState =
  | { readonly name: 'awaiting_code'; readonly notice: CodeNotice }
  | { readonly name: 'code_verified' }
  | { readonly name: 'choosing_password' }
  | { readonly name: 'completed' }
  | { readonly name: 'expired' };

export type ResetEvent =
  | { readonly type: 'code_sent' }
  | { readonly type: 'code_rejected'; readonly reason: CodeRejection }
  | { readonly type: 'code_accepted' }
  | { readonly type: 'continue' }
  | { readonly type: 'password_set' }
  | { readonly type: 'timed_out' };

export type ResetStateName = ResetState['name'];
export const RESET_STATE_NAMES: readonly ResetStateName[] = ['awaiting_code', 'code_verified', 'choosing_password', 'completed', 'expired'];

/** A step the flow is not at (a stale tab, a double submit, a replayed form): a plain page, never a 5xx. */
export function wrongStep(): LatchkeyError {
  return new LatchkeyError({ status: 409, code: 'reset_wrong_step' });
}

export const initialState: ResetState = { name: 'awaiting_code', notice: 'sent' };

export function transition(state: ResetState, event: ResetEvent): ResetState {
  switch (state.name) {
    case 'awaiting_code':
      switch (event.type) {
        case 'code_sent':
          return { name: 'awaiting_code', notice: 'sent' };
        case 'code_rejected':
          return { name: 'awaiting_code', notice: event.reason };
        case 'code_accepted':
          return { name: 'code_verified' };
        case 'timed_out':
          return { name: 'expired' };
        default:
          throw wrongStep();
      }
    case 'code_verified':
      if (event.type === 'continue') return { name: 'choosing_password' };
      if (event.type === 'timed_out') return { name: 'expired' };
      throw wrongStep();
    case 'choosing_password':
      if (event.type === 'password_set') return { name: 'completed' };
      if (event.type === 'timed_out') return { name: 'expired' };
      throw wrongStep();
    case 'completed':
    case 'expired':
      // Terminal: a finished or lapsed reset never starts moving again; the customer starts a new one.
      throw wrongStep();
    default: {
      const unknown: never = state;
      throw new Error(`unknown password reset state ${JSON.stringify(unknown)}`);
    }
  }
}

const NOTICES: readonly CodeNotice[] = ['sent', 'wrong', 'expired', 'exhausted', 'replaced'];

/** The state as stored in flows.state + flows.data; anything unrecognised is a bug, not input. */
export function stateFromRow(row: { state: string; data: Record<string, unknown> }): ResetState {
  switch (row.state) {
    case 'awaiting_code': {
      const notice = row.data.notice;
      return { name: 'awaiting_code', notice: NOTICES.includes(notice as CodeNotice) ? (notice as CodeNotice) : 'sent' };
    }
    case 'code_verified':
    case 'choosing_password':
    case 'completed':
    case 'expired':
      return { name: row.state };
    default:
      throw new Error(`unknown password reset state ${row.state}`);
  }
}

export function stateToRow(state: ResetState): { state: ResetStateName; data: Record<string, unknown> } {
  return state.name === 'awaiting_code' ? { state: state.name, data: { notice: state.notice } } : { state: state.name, data: {} };
}
