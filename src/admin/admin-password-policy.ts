import { checkPassword, MAX_PASSWORD_LENGTH, type PasswordProblem } from '../domain/password-policy.ts';

// Administrators get the customer policy (NFKC, blocklist, no composition rules) with a higher floor:
// one administrator account controls every directory's settings, so its password guards every
// customer at once, and until the portal has a second factor the password is the only one. NIST
// 800-63B lets a verifier require more than 8 characters; 12 is OWASP's floor for such accounts.

export const ADMIN_PASSWORD_MIN_LENGTH = 12;

/** The name an administrator's password must not contain, as a directory's name is for customers. */
const PRODUCT_NAME = 'Latchkey';

export function checkAdminPassword(email: string, password: string, confirmation?: string): PasswordProblem | undefined {
  return checkPassword(password, confirmation, {
    minLength: ADMIN_PASSWORD_MIN_LENGTH,
    identifiers: [email],
    directoryName: PRODUCT_NAME,
  });
}

export const ADMIN_PASSWORD_LIMITS = { min: ADMIN_PASSWORD_MIN_LENGTH, max: MAX_PASSWORD_LENGTH } as const;
