import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale, translator, type Translate } from '../i18n/i18n.ts';
import type { Locale } from '../storage/schema.ts';
import type { CookiePolicy } from './cookies.ts';

export interface PageContext {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
}

/** Language for this request; an explicit `ui_locales` choice is remembered for the pages that follow. */
export function resolveLocale(request: FastifyRequest, reply: FastifyReply, cookies: CookiePolicy, fallback: Locale, requested?: string): Locale {
  const query = request.query as Record<string, unknown> | undefined;
  // An application's authorize request may name the language (`ui_locales`); the page's own query wins.
  const uiLocales = query?.ui_locales ?? requested;
  const locale = negotiateLocale({
    uiLocales,
    remembered: request.cookies[cookies.name('locale')],
    acceptLanguage: request.headers['accept-language'],
    fallback,
  });
  if (typeof uiLocales === 'string' && request.cookies[cookies.name('locale')] !== locale) {
    reply.setCookie(cookies.name('locale'), locale, cookies.options(365 * 86400));
  }
  return locale;
}

export function pageContext(request: FastifyRequest, reply: FastifyReply, cookies: CookiePolicy, fallback: Locale, requested?: string): PageContext {
  const locale = resolveLocale(request, reply, cookies, fallback, requested);
  return { locale, t: translator(locale), csrf: reply.generateCsrf() };
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
