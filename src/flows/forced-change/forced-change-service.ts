import { recordAudit } from '../../audit/audit-log.ts';
import { setPassword } from '../../accounts/set-password.ts';
import { checkPassword, type PasswordProblem } from '../../domain/password-policy.ts';
import type { Account, Directory, Locale } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';

// "Change your password before you go on" (R23): an administrator marked the account, so the customer's
// next sign-in, on the sign-in page or inside an application's user flow, stops here first. The customer
// has just proved the current password by signing in, so only the new one is asked for, twice, under the
// same policy as sign-up and reset (R21). Storing it clears the mark (set-password.ts).

export interface SignedInAccount {
  readonly account: Account;
  readonly sessionIdHash: string;
}

export interface Requester {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type ForcedChangeService = ReturnType<typeof createForcedChangeService>;

export function createForcedChangeService(deps: CustomerDeps) {
  const sessionCookie = deps.cookies.name('session');

  return {
    /** The enabled account behind the browser's session cookie, whether or not it must change. */
    async signedIn(directory: Directory, cookies: Record<string, string | undefined>): Promise<SignedInAccount | undefined> {
      const token = cookies[sessionCookie];
      const session = token ? await deps.sessions.findActive(token, directory.id) : undefined;
      const account = session ? await deps.accounts.findById(directory.id, session.accountId) : undefined;
      return session && account && !account.disabled ? { account, sessionIdHash: session.idHash } : undefined;
    },

    async change(directory: Directory, who: SignedInAccount, input: { next: string; confirmation: string; locale: Locale } & Requester): Promise<PasswordProblem | undefined> {
      const { account } = who;
      const identifiers = [account.email, account.username ?? '', account.display_name].filter((value) => value !== '');
      const problem = checkPassword(input.next, input.confirmation, { minLength: deps.settings.passwordMinLength, identifiers, directoryName: directory.display_name });
      if (problem) return problem;
      const passwordHash = await deps.hasher.hash(input.next);
      await deps.db.transaction().execute(async (trx) => {
        await setPassword(trx, {
          account, directory, passwordHash, reason: 'change', locale: input.locale,
          keepSessionIdHash: who.sessionIdHash,
          signInUrl: deps.links.absolute(deps.links.paths.signIn(directory.slug)),
          ip: input.ip, userAgent: input.userAgent,
        });
        await recordAudit(trx, { type: 'forced_password_changed', outcome: 'success', directoryId: directory.id, accountId: account.id, ip: input.ip, userAgent: input.userAgent });
      });
      deps.mailQueued();
      return undefined;
    },
  };
}
