import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadDirectory } from '../../directories/load-directory.ts';
import { badRequest } from '../../http/latchkey-error.ts';
import { clientIp, pageContext, sendPage, userAgent } from '../../http/request-context.ts';
import type { MessageKey } from '../../i18n/i18n.ts';
import type { Account, Directory } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';
import { forcedChangePath } from '../forced-change/forced-change-routes.ts';
import { renderSignInPage } from './pages/sign-in-page.ts';
import { createSignInService } from './sign-in-service.ts';
import { createSignInStore } from './sign-in-store.ts';

// HTTP only: parse, call the service, render. A repeated field arrives as an array and fails the
// schema (R10); the bounds keep an absurd password from reaching the hasher at all (F3).

const signInForm = z.object({
  identifier: z.string().max(320),
  password: z.string().max(1024),
});

// Notices another flow may ask the sign-in page to show; anything else in `?notice=` is ignored.
const NOTICES: Readonly<Record<string, MessageKey>> = {
  password_reset: 'sign_in_notice_password_reset',
  signed_out: 'sign_in_notice_signed_out',
  session_required: 'sign_in_notice_session_required',
};

export function registerSignInRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  const signInAttempt = createSignInAttempt(deps);

  app.get('/d/:directory/signin', async (request, reply) => {
    const directory = await loadDirectory(deps, request);
    const ctx = pageContext(request, reply, deps, directory);
    const notice = (request.query as Record<string, unknown>).notice;
    const view = { notice: typeof notice === 'string' && Object.hasOwn(NOTICES, notice) ? NOTICES[notice] : undefined };
    return sendPage(reply, renderSignInPage(ctx, deps.links, directory, view));
  });

  app.post('/d/:directory/signin', async (request, reply) => {
    const directory = await loadDirectory(deps, request);
    const attempt = await signInAttempt(request, reply, directory);
    if (!attempt.ok) {
      // The same page, status and headers for every failure (L3).
      const ctx = pageContext(request, reply, deps, directory);
      return sendPage(reply, renderSignInPage(ctx, deps.links, directory, { identifier: attempt.identifier, error: 'sign_in_failed' }), 400);
    }
    // An administrator asked for a new password (R23): that page comes before anything else.
    const next = attempt.account.must_change_password ? forcedChangePath(directory.slug) : deps.links.paths.account(directory.slug);
    return reply.code(303).header('cache-control', 'no-store').redirect(next, 303);
  });
}

export type SignInAttempt = { readonly ok: true; readonly account: Account } | { readonly ok: false; readonly identifier: string };

/**
 * One password sign-in, wherever its form is posted (the sign-in page, or an application's user flow):
 * the form checked at the edge, the rate limits, the service, and on success a new session cookie (SE2).
 */
export function createSignInAttempt(deps: CustomerDeps) {
  const service = createSignInService({ store: createSignInStore(deps.db), accounts: deps.accounts, sessions: deps.sessions, hasher: deps.hasher, key: deps.key, metrics: deps.metrics });
  const sessionCookie = deps.cookies.name('session');
  return async (request: FastifyRequest, reply: FastifyReply, directory: Directory): Promise<SignInAttempt> => {
    const form = signInForm.safeParse(request.body);
    if (!form.success) throw badRequest();
    await deps.limits.check('sign_in', { ip: clientIp(request), directoryId: directory.id, identifier: form.data.identifier });
    const result = await service.signIn({
      directory,
      identifier: form.data.identifier,
      password: form.data.password,
      requester: { ip: clientIp(request), userAgent: userAgent(request) },
      previousToken: request.cookies[sessionCookie],
    });
    if (!result.ok) return { ok: false, identifier: form.data.identifier };
    reply.setCookie(sessionCookie, result.token, deps.cookies.options());
    return { ok: true, account: result.account };
  };
}
