import type { Kysely } from 'kysely';
import { keepInMailbox } from '../mailbox/mailbox-store.ts';
import type { Database } from '../storage/schema.ts';
import type { MailTransport } from './mail-transport.ts';

// Without an SMTP server, mail is also kept in the portal's mailbox, so a trial install can read its
// codes without searching the log. With SMTP configured the transport is returned unchanged and
// nothing is kept: a production install has no copy of codes in its database.

export function withMailbox(transport: MailTransport, db: Kysely<Database>): MailTransport {
  if (transport.kind !== 'log') return transport;
  return {
    kind: transport.kind,
    concurrency: transport.concurrency,
    async send(email) {
      // Kept first: if that fails the send fails and is retried, rather than being logged twice.
      await keepInMailbox(db, { directoryId: email.directoryId ?? null, to: email.to, subject: email.subject, text: email.text, html: email.html });
      await transport.send(email);
    },
    close: () => transport.close(),
  };
}
