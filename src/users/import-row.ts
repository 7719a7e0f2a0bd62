import { canonicalize, isValidEmail, isValidUsername, tidyEmail } from '../domain/identifier.ts';
import type { Locale, SignInIdentifier } from '../storage/schema.ts';
import { storedHashFromRecord, type HashImportOptions } from './stored-hash-from-record.ts';

// One imported record, checked as sign-up would check it, into the account row it becomes. Field names
// follow Latchkey's export (snake_case); the camelCase names of Keycloak, Auth0 and Firebase exports
// are read too, so their files need no renaming.

export interface ImportRow {
  readonly email: string;
  readonly emailCanonical: string;
  readonly emailVerified: boolean;
  readonly username: string | null;
  readonly usernameCanonical: string | null;
  readonly displayName: string;
  readonly locale: Locale | null;
  readonly passwordHash: string;
}

export type RowResult = { readonly ok: true; readonly row: ImportRow } | { readonly ok: false; readonly reason: string };

export interface RowContext extends HashImportOptions {
  readonly signInIdentifier: SignInIdentifier;
}

type Fields = Readonly<Record<string, unknown>>;

const LOCALES: readonly Locale[] = ['en', 'fr', 'nl'];
// As at sign-up.
const MAX_DISPLAY_NAME = 100;

function pick(fields: Fields, ...names: string[]): unknown {
  for (const name of names) if (fields[name] !== undefined && fields[name] !== null && fields[name] !== '') return fields[name];
  return undefined;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function flag(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  const lowered = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (lowered === 'true' || lowered === '1' || lowered === 'yes') return true;
  if (lowered === 'false' || lowered === '0' || lowered === 'no' || lowered === '') return false;
  return undefined;
}

/** A language Latchkey has no pages for is dropped (the directory's default applies), never a reason to refuse the customer. */
function locale(fields: Fields): Locale | null {
  const attributes = fields.attributes as { locale?: unknown } | undefined;
  const raw = optionalText(pick(fields, 'locale')) ?? optionalText(Array.isArray(attributes?.locale) ? attributes.locale[0] : undefined);
  const primary = raw?.toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === primary) ?? null;
}

function displayName(fields: Fields, email: string, username: string | null): string {
  const given = [optionalText(fields.firstName), optionalText(fields.lastName)].filter(Boolean).join(' ');
  const name = optionalText(pick(fields, 'display_name', 'displayName', 'name')) ?? (given || undefined);
  return name ?? username ?? email.split('@')[0] ?? email;
}

export function parseImportRow(fields: Fields, context: RowContext): RowResult {
  const emailInput = pick(fields, 'email');
  if (typeof emailInput !== 'string' || !isValidEmail(emailInput)) {
    return { ok: false, reason: emailInput === undefined ? 'email is missing: every account needs an address for password reset' : 'email is not a valid address' };
  }
  const usernameInput = pick(fields, 'username');
  if (usernameInput !== undefined && (typeof usernameInput !== 'string' || !isValidUsername(usernameInput))) {
    return { ok: false, reason: 'username must be 3 to 64 letters, digits, dots, dashes or underscores' };
  }
  if (usernameInput === undefined && context.signInIdentifier === 'username') return { ok: false, reason: 'username is missing: this directory signs in by username' };
  const emailVerified = flag(pick(fields, 'email_verified', 'emailVerified'));
  if (emailVerified === undefined) return { ok: false, reason: 'email_verified must be true or false' };
  const hash = storedHashFromRecord(fields, context);
  if (!hash.ok) return hash;

  const email = tidyEmail(emailInput);
  const username = typeof usernameInput === 'string' ? usernameInput.normalize('NFKC').trim() : null;
  const name = displayName(fields, email, username);
  if ([...name].length > MAX_DISPLAY_NAME || /\p{Cc}/u.test(name)) return { ok: false, reason: `display_name must be at most ${MAX_DISPLAY_NAME} characters, without control characters` };
  return {
    ok: true,
    row: {
      email,
      emailCanonical: canonicalize(email),
      emailVerified,
      username,
      usernameCanonical: username === null ? null : canonicalize(username),
      displayName: name,
      locale: locale(fields),
      passwordHash: hash.hash,
    },
  };
}
