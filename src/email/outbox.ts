import type { Kysely } from 'kysely';
import type { Database, Locale } from '../storage/schema.ts';

// Mail is never sent inline: the change and its message are written in one transaction, and the
// dispatcher delivers later (R13: no timing difference from SMTP; F1: nothing lost while SMTP is down).

export type EmailTemplate = 'sign_up_code' | 'reset_code' | 'password_changed';

export interface EmailToSend {
  readonly directoryId: string;
  readonly template: EmailTemplate;
  readonly locale: Locale;
  /** Always an address read from the database, never one a visitor typed (R10, R11). */
  readonly to: string;
  /**
   * Template variables. A code travels only as `sealedCode` (see sealed-code.ts), which the row loses
   * once the message is delivered; a plain `code` is refused so no flow can store one by mistake (R9).
   */
  readonly payload: Readonly<Record<string, string | number>>;
  /** The "Run now" run that caused it: the message is also copied into that run's test inbox. */
  readonly runId?: string | null;
}

export async function enqueueEmail(executor: Kysely<Database>, email: EmailToSend): Promise<void> {
  if ('code' in email.payload) throw new Error('a code must be sealed (sealCode) before it is queued');
  await executor
    .insertInto('outbox')
    .values({
      directory_id: email.directoryId,
      template: email.template,
      locale: email.locale,
      to_address: email.to,
      payload: { ...email.payload },
      run_id: email.runId ?? null,
    })
    .execute();
}
