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
  /** Template variables. A `code` here is removed from the row once the message is delivered. */
  readonly payload: Readonly<Record<string, string | number>>;
}

export async function enqueueEmail(executor: Kysely<Database>, email: EmailToSend): Promise<void> {
  await executor
    .insertInto('outbox')
    .values({
      directory_id: email.directoryId,
      template: email.template,
      locale: email.locale,
      to_address: email.to,
      payload: { ...email.payload },
    })
    .execute();
}
