import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
import { loadDirectory } from '../directories/load-directory.ts';
import type { CustomerDeps } from '../flows/customer-deps.ts';
import { renderSignInPage } from '../flows/sign-in/pages/sign-in-page.ts';
import { createSignInAttempt } from '../flows/sign-in/sign-in-routes.ts';
import { rememberUserFlow } from '../flows/user-flow-return.ts';
import { LatchkeyError, badRequest } from '../http/latchkey-error.ts';
import { pageContext, sendPage } from '../http/request-context.ts';
import type { Directory, UserFlow } from '../storage/schema.ts';
import { interactionPath, resolveUserFlow } from './oidc-provider-factory.ts';
import { profilePage } from './pages/profile-page.ts';
import type { ProviderRegistry } from './provider-registry.ts';

// The interaction boundary: the only place Latchkey's pages meet the provider. The provider sends the
// browser here when it needs a signed-in customer; the user flow named by `p` decides what the customer
// sees; the result goes back through interactionResult and the provider finishes the protocol.

const UID = /^[A-Za-z0-9_-]{10,64}$/;
const profileForm = z.object({ display_name: z.string().trim().min(1).max(100) });

interface Step {
  readonly directory: Directory;
  readonly provider: Provider;
  readonly uid: string;
  readonly flow: UserFlow;
  readonly uiLocales: string | undefined;
  /** The application asked for a fresh sign-in (prompt=login, max_age): an earlier session will not do. */
  readonly freshSignInRequired: boolean;
}

