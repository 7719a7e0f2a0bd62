import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadDirectory } from '../../directories/load-directory.ts';
import type { PasswordProblem } from '../../domain/password-policy.ts';
import { badRequest } from '../../http/latchkey-error.ts';
import { clientIp, pageContext, sendPage, userAgent } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';
import { createForcedChangeService, type ForcedChangeService, type SignedInAccount } from './forced-change-service.ts';
import { renderForcedChangePage } from './pages/forced-change-page.ts';

// HTTP only, for the standalone sign-in page. The step inside an application's user flow is the same
// service and page, answered by oidc/interaction-routes.ts.

const changeForm = z.object({ new_password: z.string().max(1024), confirm_new_password: z.string().max(1024) });

export const forcedChangePath = (slug: string): string => `/d/${encodeURIComponent(slug)}/change-password`;

/** The form, posted at `action`: the problem page (400) or, once stored, undefined for the caller to go on. */
export async function answerForcedChange(
  deps: CustomerDeps, service: ForcedChangeService, request: FastifyRequest, reply: FastifyReply,
  at: { directory: Directory; who: SignedInAccount; action: string; path: string; uiLocales?: string | undefined },
): Promise<FastifyReply | undefined> {
  const ctx = pageContext(request, reply, deps, at.directory, { requested: at.uiLocales });
  const page = (problem?: PasswordProblem) =>
    renderForcedChangePage(ctx, at.directory, { account: at.who.account, action: at.action, path: at.path, minLength: deps.settings.passwordMinLength, ...(problem ? { problem } : {}) });
  if (request.method === 'GET') return sendPage(reply, page());
  const form = changeForm.safeParse(request.body);
  if (!form.success) throw badRequest();
  const problem = await service.change(at.directory, at.who, {
    next: form.data.new_password, confirmation: form.data.confirm_new_password, locale: ctx.locale, ip: clientIp(request), userAgent: userAgent(request),
  });
  return problem ? sendPage(reply, page(problem), 400) : undefined;
}

export function registerForcedChangeRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  const service = createForcedChangeService(deps);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const directory = await loadDirectory(deps, request);
    const who = await service.signedIn(directory, request.cookies);
    if (!who) return reply.header('cache-control', 'no-store').redirect(`${deps.links.paths.signIn(directory.slug)}?notice=session_required`, 303);
    const account = deps.links.paths.account(directory.slug);
    if (!who.account.must_change_password) return reply.header('cache-control', 'no-store').redirect(account, 303);
    const path = forcedChangePath(directory.slug);
    const answered = await answerForcedChange(deps, service, request, reply, { directory, who, action: path, path });
    return answered ?? reply.header('cache-control', 'no-store').redirect(`${account}?notice=password_changed`, 303);
  };
  app.get('/d/:directory/change-password', handler);
  app.post('/d/:directory/change-password', handler);
}
