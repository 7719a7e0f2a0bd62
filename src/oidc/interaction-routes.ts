import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
import type { FlowRunStore } from '../run-now/flow-run-store.ts';
import { loadDirectory } from '../directories/load-directory.ts';
import type { CustomerDeps } from '../flows/customer-deps.ts';
import { renderSignInPage } from '../flows/sign-in/pages/sign-in-page.ts';
import { createForcedChangeService } from '../flows/forced-change/forced-change-service.ts';
import { answerForcedChange } from '../flows/forced-change/forced-change-routes.ts';
import { createSignInAttempt } from '../flows/sign-in/sign-in-routes.ts';
import { rememberUserFlow } from '../flows/user-flow-return.ts';
import { tagBrowserWithRun } from '../run-now/run-tag.ts';
import { LatchkeyError, badRequest } from '../http/latchkey-error.ts';
import { pageContext, sendPage } from '../http/request-context.ts';
import { languagePolicy } from '../directories/directory-texts.ts';
import { isLocale, LOCALES } from '../i18n/i18n.ts';
import type { Directory, Locale, UserFlow } from '../storage/schema.ts';
import { interactionPath, resolveUserFlow } from './oidc-provider-factory.ts';
import { profilePage, type ProfileView } from './pages/profile-page.ts';
import type { ProviderRegistry } from './provider-registry.ts';

// The interaction boundary: the only place Latchkey's pages meet the provider. The provider sends the
// browser here when it needs a signed-in customer; the user flow named by `p` decides what the customer
// sees; the result goes back through interactionResult and the provider finishes the protocol.

const UID = /^[A-Za-z0-9_-]{10,64}$/;
const profileForm = z.object({
  display_name: z.string().trim().min(1).max(100).optional(),
  locale: z.enum(LOCALES as [Locale, ...Locale[]]).optional(),
});

interface Step {
  readonly directory: Directory;
  readonly provider: Provider;
  readonly uid: string;
  readonly flow: UserFlow;
  readonly uiLocales: string | undefined;
  /** The "Run now" key the authorize request carried, if any. */
  readonly runKey: string | undefined;
  readonly clientId: string | undefined;
  /** The application asked for a fresh sign-in (prompt=login, max_age): an earlier session will not do. */
  readonly freshSignInRequired: boolean;
}

