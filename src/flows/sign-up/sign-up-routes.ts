import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadDirectory } from '../../directories/load-directory.ts';
import { badRequest, LatchkeyError } from '../../http/latchkey-error.ts';
import { clientIp, pageContext, sendPage, userAgent, type PageContext } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';
import { takeUserFlowReturn } from '../user-flow-return.ts';
import { renderCodePage } from './pages/code-page.ts';
import { renderDetailsPage } from './pages/details-page.ts';
import { renderEmailPage } from './pages/email-page.ts';
import { renderAlreadyRegisteredPage, renderExpiredPage } from './pages/closed-pages.ts';
import { createSignUpService, FLOW_LIFETIME_SECONDS, type FlowHandle, type SignUpService } from './sign-up-service.ts';
import type { SignUpState } from './sign-up-flow.ts';
import { createSignUpStore } from './sign-up-store.ts';
import { runOfBrowser } from '../../run-now/run-tag.ts';

// HTTP only. Every POST answers 303 to the flow's page, and the GET renders whatever state the flow is
// in: a reload never resubmits, and the page always matches the database. The flow id in the URL is
// not a secret; the cookie's secret is what binds the flow to this browser.

const emailForm = z.object({ email: z.string().max(320) });
const codeForm = z.object({ code: z.string().max(64) });
const detailsForm = z.object({
  display_name: z.string().max(400),
  username: z.string().max(256).optional(),
  password: z.string().max(1024),
  confirm_password: z.string().max(1024),
});
const flowParams = z.object({ directory: z.string(), flow: z.uuid() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  // A repeated field is an array and fails here: 400, never a guess at which value was meant (R10).
  if (!result.success) throw badRequest();
  return result.data;
}

export function registerSignUpRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  const service = createSignUpService({
    store: createSignUpStore(deps.db), sessions: deps.sessions, hasher: deps.hasher, key: deps.key, settings: deps.settings, mailQueued: deps.mailQueued, metrics: deps.metrics,
  });
  const bindingCookie = deps.cookies.name('signup');
  const flowPath = (directory: Directory, flowId: string) => `${deps.links.paths.signUp(directory.slug)}/${flowId}`;

  async function handleFor(request: FastifyRequest): Promise<FlowHandle> {
    const directory = await loadDirectory(deps, request);
    const params = flowParams.safeParse(request.params);
    if (!params.success) throw new LatchkeyError({ status: 404, code: 'sign_up_flow_not_found' });
    return { directory, flowId: params.data.flow, secret: request.cookies[bindingCookie] };
  }

  const backToFlow = (reply: FastifyReply, handle: FlowHandle) => reply.redirect(flowPath(handle.directory, handle.flowId), 303);

  app.get('/d/:directory/signup', async (request, reply) => {
    const directory = await loadDirectory(deps, request);
    const ctx = pageContext(request, reply, deps, directory);
    return sendPage(reply, renderEmailPage(ctx, deps.links, directory, {}));
  });

  app.post('/d/:directory/signup', async (request, reply) => {
    const directory = await loadDirectory(deps, request);
    const { email } = parse(emailForm, request.body);
    await deps.limits.check('sign_up', { ip: clientIp(request), directoryId: directory.id, identifier: email });
    const ctx = pageContext(request, reply, deps, directory);
    const runId = await runOfBrowser(request, deps.cookies, deps.runs, directory.id);
    const started = await service.start({ directory, email, locale: ctx.locale, runId });
    if (!started.ok) return sendPage(reply, renderEmailPage(ctx, deps.links, directory, { email, invalid: true }), 400);
    reply.setCookie(bindingCookie, started.secret, deps.cookies.options(FLOW_LIFETIME_SECONDS));
    return reply.redirect(flowPath(directory, started.flowId), 303);
  });

  app.get('/d/:directory/signup/:flow', async (request, reply) => {
    const handle = await handleFor(request);
    const { flow, state } = await service.load(handle);
    // A finished sign-up revisited (the back button) goes where the customer now belongs.
    if (state.name === 'completed') return reply.redirect(deps.links.paths.account(handle.directory.slug), 303);
    const ctx = pageContext(request, reply, deps, handle.directory);
    return sendPage(reply, renderState(ctx, handle, state, flow.identifier_input ?? ''));
  });

  function renderState(ctx: PageContext, handle: FlowHandle, state: SignUpState, email: string): string {
    const { directory, flowId } = handle;
    switch (state.name) {
      case 'awaiting_code':
        return renderCodePage(ctx, deps.links, directory, { flowId, email, minutes: Math.round(deps.settings.resetCodeTtlSeconds / 60), notice: state.notice });
      case 'choosing_details':
        return renderDetailsPage(ctx, deps.links, directory, { flowId, email, displayName: state.displayName, username: state.username, minLength: deps.settings.passwordMinLength, ...(state.problem ? { problem: state.problem } : {}) });
      case 'already_registered':
        return renderAlreadyRegisteredPage(ctx, deps.links, directory, { flowId, email });
      case 'completed':
      case 'expired':
        return renderExpiredPage(ctx, deps.links, directory, { flowId });
      default: {
        const unknown: never = state;
        throw new Error(`unknown sign-up state ${JSON.stringify(unknown)}`);
      }
    }
  }

  registerFlowPosts(app, deps, service, { handleFor, backToFlow, bindingCookie });
}

interface PostHelpers {
  handleFor(request: FastifyRequest): Promise<FlowHandle>;
  backToFlow(reply: FastifyReply, handle: FlowHandle): FastifyReply;
  readonly bindingCookie: string;
}

function registerFlowPosts(app: FastifyInstance, deps: CustomerDeps, service: SignUpService, helpers: PostHelpers): void {
  app.post('/d/:directory/signup/:flow/code', async (request, reply) => {
    const handle = await helpers.handleFor(request);
    const { code } = parse(codeForm, request.body);
    await deps.limits.check('sign_up', { ip: clientIp(request), directoryId: handle.directory.id });
    await service.verifyCode(handle, code);
    return helpers.backToFlow(reply, handle);
  });

  app.post('/d/:directory/signup/:flow/resend', async (request, reply) => {
    const handle = await helpers.handleFor(request);
    await deps.limits.check('sign_up', { ip: clientIp(request), directoryId: handle.directory.id });
    await service.resend(handle);
    return helpers.backToFlow(reply, handle);
  });

  app.post('/d/:directory/signup/:flow/details', async (request, reply) => {
    const handle = await helpers.handleFor(request);
    const form = parse(detailsForm, request.body);
    const ctx = pageContext(request, reply, deps, handle.directory);
    const details = { displayName: form.display_name, username: form.username ?? '', password: form.password, confirmation: form.confirm_password };
    const token = await service.create(handle, details, ctx.locale, { ip: clientIp(request), userAgent: userAgent(request) });
    if (!token) return helpers.backToFlow(reply, handle);
    // Whoever this browser was signed in as before, that session ends rather than lingering unseen.
    const previous = request.cookies[deps.cookies.name('session')];
    if (previous) await deps.sessions.end(previous);
    reply.setCookie(deps.cookies.name('session'), token, deps.cookies.options());
    reply.clearCookie(helpers.bindingCookie, deps.cookies.options());
    // Inside an application's user flow the new account goes straight back to the application.
    const back = takeUserFlowReturn(request, reply, deps.cookies, handle.directory.slug);
    return reply.redirect(back ?? deps.links.paths.account(handle.directory.slug), 303);
  });
}
