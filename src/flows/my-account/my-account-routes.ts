import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadDirectory } from '../../directories/load-directory.ts';
import { badRequest } from '../../http/latchkey-error.ts';
import { clientIp, pageContext, sendPage, userAgent } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';
import { forcedChangePath } from '../forced-change/forced-change-routes.ts';
import { createSignInService } from '../sign-in/sign-in-service.ts';
import { createSignInStore } from '../sign-in/sign-in-store.ts';
import { createMyAccountService, type SignedIn } from './my-account-service.ts';
import { createMyAccountStore } from './my-account-store.ts';
import { renderAccountPage } from './pages/account-page.ts';

// HTTP only. Every response here is for one signed-in person: sendPage marks it no-store (SE3), and
// without a live session the answer is a redirect to sign-in, never the page.

const changeForm = z.object({
  current_password: z.string().max(1024),
  new_password: z.string().max(1024),
  confirm_new_password: z.string().max(1024),
});

export function registerMyAccountRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  const signIn = createSignInService({ store: createSignInStore(deps.db), accounts: deps.accounts, sessions: deps.sessions, hasher: deps.hasher, key: deps.key });
  const service = createMyAccountService({
    store: createMyAccountStore(deps.db), accounts: deps.accounts, sessions: deps.sessions, hasher: deps.hasher, signIn,
    links: deps.links, settings: deps.settings, mailQueued: deps.mailQueued,
  });
  const sessionCookie = deps.cookies.name('session');
  const requester = (request: FastifyRequest) => ({ ip: clientIp(request), userAgent: userAgent(request) });

  async function whoIsHere(request: FastifyRequest): Promise<{ directory: Directory; who: SignedIn | undefined }> {
    const directory = await loadDirectory(deps, request);
    return { directory, who: await service.signedIn(directory, request.cookies[sessionCookie]) };
  }

  const toSignIn = (reply: FastifyReply, directory: Directory) =>
    reply.header('cache-control', 'no-store').redirect(`${deps.links.paths.signIn(directory.slug)}?notice=session_required`, 303);

  app.get('/d/:directory/account', async (request, reply) => {
    const { directory, who } = await whoIsHere(request);
    if (!who) return toSignIn(reply, directory);
    if (who.account.must_change_password) return reply.header('cache-control', 'no-store').redirect(forcedChangePath(directory.slug), 303);
    const ctx = pageContext(request, reply, deps, directory);
    const changed = (request.query as Record<string, unknown>).notice === 'password_changed';
    return sendPage(reply, renderAccountPage(ctx, deps.links, directory, { account: who.account, minLength: deps.settings.passwordMinLength, changed }));
  });

  app.post('/d/:directory/account/password', async (request, reply) => {
    const { directory, who } = await whoIsHere(request);
    if (!who) return toSignIn(reply, directory);
    const form = changeForm.safeParse(request.body);
    if (!form.success) throw badRequest();
    const ctx = pageContext(request, reply, deps, directory);
    const change = { current: form.data.current_password, next: form.data.new_password, confirmation: form.data.confirm_new_password };
    const problem = await service.changePassword(directory, who, change, ctx.locale, requester(request));
    if (problem) {
      return sendPage(reply, renderAccountPage(ctx, deps.links, directory, { account: who.account, minLength: deps.settings.passwordMinLength, problem }), 400);
    }
    return reply.redirect(`${deps.links.paths.account(directory.slug)}?notice=password_changed`, 303);
  });

  app.post('/d/:directory/account/signout', async (request, reply) => {
    const directory = await loadDirectory(deps, request);
    await service.signOut(directory, request.cookies[sessionCookie], requester(request));
    reply.clearCookie(sessionCookie, deps.cookies.options());
    return reply.redirect(`${deps.links.paths.signIn(directory.slug)}?notice=signed_out`, 303);
  });
}
