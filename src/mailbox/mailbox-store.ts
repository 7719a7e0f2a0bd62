import type { Kysely } from 'kysely';
import type { AuditScope } from '../audit/audit-query.ts';
import type { Database } from '../storage/schema.ts';

// The trial mailbox: mail Latchkey would have sent, kept only while no SMTP server is configured. It
// holds codes by nature, so it is bounded: only the newest MAILBOX_CAP messages are kept.

export const MAILBOX_CAP = 500;
const NOTHING = '00000000-0000-0000-0000-000000000000';

export interface MailboxMessage {
  readonly id: string;
  readonly directoryId: string | null;
  readonly directorySlug: string | null;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly createdAt: Date;
}

export interface NewMailboxMessage {
  readonly directoryId: string | null;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export async function keepInMailbox(db: Kysely<Database>, message: NewMailboxMessage, cap = MAILBOX_CAP): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('mailbox')
      .values({ directory_id: message.directoryId, to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('mailbox').where('id', '<=', (eb) => eb.selectFrom('mailbox').select('id').where('id', '<=', row.id).orderBy('id', 'desc').offset(cap).limit(1)).execute();
  });
}

function query(db: Kysely<Database>, scope: AuditScope) {
  let q = db
    .selectFrom('mailbox')
    .leftJoin('directories', 'directories.id', 'mailbox.directory_id')
    .select([
      'mailbox.id as id',
      'mailbox.directory_id as directoryId',
      'directories.slug as directorySlug',
      'mailbox.to_address as to',
      'mailbox.subject as subject',
      'mailbox.text_body as text',
      'mailbox.html_body as html',
      'mailbox.created_at as createdAt',
    ]);
  if (scope !== 'all') q = q.where('mailbox.directory_id', 'in', scope.length ? [...scope] : [NOTHING]);
  return q;
}

/** Newest first; `before` is the id of the last message of the previous page. */
export async function listMailbox(db: Kysely<Database>, scope: AuditScope, options: { before?: string; limit: number }): Promise<MailboxMessage[]> {
  let q = query(db, scope);
  if (options.before) q = q.where('mailbox.id', '<', options.before);
  return await q.orderBy('mailbox.id', 'desc').limit(options.limit).execute();
}

export async function findMailboxMessage(db: Kysely<Database>, scope: AuditScope, id: string): Promise<MailboxMessage | undefined> {
  return await query(db, scope).where('mailbox.id', '=', id).executeTakeFirst();
}
