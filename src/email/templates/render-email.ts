import { languagePolicy, type DirectoryTexts } from '../../directories/directory-texts.ts';
import { isLocale, offeredLocale, translator, type MessageKey, type Translate } from '../../i18n/i18n.ts';
import { html, type Html } from '../../http/html.ts';
import type { Directory, Locale, OutboxMessage } from '../../storage/schema.ts';
import type { EmailTemplate } from '../outbox.ts';
import type { BrandingForEmail } from './email-branding.ts';
import { fillTemplate } from './fill-template.ts';
import type { TemplateVariable } from './template-variables.ts';

// Every message as HTML and plain text, in the customer's language, under the directory's name. All
// words come from the catalogs; this file only arranges them. HTML mail loads nothing but the
// directory's logo, from PUBLIC_URL.

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

/** A message's variables, as strings; the same names an administrator's template uses. */
export type EmailValues = Readonly<Record<TemplateVariable, string>>;

function codeMessage(t: Translate, v: EmailValues, keys: { subject: MessageKey; intro: MessageKey; ignore: MessageKey }): Message {
  const directory = v.directoryName;
  return {
    subject: t(keys.subject, { directory }),
    greeting: t('email_greeting'),
    blocks: [
      { kind: 'p', text: t(keys.intro, { directory }) },
      { kind: 'code', label: t('email_code_label'), code: v.code },
      { kind: 'p', text: t('email_code_expires', { minutes: v.expiresInMinutes, directory }) },
      { kind: 'p', text: t(keys.ignore) },
    ],
  };
}

function greeting(t: Translate, v: EmailValues): string {
  return v.displayName ? t('email_greeting_named', { name: v.displayName }) : t('email_greeting');
}

/** `payload` carries what only one kind of message has (the reset page link of an administrator's invitation). */
function compose(template: EmailTemplate, t: Translate, v: EmailValues, payload: Readonly<Record<string, unknown>> = {}): Message {
  const directory = v.directoryName;
  switch (template) {
    case 'reset_code':
      return codeMessage(t, v, { subject: 'email_reset_code_subject', intro: 'email_reset_code_intro', ignore: 'email_reset_code_ignore' });
    case 'sign_up_code':
      return codeMessage(t, v, { subject: 'email_sign_up_code_subject', intro: 'email_sign_up_code_intro', ignore: 'email_sign_up_code_ignore' });
    case 'password_changed': {
      return {
        subject: t('email_password_changed_subject', { directory }),
        greeting: greeting(t, v),
        blocks: [
          { kind: 'p', text: t('email_password_changed_intro', { directory, when: v.changedAt }) },
          { kind: 'p', text: v.howChanged },
          { kind: 'p', text: t('email_password_changed_not_you') },
          { kind: 'link', label: t('email_sign_in_link'), url: v.signInUrl },
        ],
      };
    }
    case 'reset_invitation':
      return {
        subject: t('email_reset_invitation_subject', { directory }),
        greeting: greeting(t, v),
        blocks: [
          { kind: 'p', text: t('email_reset_invitation_intro', { directory }) },
          { kind: 'link', label: t('email_reset_invitation_link'), url: v.resetUrl },
        ],
      };
    case 'reset_not_enabled': {
      const contact = v.supportContact || str(payload, 'supportContact');
      return {
        subject: t('email_reset_not_enabled_subject', { directory }),
        greeting: greeting(t, v),
        blocks: [
          { kind: 'p', text: t('email_reset_not_enabled_intro', { directory }) },
          { kind: 'p', text: contact ? t('email_reset_not_enabled_contact', { contact }) : t('email_reset_not_enabled_no_contact') },
          { kind: 'p', text: t('email_reset_code_ignore') },
        ],
      };
    }
    default: {
      const unknown: never = template;
      throw new Error(`unknown email template ${String(unknown)}`);
    }
  }
}

function asText(m: Message, footer: string, directory: string, support: string | undefined): string {
  const blocks = m.blocks.map((b) => (b.kind === 'p' ? b.text : b.kind === 'code' ? `${b.label}: ${b.code}` : `${b.label}: ${b.url}`));
  return [directory, '', m.greeting, '', ...blocks.flatMap((b) => [b, '']), '--', ...(support ? [support] : []), footer, ''].join('\n');
}

const DEFAULT_COLOR = '#0b5cad';

function blockHtml(b: Block, color: string): Html {
  switch (b.kind) {
    case 'p':
      return html`<p style="margin:0 0 16px">${b.text}</p>`;
    case 'code':
      return html`<p style="margin:0 0 6px;color:#5b6570">${b.label}</p><p style="margin:0 0 20px;font:700 28px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:6px;color:${color}">${b.code}</p>`;
    case 'link':
      return html`<p style="margin:0 0 16px"><a href="${b.url}" style="color:${color}">${b.label}</a></p>`;
  }
}

