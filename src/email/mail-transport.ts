import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface RenderedEmail {
  /** An object keeps a directory's name from being parsed as part of an address. */
  readonly from: string | { readonly name: string; readonly address: string };
  readonly replyTo?: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable per outbox row, so a message delivered twice after a crash is recognisably one message. */
  readonly messageId: string;
  /** The directory the mail belongs to: which administrators may read it in the trial mailbox. */
  readonly directoryId?: string;
}

/** Where rendered mail goes: SMTP, or the log when no SMTP server is configured. */
export interface MailTransport {
  readonly kind: 'smtp' | 'log';
  send(email: RenderedEmail): Promise<void>;
  close(): Promise<void>;
}

export function createMailTransport(options: { smtpUrl: string | undefined; logger: Logger }): MailTransport {
  if (!options.smtpUrl) {
    return {
      kind: 'log',
      async send(email) {
        // Development only (the start-up warning says so): the whole text, code included, so a trial
        // install is usable without a mail server.
        options.logger.info({ mail: { to: email.to, subject: email.subject } }, `mail (not sent; SMTP_URL is not set)\n${email.text}`);
      },
      close: async () => undefined,
    };
  }
  // Pooled: connections are reused across messages instead of a TCP and SMTP handshake for each one.
  const transporter = nodemailer.createTransport({ url: options.smtpUrl, pool: true, maxConnections: 4, maxMessages: 500 });
  return {
    kind: 'smtp',
    async send(email) {
      // One recipient, always the stored address (R10): `to` is a single string, never a list.
      await transporter.sendMail({
        from: typeof email.from === 'string' ? email.from : { ...email.from },
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
      });
    },
    close: async () => transporter.close(),
  };
}
