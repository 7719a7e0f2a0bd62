import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_REDIRECT_URIS, parseRedirectUris, redirectUriProblem } from '../../applications/redirect-uri.ts';
import { sendPage } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, isUuid, seeOther, type DirectoryContext } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { applicationEditPage, applicationMessages as m, applicationsPage, type ApplicationsView } from './pages/application-pages.ts';
import { directoryPath } from './pages/directory-pages.ts';

// App registrations: list, register, rotate a confidential client's secret, delete. A secret is shown
// on the response that created it and never again: the page is no-store and the database holds a hash.

type Registration = { displayName: string; redirectUris: string[]; clientType: 'public' | 'confidential'; allowedUserFlows: string[] };
type Draft = NonNullable<ApplicationsView['draft']>;

const registrationForm = z.object({
  _csrf: z.string(),
  display_name: z.string().trim().min(1).max(100),
  redirect_uris: z.string().max(21_000),
  client_type: z.enum(['public', 'confidential']),
  flows: z.union([z.string().max(64), z.array(z.string().max(64)).max(50)]).optional(),
});

export function registerApplicationRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function page(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: Partial<ApplicationsView> = {}, status = 200) {
    const [applications, userFlows] = await Promise.all([deps.applications.listForDirectory(ctx.directory.id), deps.userFlows.listForDirectory(ctx.directory.id)]);
    const notice = (request.query as { done?: unknown }).done;
    const view: ApplicationsView = {
      ...ctx, csrf: reply.generateCsrf(), applications, userFlows,
      ...(notice === 'removed' ? { notice: m.removed } : notice === 'saved' ? { notice: m.saved } : {}),
      ...extra,
    };
    return sendPage(reply, applicationsPage(view), status);
  }

  app.get('/admin/d/:directory/applications', directoryRoute(deps, async (ctx, request, reply) => {
    return page(request, reply, ctx);
  }));

  /** The form checked as a whole: the registration, or the message to show with what was typed. */
  async function readForm(request: FastifyRequest, ctx: DirectoryContext): Promise<{ ok: true; data: Registration } | { ok: false; error: string; draft: Draft }> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 21_000) : '');
    const typedFlows = Array.isArray(body.flows) ? body.flows.filter((f): f is string => typeof f === 'string') : typeof body.flows === 'string' ? [body.flows] : [];
    const draft = { name: text('display_name').slice(0, 200), redirects: text('redirect_uris'), type: text('client_type') || 'public', flows: typedFlows };
    const refuse = (error: string) => ({ ok: false as const, error, draft });

    const form = registrationForm.safeParse(request.body);
    if (!form.success) return refuse(form.error.issues.some((i) => i.path[0] === 'display_name') ? m.invalidName : m.invalidRedirects);
    const uris = parseRedirectUris(form.data.redirect_uris);
    if (uris.length === 0 || uris.length > MAX_REDIRECT_URIS) return refuse(m.invalidRedirects);
    for (const uri of uris) {
      const problem = redirectUriProblem(uri);
      if (problem) return refuse(m.invalidRedirect.replace('{uri}', uri.slice(0, 200)).replace('{problem}', m.problems[problem]));
    }
    const known = new Set((await deps.userFlows.listForDirectory(ctx.directory.id)).map((f) => f.name));
    const flows = form.data.flows === undefined ? [] : [form.data.flows].flat();
    if (flows.some((f) => !known.has(f))) return refuse(m.invalidFlows);
    return { ok: true, data: { displayName: form.data.display_name, redirectUris: uris, clientType: form.data.client_type, allowedUserFlows: flows } };
  }

  app.post('/admin/d/:directory/applications', directoryRoute(deps, async (ctx, request, reply) => {
    const read = await readForm(request, ctx);
    if (!read.ok) return page(request, reply, ctx, { error: read.error, draft: read.draft }, 400);
    const { application, clientSecret } = await deps.applications.create(ctx.directory.id, read.data);
    await recordDirectoryAction(deps.db, request, ctx, 'admin_application_registered', { applicationId: application.id, clientId: application.client_id });
    return page(request, reply, ctx, { notice: m.registered, ...(clientSecret ? { secret: { applicationId: application.id, value: clientSecret } } : {}) });
  }));

  /** A registration of this directory that the portal may change (not the built-in test application). */
  async function editable(request: FastifyRequest, ctx: DirectoryContext) {
    const id = (request.params as { id: string }).id;
    const application = isUuid(id) ? await deps.applications.findById(ctx.directory.id, id) : undefined;
    return application && !application.built_in ? application : undefined;
  }

  app.get('/admin/d/:directory/applications/:id', directoryRoute(deps, async (ctx, request, reply) => {
    const application = await editable(request, ctx);
    if (!application) return seeOther(reply, directoryPath(ctx.directory.slug, '/applications'));
    const userFlows = await deps.userFlows.listForDirectory(ctx.directory.id);
    return sendPage(reply, applicationEditPage({ ...ctx, csrf: reply.generateCsrf(), application, userFlows }));
  }));

  app.post('/admin/d/:directory/applications/:id', directoryRoute(deps, async (ctx, request, reply) => {
    const application = await editable(request, ctx);
    if (!application) return seeOther(reply, directoryPath(ctx.directory.slug, '/applications'));
    // The client type stays what it was registered as: changing it would change how the client authenticates.
    const read = await readForm(request, ctx);
    if (!read.ok) {
      const userFlows = await deps.userFlows.listForDirectory(ctx.directory.id);
      return sendPage(reply, applicationEditPage({ ...ctx, csrf: reply.generateCsrf(), application, userFlows, error: read.error, draft: read.draft }), 400);
    }
    await deps.applications.update(ctx.directory.id, application.id, { ...read.data, postLogoutRedirectUris: application.post_logout_redirect_uris });
    await recordDirectoryAction(deps.db, request, ctx, 'admin_application_changed', { applicationId: application.id });
    return seeOther(reply, `${directoryPath(ctx.directory.slug, '/applications')}?done=saved`);
  }));

  app.post('/admin/d/:directory/applications/:id/rotate', directoryRoute(deps, async (ctx, request, reply) => {
    const id = (request.params as { id: string }).id;
    const secret = isUuid(id) ? await deps.applications.rotateSecret(ctx.directory.id, id) : undefined;
    if (!secret) return seeOther(reply, directoryPath(ctx.directory.slug, '/applications'));
    await recordDirectoryAction(deps.db, request, ctx, 'admin_application_secret_rotated', { applicationId: id });
    return page(request, reply, ctx, { secret: { applicationId: id, value: secret } });
  }));

  app.post('/admin/d/:directory/applications/:id/delete', directoryRoute(deps, async (ctx, request, reply) => {
    const id = (request.params as { id: string }).id;
    if (isUuid(id) && (await deps.applications.remove(ctx.directory.id, id))) {
      await recordDirectoryAction(deps.db, request, ctx, 'admin_application_deleted', { applicationId: id });
    }
    return seeOther(reply, `${directoryPath(ctx.directory.slug, '/applications')}?done=removed`);
  }));
}
