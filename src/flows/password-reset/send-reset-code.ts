import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit-log.ts';
import { enqueueEmail } from '../../email/outbox.ts';
import { sealCode } from '../../email/sealed-code.ts';
import { generateCode, keyedHash } from '../../domain/secrets.ts';
import { languagePolicy } from '../../directories/directory-texts.ts';
import { offeredLocale } from '../../i18n/i18n.ts';
import type { Account, Database, Directory, Flow, Locale } from '../../storage/schema.ts';
import type { PasswordResetStore } from './password-reset-store.ts';

// Issuing a code, for the first request and for "Send new code" alike. Runs inside the caller's
// transaction, after the identifier's advisory lock is held.
//
// Enumeration (R12, R13): whether the account exists, is disabled, unverified or locked, the same
// statements run in the same order, a code is generated and its keyed hash stored, and the response is
// the same; only the outbox row differs, and the outbox is delivered by the dispatcher, never inline.

export const SENDS_PER_HOUR = 10;
export const SECONDS_BETWEEN_SENDS = 60;

export type SendOutcome = 'sent' | 'throttled' | 'no_recipient' | 'not_enabled';

export interface SendContext {
  readonly store: PasswordResetStore;
  readonly trx: Kysely<Database>;
  readonly key: Buffer;
  readonly directory: Directory;
  readonly flow: Flow;
  readonly account: Account | undefined;
  /** Whether the directory's reset scope covers the account (isResetAllowed); asked for every request alike. */
  readonly resetAllowed: boolean;
  readonly identifierKey: string;
  readonly codeTtlSeconds: number;
  readonly flowTtlSeconds: number;
  readonly locale: Locale;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** The only address a code may go to: the stored one, verified, of an enabled account (R10, R11, R22). */
export function recipientOf(account: Pick<Account, 'email' | 'email_verified' | 'disabled'> | undefined): string | undefined {
  return account && account.email_verified && !account.disabled ? account.email : undefined;
}

export function identifierKeyOf(key: Buffer, canonical: string): string {
  return keyedHash(key, 'identifier', canonical);
}

export function codeHmacOf(key: Buffer, flowId: string, code: string): string {
  // The flow id is part of the hashed value: a code is worth nothing in any other flow (R8).
  return keyedHash(key, 'reset-code', `${flowId}:${code}`);
}

/** Where the throttle's hour starts (R5). */
export const throttleWindowStart = (now: Date): Date => new Date(now.getTime() - 3600_000);

/** R5: at most SENDS_PER_HOUR sends in the last hour, and SECONDS_BETWEEN_SENDS between two. */
export function isThrottled(sends: { count: number; latest: Date | null }, now: Date): boolean {
  return sends.count >= SENDS_PER_HOUR || (sends.latest !== null && now.getTime() - sends.latest.getTime() < SECONDS_BETWEEN_SENDS * 1000);
}

/** What a send does: counted (throttle, R7's voiding, the mail) unless throttled; a code unless one stays. */
export function planSend(input: { throttled: boolean; recipient: string | undefined; flowHasCode: boolean; resetAllowed: boolean }): { outcome: SendOutcome; counted: boolean; issue: boolean } {
  const outcome: SendOutcome = input.throttled ? 'throttled' : !input.recipient ? 'no_recipient' : input.resetAllowed ? 'sent' : 'not_enabled';
  // A new flow refused by the throttle still gets a code, one nobody is sent: it behaves exactly like a
  // flow whose mail is on its way, and an earlier code in another flow keeps working.
  return { outcome, counted: !input.throttled, issue: !input.throttled || !input.flowHasCode };
}

export async function sendResetCode(ctx: SendContext): Promise<SendOutcome> {
  const now = new Date();
  const code = generateCode();
  const codeHmac = codeHmacOf(ctx.key, ctx.flow.id, code);
  const sends = await ctx.store.sendsSince(ctx.directory.id, ctx.identifierKey, throttleWindowStart(now));
  const recipient = recipientOf(ctx.account);
  const plan = planSend({ throttled: isThrottled(sends, now), recipient, flowHasCode: ctx.flow.code_hmac !== null, resetAllowed: ctx.resetAllowed });

  if (plan.counted) {
    // Unknown identifiers are counted too: the throttle must not behave differently for them (R5, R12).
    await ctx.store.recordSend(ctx.directory.id, ctx.identifierKey);
    await ctx.store.voidOutstandingCodes({
      directoryId: ctx.directory.id,
      identifierCanonical: ctx.flow.identifier_canonical ?? '',
      accountId: ctx.account?.id ?? null,
      exceptFlowId: ctx.flow.id,
    });
    await ctx.store.issueCode(ctx.flow.id, {
      codeHmac,
      codeExpiresAt: new Date(now.getTime() + ctx.codeTtlSeconds * 1000),
      flowExpiresAt: new Date(now.getTime() + ctx.flowTtlSeconds * 1000),
    });
    if (recipient && ctx.account && !ctx.resetAllowed) {
      // Outside the groups allowed to reset: told so, and where to get help, instead of a code. The page
      // the visitor sees is the same as for everyone (R12); only the mail says it.
      await enqueueEmail(ctx.trx, {
        directoryId: ctx.directory.id,
        template: 'reset_not_enabled',
        locale: offeredLocale(languagePolicy(ctx.directory), ctx.account.locale, ctx.locale),
        to: recipient,
        payload: { displayName: ctx.account.display_name, supportContact: ctx.directory.support_contact ?? '' },
        runId: ctx.flow.run_id,
      });
    } else if (recipient && ctx.account) {
      await enqueueEmail(ctx.trx, {
        directoryId: ctx.directory.id,
        template: 'reset_code',
        locale: offeredLocale(languagePolicy(ctx.directory), ctx.account.locale, ctx.locale),
        to: recipient,
        payload: { sealedCode: sealCode(ctx.key, code), minutes: Math.round(ctx.codeTtlSeconds / 60), displayName: ctx.account.display_name },
        runId: ctx.flow.run_id,
      });
    }
  } else if (plan.issue) {
    await ctx.store.issueCode(ctx.flow.id, {
      codeHmac,
      codeExpiresAt: new Date(now.getTime() + ctx.codeTtlSeconds * 1000),
      flowExpiresAt: new Date(now.getTime() + ctx.flowTtlSeconds * 1000),
    });
  }
  await recordAudit(ctx.trx, {
    type: 'reset_code_sent',
    outcome: plan.outcome,
    directoryId: ctx.directory.id,
    accountId: ctx.account?.id ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    detail: { flowId: ctx.flow.id },
  });
  return plan.outcome;
}
