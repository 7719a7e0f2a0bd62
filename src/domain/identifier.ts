// Identifiers are compared in one canonical form so that case and Unicode look-alikes (full-width
// letters, ligatures, compatibility characters) can never name a second account (R11). Mail is always
// sent to the address stored at sign-up, never to the string a visitor typed (Django CVE-2019-19844).

export const MAX_EMAIL_LENGTH = 254;
export const MAX_USERNAME_LENGTH = 64;

/** NFKC, then full case folding approximated by upper-then-lower (folds ß→ss, ﬁ→fi), then NFKC again. */
export function canonicalize(input: string): string {
  return input.normalize('NFKC').trim().toUpperCase().toLowerCase().normalize('NFKC');
}

// One @, a dot in the domain, no spaces or control characters, no quoting or comments: the forms
// mailbox providers actually hand out. Stricter than RFC 5322 on purpose.
const EMAIL_SHAPE = /^[^\s@"<>()[\]\\,;:\p{Cc}]+@[^\s@"<>()[\]\\,;:\p{Cc}]+\.[^\s@"<>()[\]\\,;:\p{Cc}]+$/u;

export function isValidEmail(input: string): boolean {
  const value = input.normalize('NFKC').trim();
  return value.length > 0 && value.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(value);
}

const USERNAME_SHAPE = /^[\p{L}\p{N}._-]{3,64}$/u;

export function isValidUsername(input: string): boolean {
  return USERNAME_SHAPE.test(input.normalize('NFKC').trim());
}

/** The address as it will be stored and mailed: NFKC and trimmed, its case kept for display. */
export function tidyEmail(input: string): string {
  return input.normalize('NFKC').trim();
}
