// Redirect URIs are compared as exact strings by the provider (O1), so what is stored must already be
// the one true form: absolute, no fragment, https — or http only for a developer's own machine.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
export const MAX_REDIRECT_URIS = 10;
const MAX_LENGTH = 2000;

export type RedirectUriProblem = 'not_absolute' | 'fragment' | 'insecure' | 'too_long' | 'credentials';

export function redirectUriProblem(value: string): RedirectUriProblem | undefined {
  if (value.length > MAX_LENGTH) return 'too_long';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not_absolute';
  }
  if (url.hash || value.includes('#')) return 'fragment';
  if (url.username || url.password) return 'credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  // Custom schemes (com.example.app:/callback) are how native apps receive the code.
  if (!['http:', 'https:', 'javascript:', 'data:', 'file:', 'vbscript:'].includes(url.protocol) && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return 'insecure';
}

/** One URI per line, blank lines ignored, duplicates dropped, order kept. */
export function parseRedirectUris(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}
