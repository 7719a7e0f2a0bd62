import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { USER_FLOW_NAME_PATTERN, USER_FLOW_TYPES } from '../../applications/user-flow-store.ts';
import { sendPage } from '../../http/request-context.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { TOKEN_CLAIMS } from '../../oidc/oidc-provider-factory.ts';
import type { UserFlow } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, isUuid, seeOther, type DirectoryContext } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { problemPage } from './pages/problem-page.ts';
import { directoryPath } from './pages/directory-pages.ts';
import { COLLECTED_ATTRIBUTES, NAME_PREFIX, flowPath, userFlowListPage, userFlowMessages as m, userFlowPage, type UserFlowListView } from './pages/user-flow-pages.ts';

// User flows: list, create, edit properties, delete. A flow is read on every authorize request, so a
// saved change applies on every instance from the next sign-in on.

// Checkbox groups arrive as a string (one ticked), an array (several) or not at all (none).
const ticked = <T extends string>(values: readonly T[]) =>
  z.union([z.enum(values as [T, ...T[]]), z.array(z.enum(values as [T, ...T[]])).max(values.length)]).optional().transform((v) => [...new Set(v === undefined ? [] : [v].flat())]);

const createForm = z.object({
  name: z.string().trim().min(1).max(64),
  type: z.enum(USER_FLOW_TYPES as [string, ...string[]]),
});
const propertiesForm = z.object({
  password_reset: z.enum(['directory', 'off']).optional(),
  attributes: ticked(COLLECTED_ATTRIBUTES),
  claims: ticked(TOKEN_CLAIMS),
  default_locale: z.union([z.literal(''), z.enum(LOCALES as [string, ...string[]])]),
});

/** `signin` and `B2C_1_signin` both name B2C_1_signin, as in B2C's portal. */
export function fullFlowName(typed: string): string | undefined {
  const name = typed.toUpperCase().startsWith(NAME_PREFIX.toUpperCase()) ? NAME_PREFIX + typed.slice(NAME_PREFIX.length) : NAME_PREFIX + typed;
  return USER_FLOW_NAME_PATTERN.test(name) && typed.length > 0 && name.length > NAME_PREFIX.length ? name : undefined;
}

export function registerUserFlowRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function listPage(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: Partial<UserFlowListView> = {}, status = 200) {
    const flows = await deps.userFlows.listForDirectory(ctx.directory.id);
    const done = (request.query as { done?: unknown }).done;
    return sendPage(reply, userFlowListPage({ ...ctx, csrf: reply.generateCsrf(), flows, ...(done === 'removed' ? { notice: m.removed } : {}), ...extra }), status);
  }

  /** The flow named in the URL, or the 404 page already sent. */
  async function loadFlow(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext): Promise<UserFlow | undefined> {
    const id = (request.params as { id?: unknown }).id;
    const flow = isUuid(id) ? await deps.userFlows.findById(ctx.directory.id, id) : undefined;
    if (!flow) await sendPage(reply, problemPage({ title: m.notFound, message: m.notFound, csrf: reply.generateCsrf(), admin: ctx.admin }), 404);
    return flow;
  }

  app.get('/admin/d/:directory/user-flows', directoryRoute(deps, async (ctx, request, reply) => {
    return listPage(request, reply, ctx);
  }));

  app.post('/admin/d/:directory/user-flows', directoryRoute(deps, async (ctx, request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const draft = { name: typeof body.name === 'string' ? body.name.slice(0, 100) : '', type: typeof body.type === 'string' ? body.type.slice(0, 40) : '' };
    const form = createForm.safeParse(body);
    if (!form.success) {
      const error = form.error.issues.some((issue) => issue.path[0] === 'type') ? m.invalidType : m.invalidName;
      return listPage(request, reply, ctx, { error, draft }, 400);
    }
    const name = fullFlowName(form.data.name);
    if (!name) return listPage(request, reply, ctx, { error: m.invalidName, draft }, 400);
    const flow = await deps.userFlows.create(ctx.directory.id, { name, type: form.data.type as UserFlow['type'] });
    if (!flow) return listPage(request, reply, ctx, { error: m.nameTaken, draft }, 409);
    await recordDirectoryAction(deps.db, request, ctx, 'admin_user_flow_created', { userFlowId: flow.id, name: flow.name, type: flow.type });
    return seeOther(reply, `${flowPath(ctx.directory, flow)}?done=created`);
  }));

  app.get('/admin/d/:directory/user-flows/:id', directoryRoute(deps, async (ctx, request, reply) => {
    const flow = await loadFlow(request, reply, ctx);
    if (!flow) return reply;
    const done = (request.query as { done?: unknown }).done;
    const notice = done === 'created' ? m.created : done === 'saved' ? m.saved : undefined;
    return sendPage(reply, userFlowPage({ ...ctx, csrf: reply.generateCsrf(), flow, ...(notice ? { notice } : {}) }));
  }));

  app.post('/admin/d/:directory/user-flows/:id', directoryRoute(deps, async (ctx, request, reply) => {
    const flow = await loadFlow(request, reply, ctx);
    if (!flow) return reply;
    const form = propertiesForm.safeParse(request.body ?? {});
    if (!form.success) return sendPage(reply, userFlowPage({ ...ctx, csrf: reply.generateCsrf(), flow, error: m.invalidSettings }), 400);
    const settings = {
      passwordReset: form.data.password_reset === 'off' ? 'off' : 'directory',
      collectedAttributes: form.data.attributes,
      tokenClaims: form.data.claims,
      defaultLocale: form.data.default_locale === '' ? null : (form.data.default_locale as UserFlow['default_locale']),
    } as const;
    await deps.userFlows.updateSettings(ctx.directory.id, flow.id, settings);
    await recordDirectoryAction(deps.db, request, ctx, 'admin_user_flow_changed', { userFlowId: flow.id, ...settings });
    return seeOther(reply, `${flowPath(ctx.directory, flow)}?done=saved`);
  }));

  app.post('/admin/d/:directory/user-flows/:id/delete', directoryRoute(deps, async (ctx, request, reply) => {
    const flow = await loadFlow(request, reply, ctx);
    if (!flow) return reply;
    await deps.userFlows.remove(ctx.directory.id, flow.id);
    await recordDirectoryAction(deps.db, request, ctx, 'admin_user_flow_deleted', { userFlowId: flow.id, name: flow.name });
    return seeOther(reply, `${directoryPath(ctx.directory.slug, '/user-flows')}?done=removed`);
  }));
}
