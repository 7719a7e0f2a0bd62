import type { AccountStore } from '../../accounts/account-store.ts';
import type { PasswordHasher } from '../../accounts/password-hasher.ts';
import type { ActiveSession, SessionStore } from '../../accounts/session-store.ts';
import { checkPassword, type PasswordProblem } from '../../domain/password-policy.ts';
import type { Links } from '../../http/links.ts';
import type { Account, Directory, Locale } from '../../storage/schema.ts';
import type { SignInService } from '../sign-in/sign-in-service.ts';
import type { MyAccountStore } from './my-account-store.ts';

// The signed-in customer's own page: who am I, change my password (P7), sign out (SE5).

export interface MyAccountServiceDeps {
  readonly store: MyAccountStore;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  /** The lockout-guarded password check: guessing the current password here counts like sign-in. */
  readonly signIn: SignInService;
  readonly links: Links;
  readonly settings: { readonly passwordMinLength: number };
  readonly mailQueued: () => void;
}

export interface SignedIn {
  readonly session: ActiveSession;
  readonly account: Account;
}

export interface Requester {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type ChangeProblem = PasswordProblem | 'account_current_password_wrong';

export interface PasswordChange {
  readonly current: string;
  readonly next: string;
  readonly confirmation: string;
}

export interface MyAccountService {
  /** The account behind a session cookie, or undefined: no cookie, ended, expired, or a disabled account. */
  signedIn(directory: Directory, token: string | undefined): Promise<SignedIn | undefined>;
  changePassword(directory: Directory, who: SignedIn, change: PasswordChange, locale: Locale, requester: Requester): Promise<ChangeProblem | undefined>;
  signOut(directory: Directory, token: string | undefined, requester: Requester): Promise<void>;
}

export function createMyAccountService(deps: MyAccountServiceDeps): MyAccountService {
  return {
    async signedIn(directory, token) {
      if (!token) return undefined;
      const session = await deps.sessions.findActive(token, directory.id);
      if (!session) return undefined;
      const account = await deps.accounts.findById(directory.id, session.accountId);
      if (!account || account.disabled) return undefined;
      return { session, account };
    },

    async changePassword(directory, { session, account }, change, locale, requester) {
      // The current password first (P7): a borrowed, still signed-in browser must not be enough.
      const verified = await deps.signIn.verifyPassword({ directory, account, password: change.current, requester });
      if (!verified) return 'account_current_password_wrong';
      const identifiers = [account.email, account.username ?? '', account.display_name].filter((value) => value !== '');
      const problem = checkPassword(change.next, change.confirmation, { minLength: deps.settings.passwordMinLength, identifiers, directoryName: directory.display_name });
      if (problem) return problem;
      const passwordHash = await deps.hasher.hash(change.next);
      await deps.store.storeChangedPassword({
        account,
        directory,
        passwordHash,
        reason: 'change',
        locale,
        // Every other session ends; this one stays so the customer is not thrown out mid-task.
        keepSessionIdHash: session.idHash,
        signInUrl: deps.links.absolute(deps.links.paths.signIn(directory.slug)),
        ip: requester.ip,
        userAgent: requester.userAgent,
      });
      deps.mailQueued();
      return undefined;
    },

    async signOut(directory, token, requester) {
      if (!token) return;
      const session = await deps.sessions.findActive(token, directory.id);
      // Ended server-side: the cookie's value is worthless from here on, wherever a copy of it went.
      await deps.sessions.end(token);
      if (session) await deps.store.recordSignOut({ directoryId: directory.id, accountId: session.accountId, ...requester });
    },
  };
}
