import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.ts';
import { renderPage } from './layout.ts';
import { LatchkeyError } from './latchkey-error.ts';
import { isMessageKey, negotiateLocale, translator } from '../i18n/i18n.ts';
import { sendPage } from './request-context.ts';
import { LATCHKEY_BRAND } from './page-brand.ts';

// The one place an error becomes a response. Customers get a plain page in their language with a way
// back; nothing internal leaks. User input never yields a 5xx: anything Fastify rejects while parsing
// is a 4xx here.

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);

function classify(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const e = error as Partial<FastifyError> & { code?: string; message?: string };
  if (typeof e.code === 'string') {
    if (e.code.startsWith('FST_CSRF')) return new LatchkeyError({ status: 403, code: 'error_csrf' });
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new LatchkeyError({ status: 413, code: 'error_payload_too_large' });
    if (CONNECTION_FAILURES.has(e.code)) return new LatchkeyError({ status: 503, code: 'error_unavailable', expose: true, cause: error });
  }
  if (typeof e.message === 'string' && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(e.message)) {
    return new LatchkeyError({ status: 503, code: 'error_unavailable', expose: true, cause: error });
  }
  // A multipart body cut short or with broken part headers (the branding uploads): the sender's fault.
  if (typeof e.message === 'string' && /^(Unexpected end of (form|file|multipart data)|Malformed part header|Multipart: Boundary not found)/.test(e.message)) {
    return new LatchkeyError({ status: 400, code: 'error_bad_request' });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new LatchkeyError({ status: e.statusCode === 413 ? 413 : e.statusCode === 404 ? 404 : 400, code: e.statusCode === 413 ? 'error_payload_too_large' : 'error_bad_request' });
  }
  return new LatchkeyError({ status: 500, code: 'error_internal', cause: error });
}

export function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = classify(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  const locale = negotiateLocale({ uiLocales: (request.query as Record<string, unknown> | undefined)?.ui_locales, acceptLanguage: request.headers['accept-language'], fallback: 'en' });
  const t = translator(locale);
  const message = problem.expose && isMessageKey(problem.code) ? t(problem.code) : t(problem.status >= 500 ? 'error_internal' : 'error_bad_request');
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  else if (problem.status === 503) reply.header('retry-after', '5');
  const body = renderPage(
    { locale, title: t('error_title'), brand: LATCHKEY_BRAND },
    html`<h1>${t('error_title')}</h1><p class="error" role="alert" data-error-code="${problem.code}">${message}</p><p><a href="javascript:history.back()">${t('error_back')}</a></p>`,
  );
  return sendPage(reply, body, problem.status);
}
