import type { Logger } from 'pino';
import { composeMime, type MimeInput } from './mime-message.ts';
import { createSmtpPool } from './smtp-pool.ts';

export interface RenderedEmail extends MimeInput {
  /** The directory the mail belongs to: which administrators may read it in the trial mailbox. */
  readonly directoryId?: string;
}

/** Where rendered mail goes: SMTP, or the log when no SMTP server is configured. */
export interface MailTransport {
  readonly kind: 'smtp' | 'log';
  /** How many sends may be in flight at once: one for each pooled SMTP connection. */
  readonly concurrency: number;
  send(email: RenderedEmail): Promise<void>;
  close(): Promise<void>;
}

/** SMTP connections kept open per instance, and so the messages an instance delivers at once. */
export const SMTP_CONNECTIONS = 4;

export function createMailTransport(options: { smtpUrl: string | undefined; logger: Logger }): MailTransport {
  if (!options.smtpUrl) {
    return {
      kind: 'log',
      concurrency: 1,
      async send(email) {
        // Development only (the start-up warning says so): the whole text, code included, so a trial
        // install is usable without a mail server.
        options.logger.info({ mail: { to: email.to, subject: email.subject } }, `mail (not sent; SMTP_URL is not set)\n${email.text}`);
      },
      close: async () => undefined,
    };
  }
  // Pooled: connections are reused across messages instead of a TCP and SMTP handshake for each one.
  const pool = createSmtpPool(options.smtpUrl, { maxConnections: SMTP_CONNECTIONS, maxMessages: 500 });
  return {
    kind: 'smtp',
    concurrency: SMTP_CONNECTIONS,
    async send(email) {
      // One recipient, always the stored address (R10): the envelope names only `to`.
      const { envelope, raw } = composeMime(email);
      await pool.send(envelope, raw);
    },
    close: async () => pool.close(),
  };
}