export function registerInteractionRoutes(app: FastifyInstance, deps: CustomerDeps & { providers: ProviderRegistry; userFlows: UserFlowStore; applications: ApplicationStore; runs: FlowRunStore }): void {
  const signInAttempt = createSignInAttempt(deps);
  const forcedChange = createForcedChangeService(deps);
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
      runKey: typeof details.params.latchkey_run === 'string' ? details.params.latchkey_run : undefined,
      clientId: typeof details.params.client_id === 'string' ? details.params.client_id : undefined,
      freshSignInRequired: reasons.includes('login_prompt') || reasons.includes('max_age'),
    };
  }

  const base = (s: Step) => interactionPath(s.directory, s.uid);

  /** Inside a live "Run now" run of this very application, the flows it leads to are tagged with it. */
  async function followRun(reply: FastifyReply, s: Step): Promise<void> {
    if (!s.runKey) return;
    const run = await deps.runs.findLiveByKey(s.directory.id, s.runKey);
    const application = run ? await deps.applications.findById(s.directory.id, run.application_id) : undefined;
    if (run && application && application.client_id === s.clientId) tagBrowserWithRun(reply, deps.cookies, s.runKey, run);
  }
  const resetOffered = (s: Step) => s.directory.reset_scope !== 'none' && s.flow.password_reset !== 'off';

  async function finish(request: FastifyRequest, reply: FastifyReply, s: Step, accountId: string) {
    const result: InteractionResults = { login: { accountId, acr: s.flow.name, amr: ['pwd'] } };
    const to = await s.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.code(303).header('cache-control', 'no-store').redirect(to, 303);
  }

  /**
   * A signed-in customer goes on: first to choose a new password if an administrator asked for one
   * (R23), then to the profile page in a profile-editing flow, else back to the app.
   */
  async function proceed(request: FastifyRequest, reply: FastifyReply, s: Step, accountId: string) {
    const account = await deps.accounts.findById(s.directory.id, accountId);
    if (account?.must_change_password) return reply.code(303).header('cache-control', 'no-store').redirect(`${base(s)}/change-password`, 303);
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
      await followRun(reply, s);
      const locale = s.uiLocales ? `?ui_locales=${encodeURIComponent(s.uiLocales)}` : '';
      return reply.code(303).redirect(`${target(s.directory.slug)}${locale}`, 303);
    });
  }

  function showProfile(request: FastifyRequest, reply: FastifyReply, s: Step, view: Omit<ProfileView, 'action' | 'attributes'>, status = 200) {
    const ctx = pageContext(request, reply, deps, s.directory, { requested: s.uiLocales, flowDefault: s.flow.default_locale });
    return sendPage(reply, profilePage(ctx, s.directory, { action: `${base(s)}/profile`, attributes: s.flow.collected_attributes, ...view }), status);
  }
  const changePassword = async (request: FastifyRequest, reply: FastifyReply) => {
    const s = await step(request, reply);
    const who = await forcedChange.signedIn(s.directory, request.cookies);
    if (!who) return reply.code(303).redirect(base(s), 303);
    if (!who.account.must_change_password) return proceed(request, reply, s, who.account.id);
    const action = `${base(s)}/change-password`;
    const answered = await answerForcedChange(deps, forcedChange, request, reply, { directory: s.directory, who, action, path: action, uiLocales: s.uiLocales });
    return answered ?? proceed(request, reply, s, who.account.id);
  };
  app.get('/d/:directory/interaction/:uid/change-password', changePassword);
  app.post('/d/:directory/interaction/:uid/change-password', changePassword);

  app.get('/d/:directory/interaction/:uid/profile', async (request, reply) => {
    const s = await step(request, reply);
    const accountId = await signedInAccount(request, s.directory);
    const account = accountId ? await deps.accounts.findById(s.directory.id, accountId) : undefined;
    if (!account || s.flow.type !== 'profile_edit') return reply.code(303).redirect(base(s), 303);
    return showProfile(request, reply, s, { displayName: account.display_name, locale: account.locale });
  });

  app.post('/d/:directory/interaction/:uid/profile', async (request, reply) => {
    const s = await step(request, reply);
    const accountId = await signedInAccount(request, s.directory);
    if (!accountId || s.flow.type !== 'profile_edit') return reply.code(303).redirect(base(s), 303);
    // Only what this flow collects is read; anything else in the body is ignored.
    const collects = (attribute: string) => s.flow.collected_attributes.includes(attribute);
    const form = profileForm.safeParse(request.body ?? {});
    const displayNameOk = !collects('display_name') || (form.success && form.data.display_name !== undefined);
    const localeOk = !collects('locale') || (form.success && form.data.locale !== undefined && languagePolicy(s.directory).offered.includes(form.data.locale));
    if (!form.success || !displayNameOk || !localeOk) {
      const typed = (request.body ?? {}) as { display_name?: unknown; locale?: unknown };
      return showProfile(request, reply, s, {
        displayName: typeof typed.display_name === 'string' ? typed.display_name.slice(0, 200) : '',
        locale: isLocale(typed.locale) ? typed.locale : null,
        error: 'profile_edit_display_name_invalid',
      }, 400);
    }
    const changes = {
      ...(collects('display_name') && form.data.display_name !== undefined ? { display_name: form.data.display_name } : {}),
      ...(collects('locale') && form.data.locale !== undefined ? { locale: form.data.locale } : {}),
    };
    if (Object.keys(changes).length > 0) {
      await deps.db.updateTable('accounts').set(changes).where('id', '=', accountId).where('directory_id', '=', s.directory.id).execute();
    }
    return finish(request, reply, s, accountId);
  });
}
