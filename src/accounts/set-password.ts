import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.ts';
import { enqueueEmail } from '../email/outbox.ts';
import { endAccountAccess } from './end-account-access.ts';
import { languagePolicy } from '../directories/directory-texts.ts';
import { offeredLocale } from '../i18n/i18n.ts';
import type { Account, Database, Directory, Locale } from '../storage/schema.ts';

// What every new password brings with it, in one transaction with the change itself, whether it came
// from a reset or from "Change password":
//  - the lockout is lifted (L2), the code-failure count and any forced-change mark cleared;
//  - every outstanding reset or sign-up code of the account dies (R17);
//  - every session and every application token ends (R18), but for the Latchkey session doing the
//    change when it is a signed-in change;
//  - a "your password was changed" mail is queued, carrying no secret (R20).

export interface SetPasswordInput {
  readonly account: Account;
  readonly directory: Directory;
  readonly passwordHash: string;
  readonly reason: 'reset' | 'change';
  readonly locale: Locale;
  readonly keepSessionIdHash?: string;
  readonly signInUrl: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The "Run now" run the change happened in, if any (its test inbox shows the notice). */
  readonly runId?: string | null;
}

export async function setPassword(trx: Kysely<Database>, input: SetPasswordInput): Promise<{ sessionsEnded: number }> {
  const { account, directory } = input;
  await trx
    .updateTable('accounts')
    .set({
      password_hash: input.passwordHash,
      password_changed_at: new Date(),
      failed_sign_ins: 0,
      lockouts: 0,
      locked_until: null,
      recent_failed_fingerprints: [],
      reset_code_failures: 0,
      // Any new password the customer chose satisfies an administrator's "change at next sign-in" (R23).
      must_change_password: false,
    })
    .where('id', '=', account.id)
    .execute();

  await trx.updateTable('flows').set({ code_hmac: null, updated_at: new Date() }).where('account_id', '=', account.id).where('code_hmac', 'is not', null).execute();

  const { sessionsEnded, tokensRevoked } = await endAccountAccess(trx, account.id, input.keepSessionIdHash ? { keepSessionIdHash: input.keepSessionIdHash } : {});

  await enqueueEmail(trx, {
    directoryId: directory.id,
    template: 'password_changed',
    locale: offeredLocale(languagePolicy(directory), account.locale, input.locale),
    to: account.email,
    payload: { displayName: account.display_name, signInUrl: input.signInUrl, reason: input.reason },
    runId: input.runId ?? null,
  });
  const audit = { directoryId: directory.id, accountId: account.id, ip: input.ip, userAgent: input.userAgent };
  await recordAudit(trx, { ...audit, type: input.reason === 'reset' ? 'reset_completed' : 'password_changed', outcome: 'success' });
  if (sessionsEnded + tokensRevoked > 0) {
    await recordAudit(trx, { ...audit, type: 'sessions_revoked', outcome: 'success', detail: { count: sessionsEnded, tokens: tokensRevoked } });
  }
  return { sessionsEnded };
}
