import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { createApplicationStore, type ApplicationStore } from '../../applications/application-store.ts';
import type { Database } from '../../storage/schema.ts';
import { MAX_REDIRECT_URIS, parseRedirectUris, redirectUriProblem } from '../../applications/redirect-uri.ts';
import { recordAudit, type AuditType } from '../../audit/audit-log.ts';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { isDirectoryLoaded, loadDirectory, seeOther, type DirectoryContext } from './admin-guard.ts';
import { applicationMessages as m, applicationsPage, type ApplicationsView } from './pages/application-pages.ts';
import { directoryPath } from './pages/directory-pages.ts';

// App registrations: list, register, rotate a confidential client's secret, delete. A secret is shown
// on the response that created it and never again: the page is no-store and the database holds a hash.

const registrationForm = z.object({
  _csrf: z.string(),
  display_name: z.string().trim().min(1).max(100),
  redirect_uris: z.string().max(21_000),
  client_type: z.enum(['public', 'confidential']),
  flows: z.union([z.string().max(64), z.array(z.string().max(64)).max(50)]).optional(),
});
const ID = /^[0-9a-f-]{36}$/;

export function registerApplicationRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function page(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: Partial<ApplicationsView> = {}, status = 200) {
    const [applications, userFlows] = await Promise.all([deps.applications.listForDirectory(ctx.directory.id), deps.userFlows.listForDirectory(ctx.directory.id)]);
    const notice = (request.query as { done?: unknown }).done;
    const view: ApplicationsView = {
      ...ctx, csrf: reply.generateCsrf(), applications, userFlows,
      ...(notice === 'removed' ? { notice: m.removed } : {}),
      ...extra,
    };
    return sendPage(reply, applicationsPage(view), status);
  }

  const audit = (trx: Kysely<Database>, request: FastifyRequest, ctx: DirectoryContext, type: AuditType, detail: Record<string, unknown>) =>
    recordAudit(trx, { type, outcome: 'success', directoryId: ctx.directory.id, adminId: ctx.admin.adminId, ip: clientIp(request), userAgent: userAgent(request), detail });
  /** The change and its audit row commit together or not at all. */
  const audited = <T>(work: (store: ApplicationStore, trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    deps.db.transaction().execute((trx) => work(createApplicationStore(trx), trx));

  app.get('/admin/d/:directory/applications', async (request, reply) => {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    return page(request, reply, ctx);
  });

  app.post('/admin/d/:directory/applications', async (request, reply) => {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 21_000) : '');
    const typedFlows = Array.isArray(body.flows) ? body.flows.filter((f): f is string => typeof f === 'string') : typeof body.flows === 'string' ? [body.flows] : [];
    const draft = { name: text('display_name').slice(0, 200), redirects: text('redirect_uris'), type: text('client_type') || 'public', flows: typedFlows };
    const refuse = (error: string) => page(request, reply, ctx, { error, draft }, 400);

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

    const { application, clientSecret } = await audited(async (store, trx) => {
      const created = await store.create(ctx.directory.id, {
        displayName: form.data.display_name, redirectUris: uris, clientType: form.data.client_type, allowedUserFlows: flows,
      });
      await audit(trx, request, ctx, 'admin_application_registered', { applicationId: created.application.id, clientId: created.application.client_id });
      return created;
    });
    return page(request, reply, ctx, { notice: m.registered, ...(clientSecret ? { secret: { applicationId: application.id, value: clientSecret } } : {}) });
  });

  app.post('/admin/d/:directory/applications/:id/rotate', async (request, reply) => {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    const id = (request.params as { id: string }).id;
    const secret = !ID.test(id) ? undefined : await audited(async (store, trx) => {
      const rotated = await store.rotateSecret(ctx.directory.id, id);
      if (rotated) await audit(trx, request, ctx, 'admin_application_secret_rotated', { applicationId: id });
      return rotated;
    });
    if (!secret) return seeOther(reply, directoryPath(ctx.directory.slug, '/applications'));
    return page(request, reply, ctx, { secret: { applicationId: id, value: secret } });
  });

  app.post('/admin/d/:directory/applications/:id/delete', async (request, reply) => {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    const id = (request.params as { id: string }).id;
    if (ID.test(id)) {
      await audited(async (store, trx) => {
        if (await store.remove(ctx.directory.id, id)) await audit(trx, request, ctx, 'admin_application_deleted', { applicationId: id });
      });
    }
    return seeOther(reply, `${directoryPath(ctx.directory.slug, '/applications')}?done=removed`);
  });
}
