import type { Directory } from '../storage/schema.ts';

// The From and Reply-To of a directory's mail. The address stays MAIL_FROM's (the one the SMTP server and
// the domain's SPF/DKIM vouch for); a directory only chooses the name shown and where replies go.

export interface MailSender {
  readonly from: { readonly name: string; readonly address: string };
  readonly replyTo?: string;
}

const NAMED = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/;

/** `Name <address>` or a bare address, as MAIL_FROM allows. */
export function parseMailFrom(mailFrom: string): { name: string; address: string } {
  const named = NAMED.exec(mailFrom);
  return named ? { name: named[1] ?? '', address: named[2] ?? '' } : { name: '', address: mailFrom.trim() };
}

export function mailSender(directory: Directory, mailFrom: string): MailSender {
  const configured = parseMailFrom(mailFrom);
  return {
    from: { name: directory.mail_from_name ?? configured.name, address: configured.address },
    ...(directory.mail_reply_to ? { replyTo: directory.mail_reply_to } : {}),
  };
}

export const MAX_FROM_NAME_LENGTH = 100;

/** A name safe in a header: no control characters (no header injection), no angle brackets or quotes. */
export function isValidFromName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_FROM_NAME_LENGTH && !/[\p{Cc}\p{Cf}<>"\\]/u.test(name) && name.trim() === name;
}
