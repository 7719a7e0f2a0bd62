import { canonicalize } from './identifier.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

// One policy for sign-up, reset and change (R21). NIST 800-63B: length and a blocklist, no composition
// rules, no expiry, any Unicode (P1–P5).

export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem =
  | 'password_too_short'
  | 'password_too_long'
  | 'password_common'
  | 'password_contains_identifier'
  | 'password_contains_directory'
  | 'password_mismatch';

export interface PasswordContext {
  readonly minLength: number;
  /** Email, username, display name: a password built from them is the first thing an attacker tries. */
  readonly identifiers: readonly string[];
  readonly directoryName: string;
}

/** NFKC before hashing and checking, so composed and decomposed forms are one password (P3). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Counted in code points, as a person counts characters, not UTF-16 units. */
function length(value: string): number {
  return [...value].length;
}

function fragments(identifier: string): string[] {
  const canonical = canonicalize(identifier);
  const local = canonical.split('@')[0] ?? canonical;
  return [canonical, local].filter((part) => length(part) >= 4);
}

export function checkPassword(password: string, confirmation: string | undefined, context: PasswordContext): PasswordProblem | undefined {
  const normalized = normalizePassword(password);
  if (length(normalized) < context.minLength) return 'password_too_short';
  if (length(normalized) > MAX_PASSWORD_LENGTH) return 'password_too_long';
  if (confirmation !== undefined && normalizePassword(confirmation) !== normalized) return 'password_mismatch';
  const folded = canonicalize(normalized);
  if (COMMON_PASSWORDS.has(folded)) return 'password_common';
  if (context.identifiers.some((identifier) => fragments(identifier).some((part) => folded.includes(part)))) {
    return 'password_contains_identifier';
  }
  const directory = canonicalize(context.directoryName).replace(/\s+/g, '');
  if (length(directory) >= 4 && folded.replace(/\s+/g, '').includes(directory)) return 'password_contains_directory';
  return undefined;
}