export function registerInteractionRoutes(app: FastifyInstance, deps: CustomerDeps & { providers: ProviderRegistry; userFlows: UserFlowStore }): void {
  const signInAttempt = createSignInAttempt(deps);
  const sessionCookie = deps.cookies.name('session');

  async function step(request: FastifyRequest, reply: FastifyReply): Promise<Step> {
    const directory = await loadDirectory(deps, request);
    const uid = (request.params as { uid?: unknown }).uid;
    if (typeof uid !== 'string' || !UID.test(uid)) throw badRequest();
    const provider = await deps.providers.get(directory);
    // Throws without this browser's interaction cookie, or once the interaction has expired.
    const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details || details.uid !== uid) throw new LatchkeyError({ status: 400, code: 'user_flow_expired' });
    const flow = await resolveUserFlow(deps.userFlows, directory, typeof details.params.p === 'string' ? details.params.p : undefined);
    if (!flow) throw new LatchkeyError({ status: 400, code: 'user_flow_expired' });
    const reasons = details.prompt.reasons ?? [];
    return {
      directory, provider, uid, flow,
      uiLocales: typeof details.params.ui_locales === 'string' ? details.params.ui_locales : undefined,
      freshSignInRequired: reasons.includes('login_prompt') || reasons.includes('max_age'),
    };
  }

  const base = (s: Step) => interactionPath(s.directory, s.uid);
  const resetOffered = (s: Step) => s.directory.reset_scope !== 'none' && s.flow.password_reset !== 'off';

  async function finish(request: FastifyRequest, reply: FastifyReply, s: Step, accountId: string) {
    const result: InteractionResults = { login: { accountId, acr: s.flow.name, amr: ['pwd'] } };
    const to = await s.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.code(303).header('cache-control', 'no-store').redirect(to, 303);
  }

  /** A signed-in customer goes on: to the profile page in a profile-editing flow, else back to the app. */
  function proceed(request: FastifyRequest, reply: FastifyReply, s: Step, accountId: string) {
    if (s.flow.type === 'profile_edit') return reply.code(303).redirect(`${base(s)}/profile`, 303);
    return finish(request, reply, s, accountId);
  }

  function signInPage(request: FastifyRequest, reply: FastifyReply, s: Step, view: { identifier?: string; failed?: boolean; notice?: boolean }, status = 200) {
    const ctx = pageContext(request, reply, deps, s.directory, { requested: s.uiLocales, flowDefault: s.flow.default_locale });
    const page = renderSignInPage(ctx, deps.links, s.directory, {
      ...(view.identifier !== undefined ? { identifier: view.identifier } : {}),
      ...(view.failed ? { error: 'sign_in_failed' as const } : {}),
      ...(view.notice ? { notice: 'sign_in_notice_password_reset' as const } : {}),
      userFlow: {
        action: `${base(s)}/signin`,
        ...(s.flow.type === 'sign_up_sign_in' ? { signUpHref: `${base(s)}/signup` } : {}),
        ...(resetOffered(s) ? { resetHref: `${base(s)}/reset` } : {}),
      },
    });
    return sendPage(reply, page, status);
  }

  async function signedInAccount(request: FastifyRequest, directory: Directory): Promise<string | undefined> {
    const token = request.cookies[sessionCookie];
    return token ? (await deps.sessions.findActive(token, directory.id))?.accountId : undefined;
  }

  app.get('/d/:directory/interaction/:uid', async (request, reply) => {
    const s = await step(request, reply);
    const afterReset = (request.query as { notice?: unknown }).notice === 'password_reset';
    if (!s.freshSignInRequired && !afterReset) {
      const accountId = await signedInAccount(request, s.directory);
      if (accountId && s.flow.type !== 'password_reset') return proceed(request, reply, s, accountId);
    }
    // A password reset flow starts with the reset itself, then signs in with the new password.
    if (s.flow.type === 'password_reset' && !afterReset) return reply.code(303).redirect(`${base(s)}/reset`, 303);
    return signInPage(request, reply, s, { notice: afterReset });
  });

  app.post('/d/:directory/interaction/:uid/signin', async (request, reply) => {
    const s = await step(request, reply);
    const attempt = await signInAttempt(request, reply, s.directory);
    if (!attempt.ok) return signInPage(request, reply, s, { identifier: attempt.identifier, failed: true }, 400);
    return proceed(request, reply, s, attempt.account.id);
  });

  // Leaving the interaction for another flow: remember it, so that flow comes back here when done.
  for (const [exit, target] of [['reset', deps.links.paths.reset], ['signup', deps.links.paths.signUp]] as const) {
    app.get(`/d/:directory/interaction/:uid/${exit}`, async (request, reply) => {
      const s = await step(request, reply);
      if (exit === 'reset' ? !resetOffered(s) : s.flow.type !== 'sign_up_sign_in') throw new LatchkeyError({ status: 404, code: 'error_not_found' });
      rememberUserFlow(reply, deps.cookies, s.uid);
      const locale = s.uiLocales ? `?ui_locales=${encodeURIComponent(s.uiLocales)}` : '';
      return reply.code(303).redirect(`${target(s.directory.slug)}${locale}`, 303);
    });
  }

  app.get('/d/:directory/interaction/:uid/profile', async (request, reply) => {
    const s = await step(request, reply);
    const accountId = await signedInAccount(request, s.directory);
    const account = accountId ? await deps.accounts.findById(s.directory.id, accountId) : undefined;
    if (!account || s.flow.type !== 'profile_edit') return reply.code(303).redirect(base(s), 303);
    const ctx = pageContext(request, reply, deps, s.directory, { requested: s.uiLocales, flowDefault: s.flow.default_locale });
    return sendPage(reply, profilePage(ctx, s.directory, { action: `${base(s)}/profile`, displayName: account.display_name }));
  });

  app.post('/d/:directory/interaction/:uid/profile', async (request, reply) => {
    const s = await step(request, reply);
    const accountId = await signedInAccount(request, s.directory);
    if (!accountId || s.flow.type !== 'profile_edit') return reply.code(303).redirect(base(s), 303);
    const form = profileForm.safeParse(request.body);
    if (!form.success) {
      const ctx = pageContext(request, reply, deps, s.directory, { requested: s.uiLocales, flowDefault: s.flow.default_locale });
      const typed = (request.body as { display_name?: unknown } | undefined)?.display_name;
      return sendPage(reply, profilePage(ctx, s.directory, { action: `${base(s)}/profile`, displayName: typeof typed === 'string' ? typed.slice(0, 200) : '', error: 'profile_edit_display_name_invalid' }), 400);
    }
    await deps.db.updateTable('accounts').set({ display_name: form.data.display_name }).where('id', '=', accountId).where('directory_id', '=', s.directory.id).execute();
    return finish(request, reply, s, accountId);
  });
}
