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

export type SendOutcome = 'sent' | 'throttled' | 'no_recipient';

export interface SendContext {
  readonly store: PasswordResetStore;
  readonly trx: Kysely<Database>;
  readonly key: Buffer;
  readonly directory: Directory;
  readonly flow: Flow;
  readonly account: Account | undefined;
  readonly identifierKey: string;
  readonly codeTtlSeconds: number;
  readonly flowTtlSeconds: number;
  readonly locale: Locale;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** The only address a code may go to: the stored one, verified, of an enabled account (R10, R11, R22). */
export function recipientOf(account: Account | undefined): string | undefined {
  return account && account.email_verified && !account.disabled ? account.email : undefined;
}

export function identifierKeyOf(key: Buffer, canonical: string): string {
  return keyedHash(key, 'identifier', canonical);
}

export function codeHmacOf(key: Buffer, flowId: string, code: string): string {
  // The flow id is part of the hashed value: a code is worth nothing in any other flow (R8).
  return keyedHash(key, 'reset-code', `${flowId}:${code}`);
}

async function isThrottled(ctx: SendContext, now: Date): Promise<boolean> {
  const { count, latest } = await ctx.store.sendsSince(ctx.directory.id, ctx.identifierKey, new Date(now.getTime() - 3600_000));
  return count >= SENDS_PER_HOUR || (latest !== null && now.getTime() - latest.getTime() < SECONDS_BETWEEN_SENDS * 1000);
}

export async function sendResetCode(ctx: SendContext): Promise<SendOutcome> {
  const now = new Date();
  const code = generateCode();
  const codeHmac = codeHmacOf(ctx.key, ctx.flow.id, code);
  const throttled = await isThrottled(ctx, now);
  const recipient = recipientOf(ctx.account);
  const outcome: SendOutcome = throttled ? 'throttled' : recipient ? 'sent' : 'no_recipient';

  if (!throttled) {
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
    if (recipient && ctx.account) {
      await enqueueEmail(ctx.trx, {
        directoryId: ctx.directory.id,
        template: 'reset_code',
        locale: offeredLocale(languagePolicy(ctx.directory), ctx.account.locale, ctx.locale),
        to: recipient,
        payload: { sealedCode: sealCode(ctx.key, code), minutes: Math.round(ctx.codeTtlSeconds / 60), displayName: ctx.account.display_name },
      });
    }
  } else if (ctx.flow.code_hmac === null) {
    // A new flow refused by the throttle still gets a code, one nobody is sent: it behaves exactly like a
    // flow whose mail is on its way, and an earlier code in another flow keeps working.
    await ctx.store.issueCode(ctx.flow.id, {
      codeHmac,
      codeExpiresAt: new Date(now.getTime() + ctx.codeTtlSeconds * 1000),
      flowExpiresAt: new Date(now.getTime() + ctx.flowTtlSeconds * 1000),
    });
  }
  await recordAudit(ctx.trx, {
    type: 'reset_code_sent',
    outcome,
    directoryId: ctx.directory.id,
    accountId: ctx.account?.id ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    detail: { flowId: ctx.flow.id },
  });
  return outcome;
}
