import { isLocale, translator, type MessageKey, type Translate } from '../../i18n/i18n.ts';
import { html, type Html } from '../../http/html.ts';
import type { Directory, OutboxMessage } from '../../storage/schema.ts';
import type { EmailTemplate } from '../outbox.ts';

// Every message as HTML and plain text, in the customer's language, under the directory's name. All
// words come from the catalogs; this file only arranges them. HTML mail loads nothing from anywhere.

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One block of a message: a paragraph, the code, or a link. Rendered to both text and HTML. */
type Block = { kind: 'p'; text: string } | { kind: 'code'; label: string; code: string } | { kind: 'link'; label: string; url: string };

interface Message {
  readonly subject: string;
  readonly greeting: string;
  readonly blocks: readonly Block[];
}

const str = (payload: Record<string, unknown>, key: string): string => {
  const value = payload[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
};

function codeMessage(t: Translate, payload: Record<string, unknown>, directory: string, keys: { subject: MessageKey; intro: MessageKey; ignore: MessageKey }): Message {
  return {
    subject: t(keys.subject, { directory }),
    greeting: t('email_greeting'),
    blocks: [
      { kind: 'p', text: t(keys.intro, { directory }) },
      { kind: 'code', label: t('email_code_label'), code: str(payload, 'code') },
      { kind: 'p', text: t('email_code_expires', { minutes: str(payload, 'minutes'), directory }) },
      { kind: 'p', text: t(keys.ignore) },
    ],
  };
}

function compose(template: EmailTemplate, t: Translate, message: OutboxMessage, directory: string, locale: string): Message {
  const payload = message.payload;
  switch (template) {
    case 'reset_code':
      return codeMessage(t, payload, directory, { subject: 'email_reset_code_subject', intro: 'email_reset_code_intro', ignore: 'email_reset_code_ignore' });
    case 'sign_up_code':
      return codeMessage(t, payload, directory, { subject: 'email_sign_up_code_subject', intro: 'email_sign_up_code_intro', ignore: 'email_sign_up_code_ignore' });
    case 'password_changed': {
      const when = `${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(message.created_at)} UTC`;
      const name = str(payload, 'displayName');
      return {
        subject: t('email_password_changed_subject', { directory }),
        greeting: name ? t('email_greeting_named', { name }) : t('email_greeting'),
        blocks: [
          { kind: 'p', text: t('email_password_changed_intro', { directory, when }) },
          { kind: 'p', text: t(payload.reason === 'change' ? 'email_password_changed_change' : 'email_password_changed_reset') },
          { kind: 'p', text: t('email_password_changed_not_you') },
          { kind: 'link', label: t('email_sign_in_link'), url: str(payload, 'signInUrl') },
        ],
      };
    }
    default: {
      const unknown: never = template;
      throw new Error(`unknown email template ${String(unknown)}`);
    }
  }
}

function asText(m: Message, footer: string, directory: string): string {
  const blocks = m.blocks.map((b) => (b.kind === 'p' ? b.text : b.kind === 'code' ? `${b.label}: ${b.code}` : `${b.label}: ${b.url}`));
  return [directory, '', m.greeting, '', ...blocks.flatMap((b) => [b, '']), '--', footer, ''].join('\n');
}

function blockHtml(b: Block): Html {
  switch (b.kind) {
    case 'p':
      return html`<p style="margin:0 0 16px">${b.text}</p>`;
    case 'code':
      return html`<p style="margin:0 0 6px;color:#5b6570">${b.label}</p><p style="margin:0 0 20px;font:700 28px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:6px">${b.code}</p>`;
    case 'link':
      return html`<p style="margin:0 0 16px"><a href="${b.url}" style="color:#0b5cad">${b.label}</a></p>`;
  }
}

function asHtml(m: Message, footer: string, directory: string, lang: string): string {
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${m.subject}</title></head>
<body style="margin:0;padding:24px;background:#f3f5f8;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:28px">
<p style="margin:0 0 20px;font-weight:700;font-size:20px;color:#0b5cad">${directory}</p>
<p style="margin:0 0 16px">${m.greeting}</p>
${m.blocks.map(blockHtml)}
<p style="margin:24px 0 0;color:#5b6570;font-size:13px">${footer}</p>
</div></body></html>`.toString();
}

/** What a message needs of its directory: its name, and its language when the message names none. */
export type MailDirectory = Pick<Directory, 'display_name' | 'default_locale'>;

/** Turns an outbox row into the message its customer reads, in their language and the directory's name. */
export function renderEmail(message: OutboxMessage, directory: MailDirectory): EmailContent {
  const locale = isLocale(message.locale) ? message.locale : directory.default_locale;
  const t = translator(locale);
  const name = directory.display_name;
  const composed = compose(message.template as EmailTemplate, t, message, name, locale);
  const footer = t('email_footer', { directory: name });
  return { subject: composed.subject, text: asText(composed, footer, name), html: asHtml(composed, footer, name, locale) };
}
