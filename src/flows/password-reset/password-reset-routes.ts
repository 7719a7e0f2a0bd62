import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { languagePolicy } from '../../directories/directory-texts.ts';
import { loadDirectory } from '../../directories/load-directory.ts';
import { isValidEmail, isValidUsername } from '../../domain/identifier.ts';
import { MAX_PASSWORD_LENGTH } from '../../domain/password-policy.ts';
import { badRequest, LatchkeyError } from '../../http/latchkey-error.ts';
import { clientIp, pageContext, resolveLocale, sendPage, userAgent } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { CustomerDeps } from '../customer-deps.ts';
import { takeUserFlowReturn } from '../user-flow-return.ts';
import { codePage } from './pages/code-page.ts';
import { newPasswordPage } from './pages/new-password-page.ts';
import type { ResetPageContext } from './pages/page-frame.ts';
import { problemPage } from './pages/problem-page.ts';
import { requestPage } from './pages/request-page.ts';
import { resetPaths } from './pages/reset-paths.ts';
import { verifiedPage } from './pages/verified-page.ts';
import { createPasswordResetStore } from './password-reset-store.ts';
import { createPasswordResetService, FLOW_TTL_SECONDS, ResetFlowExpired, type FlowHandle } from './password-reset-service.ts';
import { runOfBrowser } from '../../run-now/run-tag.ts';

// HTTP only: parse with zod, call the service, answer with the page for the flow's state. Every POST
// answers 303 to the flow's page, so a reload never resubmits and no code ever sits in a URL (R15).

const FlowParams = z.object({ directory: z.string(), flow: z.string() });
// Repeated fields arrive as arrays and fail these schemas: one value per field, or 400 (R10).
const EmailBody = z.object({ email: z.string().max(1024).optional() });
const UsernameBody = z.object({ username: z.string().max(1024).optional() });
const CodeBody = z.object({ code: z.string().max(64).optional() });
const PasswordBody = z.object({ new_password: z.string().max(MAX_PASSWORD_LENGTH * 4), confirm_password: z.string().max(MAX_PASSWORD_LENGTH * 4) });
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw badRequest();
  return result.data;
}

/** A page answering a POST switches language on the GET page it stands for, not on the POST's URL. */
function pagePathAfterPost(request: FastifyRequest, paths: ReturnType<typeof resetPaths>): string {
  const flow = (request.params as Record<string, unknown>).flow;
  return typeof flow === 'string' && z.uuid().safeParse(flow).success ? paths.flow(flow) : paths.start;
}

interface Reset {
  readonly directory: Directory;
  readonly paths: ReturnType<typeof resetPaths>;
  /** The page context; built only for answers that render a page, so a redirect sets no CSRF cookie. */
  readonly view: () => ResetPageContext;
}