function asHtml(m: Message, footer: string, directory: string, lang: string, brand: BrandingForEmail, support: string | undefined): string {
  const color = brand.primaryColor ?? DEFAULT_COLOR;
  const heading = brand.logoUrl
    ? html`<p style="margin:0 0 20px"><img src="${brand.logoUrl}" alt="${directory}" style="display:block;max-width:240px;max-height:64px;height:auto;border:0"></p>`
    : html`<p style="margin:0 0 20px;font-weight:700;font-size:20px;color:${color}">${directory}</p>`;
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${m.subject}</title></head>
<body style="margin:0;padding:24px;background:#f3f5f8;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:28px">
${heading}
<p style="margin:0 0 16px">${m.greeting}</p>
${m.blocks.map((b) => blockHtml(b, color))}
${support ? html`<p style="margin:24px 0 0;padding-top:16px;border-top:3px solid ${color}">${support}</p>` : ''}
<p style="margin:24px 0 0;color:#5b6570;font-size:13px">${footer}</p>
</div></body></html>`.toString();
}

const str = (payload: Record<string, unknown>, key: string): string => {
  const value = payload[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
};

/** Building an Intl.DateTimeFormat costs more than rendering the rest of a message; one per language is kept. */
const changedAtFormats = new Map<Locale, Intl.DateTimeFormat>();

/** When a password was changed, as the "password changed" mail writes it. */
export function changedAtText(locale: Locale, at: Date): string {
  let format = changedAtFormats.get(locale);
  if (!format) changedAtFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })));
  return `${format.format(at)} UTC`;
}

/** The variables of one outbox row, in its language. The code is in the payload only once opened. */
export function emailValues(message: OutboxMessage, directory: Directory, locale: Locale, t: Translate, signInUrl?: string): EmailValues {
  const payload = message.payload;
  return {
    code: str(payload, 'code'),
    expiresInMinutes: str(payload, 'minutes'),
    displayName: str(payload, 'displayName'),
    signInUrl: str(payload, 'signInUrl') || (signInUrl ?? ''),
    directoryName: directory.display_name,
    supportContact: directory.support_contact ?? '',
    // Formatting a date costs more than the rest of a reset mail, and only one message shows it.
    get changedAt() {
      return changedAtText(locale, message.created_at);
    },
    howChanged: t(payload.reason === 'change' ? 'email_password_changed_change' : 'email_password_changed_reset'),
    resetUrl: str(payload, 'resetUrl'),
  };
}

/** The built-in message, with the directory's overrides of the catalog words. */
export function renderDefaultEmail(template: EmailTemplate, locale: Locale, t: Translate, values: EmailValues, brand: BrandingForEmail = {}, payload: Readonly<Record<string, unknown>> = {}): EmailContent {
  const composed = compose(template, t, values, payload);
  const footer = t('email_footer', { directory: values.directoryName });
  const support = brand.supportContact ? t('email_support', { contact: brand.supportContact }) : undefined;
  return { subject: composed.subject, text: asText(composed, footer, values.directoryName, support), html: asHtml(composed, footer, values.directoryName, locale, brand, support) };
}

/**
 * Turns an outbox row into the message its customer reads: in their language if the directory offers
 * it, else the directory's default; the directory's own template for that message and language when it
 * has one, else the built-in one with its overrides.
 */
export function renderEmail(message: OutboxMessage, directory: Directory, texts?: DirectoryTexts, options: { signInUrl?: string; brand?: BrandingForEmail } = {}): EmailContent {
  const locale = offeredLocale(languagePolicy(directory), isLocale(message.locale) ? message.locale : undefined);
  const t = translator(locale, texts?.overrides[locale]);
  const template = message.template as EmailTemplate;
  const values = emailValues(message, directory, locale, t, options.signInUrl);
  const custom = texts?.templates.find((row) => row.template === template && row.locale === locale);
  return custom ? fillTemplate(custom, values) : renderDefaultEmail(template, locale, t, values, options.brand, message.payload);
}

/** The built-in message as a template: every value replaced by its {{variable}}, for the portal's editor. */
export function defaultTemplate(template: EmailTemplate, locale: Locale, t: Translate): EmailContent {
  const token = (name: TemplateVariable) => `{{${name}}}`;
  const values = Object.fromEntries(
    (['code', 'expiresInMinutes', 'displayName', 'signInUrl', 'directoryName', 'supportContact', 'changedAt', 'howChanged', 'resetUrl'] as const).map((name) => [name, token(name)]),
  ) as Record<TemplateVariable, string>;
  return renderDefaultEmail(template, locale, t, values);
}
