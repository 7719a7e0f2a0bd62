import type { PasswordProblem } from '../../domain/password-policy.ts';
import { LatchkeyError } from '../../http/latchkey-error.ts';

// The sign-up flow as an explicit state machine (states.mmd draws it). Pure: no clock, no I/O. The
// service decides whether a code is right and whether the address is taken; this file decides only
// which state that leads to, so every allowed step is in one switch and every other step is refused.

export type CodeRejection = 'wrong' | 'expired' | 'exhausted';
export type CodeNotice = 'sent' | CodeRejection;

/** Why the account details were refused; each is a catalog key shown on the details page (P4). */
export type DetailsProblem = PasswordProblem | 'sign_up_display_name_invalid' | 'sign_up_username_invalid' | 'sign_up_username_taken';

export type SignUpState =
  | { readonly name: 'awaiting_code'; readonly notice: CodeNotice }
  | { readonly name: 'choosing_details'; readonly problem?: DetailsProblem; readonly displayName: string; readonly username: string }
  | { readonly name: 'already_registered' }
  | { readonly name: 'completed' }
  | { readonly name: 'expired' };

export type SignUpEvent =
  | { readonly type: 'code_sent' }
  | { readonly type: 'code_rejected'; readonly reason: CodeRejection }
  /** The code was right; `alreadyRegistered` when the verified address already has an account. */
  | { readonly type: 'code_accepted'; readonly alreadyRegistered: boolean }
  | { readonly type: 'details_rejected'; readonly problem: DetailsProblem; readonly displayName: string; readonly username: string }
  /** Another sign-up for the same address finished first. */
  | { readonly type: 'email_taken' }
  | { readonly type: 'account_created' }
  | { readonly type: 'timed_out' };

export type SignUpStateName = SignUpState['name'];
export const SIGN_UP_STATE_NAMES: readonly SignUpStateName[] = ['awaiting_code', 'choosing_details', 'already_registered', 'completed', 'expired'];

/** A stale tab, a double submit or a replayed form: a plain page, never a 5xx. */
export function wrongStep(): LatchkeyError {
  return new LatchkeyError({ status: 409, code: 'sign_up_wrong_step' });
}

export const initialState: SignUpState = { name: 'awaiting_code', notice: 'sent' };

export function transition(state: SignUpState, event: SignUpEvent): SignUpState {
  switch (state.name) {
    case 'awaiting_code':
      switch (event.type) {
        case 'code_sent':
          return { name: 'awaiting_code', notice: 'sent' };
        case 'code_rejected':
          return { name: 'awaiting_code', notice: event.reason };
        case 'code_accepted':
          return event.alreadyRegistered ? { name: 'already_registered' } : { name: 'choosing_details', displayName: '', username: '' };
        case 'timed_out':
          return { name: 'expired' };
        default:
          throw wrongStep();
      }
    case 'choosing_details':
      switch (event.type) {
        case 'details_rejected':
          return { name: 'choosing_details', problem: event.problem, displayName: event.displayName, username: event.username };
        case 'email_taken':
          return { name: 'already_registered' };
        case 'account_created':
          return { name: 'completed' };
        case 'timed_out':
          return { name: 'expired' };
        default:
          throw wrongStep();
      }
    case 'already_registered':
    case 'completed':
    case 'expired':
      // Terminal: a finished, redirected or lapsed sign-up never moves again; the customer starts anew.
      throw wrongStep();
    default: {
      const unknown: never = state;
      throw new Error(`unknown sign-up state ${JSON.stringify(unknown)}`);
    }
  }
}

const NOTICES: readonly CodeNotice[] = ['sent', 'wrong', 'expired', 'exhausted'];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The state as stored in flows.state + flows.data; an unknown state name is a bug, not input. */
export function stateFromRow(row: { state: string; data: Record<string, unknown> }): SignUpState {
  switch (row.state) {
    case 'awaiting_code': {
      const notice = row.data.notice;
      return { name: 'awaiting_code', notice: NOTICES.includes(notice as CodeNotice) ? (notice as CodeNotice) : 'sent' };
    }
    case 'choosing_details': {
      const problem = typeof row.data.problem === 'string' ? (row.data.problem as DetailsProblem) : undefined;
      return { name: 'choosing_details', displayName: text(row.data.displayName), username: text(row.data.username), ...(problem ? { problem } : {}) };
    }
    case 'already_registered':
    case 'completed':
    case 'expired':
      return { name: row.state };
    default:
      throw new Error(`unknown sign-up state ${row.state}`);
  }
}

export function stateToRow(state: SignUpState): { state: SignUpStateName; data: Record<string, unknown> } {
  switch (state.name) {
    case 'awaiting_code':
      return { state: state.name, data: { notice: state.notice } };
    case 'choosing_details':
      return { state: state.name, data: { displayName: state.displayName, username: state.username, ...(state.problem ? { problem: state.problem } : {}) } };
    default:
      return { state: state.name, data: {} };
  }
}
