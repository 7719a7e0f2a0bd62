import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { foldLines } from 'nodemailer/lib/mime-funcs/index.js';

// Every mail Latchkey sends has one shape: a few headers and a text and an HTML alternative. Composing
// that through nodemailer's MailComposer costs about 0.5 ms of CPU per message (a tree of stream
// transforms); written here as one string it costs about a tenth of that. What is easy to get wrong is
// left to nodemailer: each header value goes through its header encoder (RFC 2047 words, punycoded
// domains, line breaks removed from values, quoted names) and is folded by its folder, exactly as
// MailComposer would have written it.

export interface MimeInput {
  /** An object keeps a directory's name from being parsed as part of an address. */
  readonly from: string | { readonly name: string; readonly address: string };
  readonly replyTo?: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable per outbox row, so a message delivered twice after a crash is recognisably one message. */
  readonly messageId: string;
  readonly date?: Date;
}

export interface MimeMessage {
  /** The SMTP envelope: MAIL FROM and the single RCPT TO. */
  readonly envelope: { readonly from: string; readonly to: readonly [string] };
  /** The whole message, 7-bit ASCII with CRLF line ends, ready for DATA. */
  readonly raw: string;
}

/** nodemailer's own header encoder, public on MimeNode (and used the same way by MailComposer). */
const headerEncoder = new MimeNode(undefined, {}) as unknown as { encodeHeaderValue(key: string, value: unknown): string };

function header(key: string, value: unknown): string {
  return foldLines(`${key}: ${headerEncoder.encodeHeaderValue(key, value)}`, 76);
}

/** UTF-8 body as base64 in lines of 76, the form every mail client reads and no relay rewraps. */
function base64Body(content: string): string {
  const encoded = Buffer.from(content.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

function addressOf(encodedHeader: string): string {
  const [first] = addressparser(encodedHeader, { flatten: true });
  return first?.address ?? '';
}

export function composeMime(input: MimeInput): MimeMessage {
  const from = headerEncoder.encodeHeaderValue('From', input.from);
  const to = headerEncoder.encodeHeaderValue('To', input.to);
  const boundary = `--_LK_${randomBytes(12).toString('hex')}`;
  const part = (type: string, content: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Body(content)}\r\n`;
  const headers = [
    foldLines(`From: ${from}`, 76),
    ...(input.replyTo ? [header('Reply-To', input.replyTo)] : []),
    foldLines(`To: ${to}`, 76),
    header('Subject', input.subject),
    header('Message-ID', input.messageId),
    header('Date', input.date ?? new Date()),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const raw = `${headers.join('\r\n')}\r\n\r\n${part('text/plain', input.text)}${part('text/html', input.html)}--${boundary}--\r\n`;
  return { envelope: { from: addressOf(from), to: [addressOf(to)] }, raw };
}
