import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { randomToken, sha256 } from '../../domain/secrets.ts';
import { sendPage } from '../../http/request-context.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { inspectIdToken, type InspectedIdToken } from '../../run-now/inspect-id-token.ts';
import type { Application, Directory, FlowRun, UserFlow } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, isUuid, seeOther, type DirectoryContext } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { directoryPath } from './pages/directory-pages.ts';
import { problemPage } from './pages/problem-page.ts';
import { runFormPage, runNowMessages as m, runPage, targetValue, testInbox, tokenViewerPage } from './pages/run-now-pages.ts';
import { userFlowMessages } from './pages/user-flow-pages.ts';

// "Run now". A run is an ordinary authorization request (code + PKCE S256, state, nonce) made on the
// administrator's behalf, plus `latchkey_run`, the run's key, so the mail the flow sends is copied into
// the run's test inbox. With Latchkey's own test application the code comes back to the callback here,
// which redeems it at the directory's token endpoint like any client would and shows the ID token.

const runForm = z.object({
  target: z.string().min(38).max(2100),
  ui_locales: z.union([z.literal(''), z.enum(LOCALES as [string, ...string[]])]).optional(),
});
const callbackQuery = z.object({
  state: z.string().min(1).max(100),
  code: z.string().min(1).max(200).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(500).optional(),
});

export const runCallbackPath = (slug: string): string => `/admin/d/${encodeURIComponent(slug)}/run/callback`;

/** The applications that may start this flow: the built-in one first, then those allowed it. */
function applicationsFor(applications: readonly Application[], flow: UserFlow): Application[] {
  const allowed = (a: Application) => a.built_in || a.allowed_user_flows.length === 0 || a.allowed_user_flows.some((n) => n.toLowerCase() === flow.name.toLowerCase());
  return applications.filter((a) => allowed(a) && a.redirect_uris.length > 0);
}

