import { badRequest } from './latchkey-error.ts';

// The form parser: like the usual one, but a body that is not UTF-8 is refused rather than guessed at.
// A browser percent-encodes every field of a UTF-8 page, so a raw byte that decodes to U+FFFD, a broken
// %-escape or an escape of invalid UTF-8 (a lone surrogate included) can only come from a tool; left in,
// such a field would be stored or compared as some string nobody typed.

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw badRequest();
  }
}

/** Repeated fields become arrays, which every route's schema refuses (R10). */
export function parseFormBody(text: string): Record<string, string | string[]> {
  if (text.includes('\uFFFD')) throw badRequest();
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  }
  return fields;
}
