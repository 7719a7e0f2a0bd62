import type { FastifyReply, FastifyRequest } from 'fastify';
import { languagePolicy, type TextCache } from '../directories/directory-texts.ts';
import { negotiateLocale, translator, type LanguagePolicy, type Translate } from '../i18n/i18n.ts';
import type { Directory, Locale } from '../storage/schema.ts';
import type { CookiePolicy } from './cookies.ts';

export interface PageContext {
  readonly locale: Locale;
  /** The catalogs with the directory's overrides for this language. */
  readonly t: Translate;
  readonly csrf: string;
  /** The directory's languages, for the language switcher. */
  readonly offered: readonly Locale[];
}

/**
 * Language for this request, among those the directory offers; an explicit `ui_locales` choice is
 * remembered for the pages that follow.
 */
export function resolveLocale(request: FastifyRequest, reply: FastifyReply, cookies: CookiePolicy, policy: LanguagePolicy, requested?: string): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  // An application's authorize request may name the language (`ui_locales`); the page's own query wins.
  const uiLocales = query?.ui_locales ?? requested;
  const locale = negotiateLocale({
    uiLocales,
    remembered: request.cookies[cookies.name('locale')],
    acceptLanguage: request.headers['accept-language'],
    fallback: policy.fallback,
    offered: policy.offered,
  });
  if (typeof uiLocales === 'string' && request.cookies[cookies.name('locale')] !== locale) {
    reply.setCookie(cookies.name('locale'), locale, cookies.options(365 * 86400));
  }
  return locale;
}

/**
 * The language and words of a directory's page. The directory's texts were loaded with the directory
 * (loadDirectory), so this stays synchronous. A user flow's own default applies when the directory
 * offers it.
 */
export function pageContext(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { readonly cookies: CookiePolicy; readonly texts: TextCache },
  directory: Directory,
  options: { readonly requested?: string | undefined; readonly flowDefault?: Locale | null } = {},
): PageContext {
  const policy = languagePolicy(directory);
  const fallback = options.flowDefault && policy.offered.includes(options.flowDefault) ? options.flowDefault : policy.fallback;
  const locale = resolveLocale(request, reply, deps.cookies, { offered: policy.offered, fallback }, options.requested);
  const t = translator(locale, deps.texts.current(directory).overrides[locale]);
  return { locale, t, csrf: reply.generateCsrf(), offered: policy.offered };
}

/** The client address as Fastify's trustProxy setting resolved it: X-Forwarded-For is ignored unless trusted (L5). */
export function clientIp(request: FastifyRequest): string {
  return request.ip;
}

export function userAgent(request: FastifyRequest): string | null {
  const value = request.headers['user-agent'];
  return typeof value === 'string' ? value.slice(0, 512) : null;
}

/** Sends a rendered page with headers every authenticated or secret-bearing page needs (SE3, R15). */
export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}