export function registerRunNowRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function loadFlow(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, id: unknown): Promise<UserFlow | undefined> {
    const flow = isUuid(id) ? await deps.userFlows.findById(ctx.directory.id, id) : undefined;
    if (!flow) await sendPage(reply, problemPage({ title: userFlowMessages.notFound, message: userFlowMessages.notFound, csrf: reply.generateCsrf(), admin: ctx.admin }), 404);
    return flow;
  }

  async function runnable(directory: Directory, flow: UserFlow): Promise<Application[]> {
    await deps.applications.ensureBuiltIn(directory.id, deps.links.absolute(runCallbackPath(directory.slug)));
    return applicationsFor(await deps.applications.listForDirectory(directory.id), flow);
  }

  const runGone = (reply: FastifyReply, ctx: DirectoryContext) =>
    sendPage(reply, problemPage({ title: m.title, message: m.runGone, csrf: reply.generateCsrf(), admin: ctx.admin }), 404);

  /** The run in the URL with its flow and application, or the page already sent. */
  async function loadRun(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext) {
    const id = (request.params as { run?: unknown }).run;
    const run = isUuid(id) ? await deps.runs.findLive(ctx.directory.id, id) : undefined;
    const flow = run ? await deps.userFlows.findById(ctx.directory.id, run.user_flow_id) : undefined;
    const application = run ? await deps.applications.findById(ctx.directory.id, run.application_id) : undefined;
    if (!run || !flow || !application) {
      await runGone(reply, ctx);
      return undefined;
    }
    return { run, flow, application, authorizeUrl: deps.runs.authorizeUrl(run), messages: await deps.runs.messages(run.id) };
  }

  app.get('/admin/d/:directory/user-flows/:id/run', directoryRoute(deps, async (ctx, request, reply) => {
    const flow = await loadFlow(request, reply, ctx, (request.params as { id?: unknown }).id);
    if (!flow) return reply;
    return sendPage(reply, runFormPage({ ...ctx, csrf: reply.generateCsrf(), flow, applications: await runnable(ctx.directory, flow) }));
  }));

  app.post('/admin/d/:directory/user-flows/:id/run', directoryRoute(deps, async (ctx, request, reply) => {
    const flow = await loadFlow(request, reply, ctx, (request.params as { id?: unknown }).id);
    if (!flow) return reply;
    const applications = await runnable(ctx.directory, flow);
    const form = runForm.safeParse(request.body ?? {});
    // The target must be one the form offered: an application allowed this flow, one of its reply URLs exactly.
    const chosen = form.success ? applications.flatMap((a) => a.redirect_uris.map((uri) => ({ a, uri }))).find(({ a, uri }) => targetValue(a, uri) === form.data.target) : undefined;
    if (!form.success || !chosen) {
      return sendPage(reply, runFormPage({ ...ctx, csrf: reply.generateCsrf(), flow, applications, error: m.invalidTarget }), 400);
    }
    const key = randomToken();
    const state = randomToken();
    const nonce = randomToken();
    const verifier = randomToken();
    const uiLocales = form.data.ui_locales || null;
    const params = new URLSearchParams({
      client_id: chosen.a.client_id,
      redirect_uri: chosen.uri,
      response_type: 'code',
      scope: 'openid email profile',
      p: flow.name,
      state,
      nonce,
      code_challenge: sha256(verifier),
      code_challenge_method: 'S256',
      latchkey_run: key,
      // A run is a fresh look at the flow: an earlier customer session in this browser must not skip it.
      prompt: 'login',
      ...(uiLocales ? { ui_locales: uiLocales } : {}),
    });
    const authorizeUrl = deps.links.absolute(`/d/${encodeURIComponent(ctx.directory.slug)}/oauth2/authorize?${params.toString()}`);
    const run = await deps.runs.create({
      directoryId: ctx.directory.id, userFlowId: flow.id, applicationId: chosen.a.id, redirectUri: chosen.uri, adminId: ctx.admin.adminId,
      key, state, nonce, pkceVerifier: verifier, uiLocales, authorizeUrl,
    });
    await recordDirectoryAction(deps.db, request, ctx, 'admin_flow_run_started', { runId: run.id, userFlow: flow.name, applicationId: chosen.a.id });
    return seeOther(reply, directoryPath(ctx.directory.slug, `/runs/${run.id}`));
  }));

  app.get('/admin/d/:directory/runs/:run', directoryRoute(deps, async (ctx, request, reply) => {
    const loaded = await loadRun(request, reply, ctx);
    if (!loaded) return reply;
    return sendPage(reply, runPage({ ...ctx, csrf: reply.generateCsrf(), ...loaded }));
  }));

  // The inbox alone, for the page's script to poll; the page itself works without it.
  app.get('/admin/d/:directory/runs/:run/inbox', directoryRoute(deps, async (ctx, request, reply) => {
    const loaded = await loadRun(request, reply, ctx);
    if (!loaded) return reply;
    return sendPage(reply, testInbox({ directory: ctx.directory, ...loaded }).toString());
  }));

  app.get('/admin/d/:directory/run/callback', directoryRoute(deps, async (ctx, request, reply) => {
    const query = callbackQuery.safeParse(request.query ?? {});
    const run = query.success ? await deps.runs.findLiveByState(ctx.directory.id, query.data.state) : undefined;
    const flow = run ? await deps.userFlows.findById(ctx.directory.id, run.user_flow_id) : undefined;
    if (!query.success || !run || !flow) return runGone(reply, ctx);
    const view = { ...ctx, csrf: reply.generateCsrf(), flow, run };
    if (query.data.error || !query.data.code) {
      const error = `${query.data.error ?? 'no code'}${query.data.error_description ? ` (${query.data.error_description})` : ''}`;
      return sendPage(reply, tokenViewerPage({ ...view, error: m.flowError.replace('{error}', error) }), 400);
    }
    const exchanged = await redeem(app, ctx.directory, run, query.data.code, deps);
    if ('error' in exchanged) return sendPage(reply, tokenViewerPage({ ...view, error: m.exchangeFailed.replace('{error}', exchanged.error) }), 400);
    await deps.runs.markCompleted(run.id);
    return sendPage(reply, tokenViewerPage({ ...view, run: { ...run, completed_at: new Date() }, token: exchanged }));
  }));
}

/** The code redeemed at the directory's own token endpoint, in-process, exactly as a client would. */
async function redeem(app: FastifyInstance, directory: Directory, run: FlowRun, code: string, deps: AdminDeps): Promise<{ error: string } | { encoded: string; inspected: InspectedIdToken }> {
  const application = await deps.applications.findById(directory.id, run.application_id);
  if (!application) return { error: 'the application was deleted' };
  const response = await app.inject({
    method: 'POST',
    url: `/d/${encodeURIComponent(directory.slug)}/oauth2/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: run.redirect_uri, client_id: application.client_id, code_verifier: deps.runs.pkceVerifier(run) }).toString(),
  });
  const body = response.json<{ id_token?: string; error?: string; error_description?: string }>();
  if (response.statusCode !== 200 || typeof body.id_token !== 'string') return { error: `${body.error ?? response.statusCode}${body.error_description ? `: ${body.error_description}` : ''}` };
  const keys = await deps.db.selectFrom('signing_keys').select('public_jwk').where('directory_id', '=', directory.id).execute();
  const inspected = inspectIdToken(body.id_token, {
    keys: keys.map((k) => k.public_jwk as JsonWebKey),
    issuer: deps.links.absolute(`/d/${directory.slug}`),
    audience: application.client_id,
    nonce: run.nonce ?? '',
  });
  return { encoded: body.id_token, inspected };
}