export function registerPasswordResetRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  const service = createPasswordResetService({
    store: createPasswordResetStore(deps.db),
    accounts: deps.accounts,
    hasher: deps.hasher,
    links: deps.links,
    key: deps.key,
    settings: deps.settings,
    mailQueued: deps.mailQueued,
    metrics: deps.metrics,
  });
  const cookieName = deps.cookies.name('reset');

  const requester = (request: FastifyRequest) => ({ ip: clientIp(request), userAgent: userAgent(request) });
  const secretOf = (request: FastifyRequest) => {
    const value = request.cookies[cookieName];
    return typeof value === 'string' && SECRET_SHAPE.test(value) ? value : undefined;
  };

  function handleOf(request: FastifyRequest, directory: Directory): FlowHandle {
    const params = FlowParams.parse(request.params);
    // Not a UUID cannot be a flow; answered like any unknown flow, never by a database error.
    if (!z.uuid().safeParse(params.flow).success) throw new LatchkeyError({ status: 404, code: 'reset_flow_unknown' });
    return { directory, flowId: params.flow, secret: secretOf(request) };
  }

  /** Every reset URL: the directory, the switch (off means a plain page for GET and POST alike), problems. */
  function route(handler: (request: FastifyRequest, reply: FastifyReply, reset: Reset) => Promise<FastifyReply>) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const directory = await loadDirectory(deps, request);
      const paths = resetPaths(deps.links, directory.slug);
      const view = (): ResetPageContext => ({
        page: pageContext(request, reply, deps, directory),
        directory,
        paths,
        path: request.method === 'GET' ? (request.url.split('?')[0] ?? paths.start) : pagePathAfterPost(request, paths),
      });
      if (directory.reset_scope === 'none') {
        const link = { href: paths.signIn, label: 'reset_back_to_sign_in' } as const;
        return sendPage(reply, problemPage(view(), { title: 'reset_disabled_title', message: 'reset_disabled', link }), 404);
      }
      try {
        return await handler(request, reply, { directory, paths, view });
      } catch (error) {
        return renderProblem(error, request, reply, view);
      }
    };
  }

  function renderProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, view: () => ResetPageContext): FastifyReply {
    if (error instanceof ResetFlowExpired) {
      const ctx = view();
      return sendPage(reply, requestPage(ctx, { identifier: error.identifierInput, error: ctx.page.t('reset_flow_expired') }), error.status);
    }
    if (!(error instanceof LatchkeyError)) throw error;
    const ctx = view();
    const start = { href: ctx.paths.start, label: 'reset_start_again' } as const;
    const signIn = { href: ctx.paths.signIn, label: 'reset_back_to_sign_in' } as const;
    const flowId = (request.params as Record<string, string | undefined>).flow ?? '';
    const links = {
      reset_flow_unknown: start,
      reset_flow_other_browser: start,
      reset_flow_completed: signIn,
      reset_account_unavailable: signIn,
      reset_wrong_step: { href: ctx.paths.flow(flowId), label: 'reset_resume' },
    } as const;
    if (!(error.code in links)) throw error;
    const code = error.code as keyof typeof links;
    return sendPage(reply, problemPage(ctx, { title: 'reset_problem_title', message: code, link: links[code] }), error.status);
  }

  const toFlow = (reply: FastifyReply, reset: Reset, flowId: string) => reply.redirect(reset.paths.flow(flowId), 303);

  app.get('/d/:directory/reset', route(async (_request, reply, reset) => sendPage(reply, requestPage(reset.view(), {}))));

  app.post(
    '/d/:directory/reset',
    route(async (request, reply, { directory, paths, view }) => {
      // No per-identifier 429 here: the code-send throttle (R5) is that limit, and it answers unchanged.
      await deps.limits.check('reset_request', { ip: clientIp(request), directoryId: directory.id });
      const username = directory.sign_in_identifier === 'username';
      const typed = (username ? parse(UsernameBody, request.body).username : parse(EmailBody, request.body).email) ?? '';
      if (!(username ? isValidUsername(typed) : isValidEmail(typed))) {
        const ctx = view();
        return sendPage(reply, requestPage(ctx, { identifier: typed, error: ctx.page.t(username ? 'reset_invalid_username' : 'reset_invalid_email') }), 400);
      }
      const locale = resolveLocale(request, reply, deps.cookies, languagePolicy(directory));
      const runId = await runOfBrowser(request, deps.cookies, deps.runs, directory.id);
      const { flowId, secret } = await service.start({ directory, identifier: typed.trim(), secret: secretOf(request), locale, runId, ...requester(request) });
      // Set on every answer, new secret or not, so every answer carries the same cookies (R12).
      reply.setCookie(cookieName, secret, deps.cookies.options(FLOW_TTL_SECONDS));
      return reply.redirect(paths.flow(flowId), 303);
    }),
  );

  app.get(
    '/d/:directory/reset/:flow',
    route(async (request, reply, reset) => {
      const handle = handleOf(request, reset.directory);
      const { flow, state } = await service.view(handle);
      const ctx = reset.view();
      switch (state.name) {
        case 'awaiting_code':
          return sendPage(reply, codePage(ctx, { flowId: flow.id, identifier: flow.identifier_input ?? '', notice: state.notice }));
        case 'code_verified':
          return sendPage(reply, verifiedPage(ctx, { flowId: flow.id }));
        case 'choosing_password':
          return sendPage(reply, newPasswordPage(ctx, { flowId: flow.id, minLength: deps.settings.passwordMinLength }));
        default:
          // view() has already turned completed and expired flows into their own pages.
          throw new Error(`no page for state ${state.name}`);
      }
    }),
  );

  app.get(
    '/d/:directory/reset/:flow/change',
    route(async (request, reply, reset) => {
      const { flow } = await service.view(handleOf(request, reset.directory));
      return sendPage(reply, requestPage(reset.view(), { identifier: flow.identifier_input ?? '' }));
    }),
  );

  app.post(
    '/d/:directory/reset/:flow/verify',
    route(async (request, reply, reset) => {
      const code = (parse(CodeBody, request.body).code ?? '').replace(/\s+/g, '');
      const handle = handleOf(request, reset.directory);
      // Per code, R3 and R4 already bound the guesses; this bounds one address guessing across flows.
      await deps.limits.check('reset_verify', { ip: clientIp(request), directoryId: reset.directory.id });
      await service.verify({ ...handle, code, ...requester(request) });
      return toFlow(reply, reset, handle.flowId);
    }),
  );

  app.post(
    '/d/:directory/reset/:flow/resend',
    route(async (request, reply, reset) => {
      const handle = handleOf(request, reset.directory);
      await deps.limits.check('reset_request', { ip: clientIp(request), directoryId: reset.directory.id });
      const locale = resolveLocale(request, reply, deps.cookies, languagePolicy(reset.directory));
      await service.resend({ ...handle, locale, ...requester(request) });
      return toFlow(reply, reset, handle.flowId);
    }),
  );

  app.post(
    '/d/:directory/reset/:flow/continue',
    route(async (request, reply, reset) => {
      const handle = handleOf(request, reset.directory);
      await service.proceed(handle);
      return toFlow(reply, reset, handle.flowId);
    }),
  );

  app.post(
    '/d/:directory/reset/:flow/password',
    route(async (request, reply, reset) => {
      const body = parse(PasswordBody, request.body);
      const handle = handleOf(request, reset.directory);
      const locale = resolveLocale(request, reply, deps.cookies, languagePolicy(reset.directory));
      const result = await service.choosePassword({ ...handle, password: body.new_password, confirmation: body.confirm_password, locale, ...requester(request) });
      if (result.problem) {
        const ctx = reset.view();
        const error = ctx.page.t(result.problem, { min: deps.settings.passwordMinLength, max: MAX_PASSWORD_LENGTH });
        return sendPage(reply, newPasswordPage(ctx, { flowId: handle.flowId, minLength: deps.settings.passwordMinLength, error }), 400);
      }
      reply.clearCookie(cookieName, deps.cookies.options());
      // Inside an application's user flow, back to that same sign-in (R19); else to the sign-in page.
      const back = takeUserFlowReturn(request, reply, deps.cookies, reset.directory.slug) ?? reset.paths.signIn;
      return reply.redirect(`${back}?notice=password_reset`, 303);
    }),
  );
}
