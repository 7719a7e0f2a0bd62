import type { EmailTemplate } from '../outbox.ts';

// The {{variables}} an administrator's email template may use, per kind of message. A template naming
// any other is refused when saved, so a typo shows up in the portal rather than in a customer's inbox.

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = ['reset_code', 'sign_up_code', 'password_changed', 'reset_invitation', 'reset_not_enabled'];

export type TemplateVariable = 'code' | 'expiresInMinutes' | 'displayName' | 'signInUrl' | 'directoryName' | 'supportContact' | 'changedAt' | 'howChanged' | 'resetUrl';

export const variableDescriptions: Readonly<Record<TemplateVariable, string>> = {
  code: 'The six-digit code the customer types. Filled in only when the message is sent; never stored in clear.',
  expiresInMinutes: 'How many minutes the code stays valid.',
  displayName: 'The customer’s display name.',
  signInUrl: 'The directory’s customer sign-in page (absolute URL).',
  directoryName: 'The directory’s display name.',
  supportContact: 'The directory’s support contact, empty when none is set.',
  changedAt: 'When the password was changed (date and time, UTC), in the message’s language.',
  howChanged: 'One sentence saying whether the password was reset with a code or changed while signed in.',
  resetUrl: 'The directory’s password reset page (absolute URL), where the customer asks for a code.',
};

const common: readonly TemplateVariable[] = ['directoryName', 'supportContact', 'signInUrl'];

export const templateVariables: Readonly<Record<EmailTemplate, readonly TemplateVariable[]>> = {
  reset_code: ['code', 'expiresInMinutes', 'displayName', ...common],
  sign_up_code: ['code', 'expiresInMinutes', ...common],
  password_changed: ['displayName', 'changedAt', 'howChanged', ...common],
  reset_invitation: ['displayName', 'resetUrl', ...common],
  reset_not_enabled: ['displayName', ...common],
};

export const templateLabels: Readonly<Record<EmailTemplate, string>> = {
  reset_code: 'Password reset code',
  sign_up_code: 'Sign-up verification code',
  password_changed: 'Password changed',
  reset_invitation: 'Password reset requested by an administrator',
  reset_not_enabled: 'Password reset not enabled for the account',
};

export function isEmailTemplate(value: unknown): value is EmailTemplate {
  return typeof value === 'string' && (EMAIL_TEMPLATES as readonly string[]).includes(value);
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Fills every {{variable}}; `escape` is applied to each value (HTML), never to the template around it. */
export function fillVariables(template: string, values: Readonly<Partial<Record<TemplateVariable, string>>>, escape: (value: string) => string = (v) => v): string {
  return template.replace(VARIABLE, (whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    return value === undefined ? whole : escape(value);
  });
}

/** The {{names}} in a template that this kind of message does not offer, in order of appearance. */
export function unknownVariables(template: EmailTemplate, ...texts: readonly string[]): string[] {
  const allowed = templateVariables[template] as readonly string[];
  const names = texts.flatMap((text) => [...text.matchAll(VARIABLE)].map((m) => m[1] ?? ''));
  return [...new Set(names.filter((name) => !allowed.includes(name)))];
}
