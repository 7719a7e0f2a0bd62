import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { Group } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { createGroupAdmin } from '../groups/group-admin.ts';
import { MAX_SEARCH_LENGTH, searchAccounts } from '../users/account-search.ts';
import type { AdminActor } from '../users/user-admin.ts';
import { directoryRoute, isDirectoryLoaded, loadDirectory, seeOther, type DirectoryContext } from './admin-guard.ts';
import { groupListPage, groupMessages as m, groupPage, groupPath, type GroupView } from './pages/group-pages.ts';
import { problemPage } from './pages/problem-page.ts';

// Groups of a directory: create, rename, delete, add and remove members. Unknown or foreign ids (group
// or account) get a 404 page and change nothing.

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const nameForm = z.object({ _csrf: z.string(), name: z.string().trim().min(1).max(100) });
const memberForm = z.object({ _csrf: z.string(), account_id: z.string().regex(ID) });
const NOTICES: Readonly<Record<string, string>> = { created: m.created, renamed: m.renamed, removed: m.removed, added: m.added, member_removed: m.memberRemoved };

interface LoadedGroup {
  readonly ctx: DirectoryContext;
  readonly group: Group;
}
const isGroupLoaded = (value: LoadedGroup | FastifyReply): value is LoadedGroup => 'group' in value;

export function registerGroupRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const groups = createGroupAdmin(deps.db);
  const actor = (request: FastifyRequest, ctx: DirectoryContext): AdminActor => ({ adminId: ctx.admin.adminId, ip: clientIp(request), userAgent: userAgent(request) });
  const notice = (request: FastifyRequest) => {
    const done = (request.query as { done?: unknown }).done;
    return typeof done === 'string' && Object.hasOwn(NOTICES, done) ? { notice: NOTICES[done] } : {};
  };
  const typedName = (request: FastifyRequest) => {
    const name = (request.body as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? name.slice(0, 200) : '';
  };
  const problem = (reply: FastifyReply, ctx: DirectoryContext, message: string) =>
    sendPage(reply, problemPage({ title: m.notFoundTitle, message, csrf: reply.generateCsrf(), admin: ctx.admin }), 404);

  async function loadGroup(request: FastifyRequest, reply: FastifyReply): Promise<LoadedGroup | FastifyReply> {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    const id = (request.params as { id?: unknown }).id;
    const group = typeof id === 'string' && ID.test(id) ? await groups.find(ctx.directory, id) : undefined;
    return group ? { ctx, group } : problem(reply, ctx, m.notFound);
  }

  async function list(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: { error?: string; draft?: string } = {}, status = 200) {
    return sendPage(reply, groupListPage({ ...ctx, csrf: reply.generateCsrf(), groups: await groups.list(ctx.directory), ...notice(request), ...extra }), status);
  }

  async function show(request: FastifyRequest, reply: FastifyReply, { ctx, group }: LoadedGroup, extra: Partial<GroupView> = {}, status = 200) {
    const q = (request.query as { q?: unknown }).q;
    const query = typeof q === 'string' && q.length <= MAX_SEARCH_LENGTH ? q : '';
    const [members, found] = await Promise.all([groups.members(group), query.trim() ? searchAccounts(deps.db, { directoryId: ctx.directory.id, query }) : { rows: [] }]);
    return sendPage(reply, groupPage({ ...ctx, csrf: reply.generateCsrf(), group, members, query, found: found.rows, ...notice(request), ...extra }), status);
  }

  app.get('/admin/d/:directory/groups', directoryRoute(deps, (ctx, request, reply) => list(request, reply, ctx)));

  app.post('/admin/d/:directory/groups', directoryRoute(deps, async (ctx, request, reply) => {
    const form = nameForm.safeParse(request.body ?? {});
    if (!form.success) return list(request, reply, ctx, { error: m.invalidName, draft: typedName(request) }, 400);
    const created = await groups.create(ctx.directory, form.data.name, actor(request, ctx));
    if (created === 'duplicate') return list(request, reply, ctx, { error: m.duplicateName, draft: typedName(request) }, 400);
    return seeOther(reply, `${groupPath(ctx.directory, created.id)}?done=created`);
  }));

  app.get('/admin/d/:directory/groups/:id', async (request, reply) => {
    const loaded = await loadGroup(request, reply);
    return isGroupLoaded(loaded) ? show(request, reply, loaded) : loaded;
  });

  app.post('/admin/d/:directory/groups/:id/rename', async (request, reply) => {
    const loaded = await loadGroup(request, reply);
    if (!isGroupLoaded(loaded)) return loaded;
    const form = nameForm.safeParse(request.body ?? {});
    if (!form.success) return show(request, reply, loaded, { error: m.invalidName, draft: typedName(request) }, 400);
    const renamed = await groups.rename(loaded.ctx.directory, loaded.group, form.data.name, actor(request, loaded.ctx));
    if (renamed === 'duplicate') return show(request, reply, loaded, { error: m.duplicateName, draft: typedName(request) }, 400);
    return seeOther(reply, `${groupPath(loaded.ctx.directory, loaded.group.id)}?done=renamed`);
  });

  app.post('/admin/d/:directory/groups/:id/delete', async (request, reply) => {
    const loaded = await loadGroup(request, reply);
    if (!isGroupLoaded(loaded)) return loaded;
    await groups.remove(loaded.ctx.directory, loaded.group, actor(request, loaded.ctx));
    return seeOther(reply, `${groupPath(loaded.ctx.directory)}?done=removed`);
  });

  app.post('/admin/d/:directory/groups/:id/members', async (request, reply) => {
    const loaded = await loadGroup(request, reply);
    if (!isGroupLoaded(loaded)) return loaded;
    const form = memberForm.safeParse(request.body ?? {});
    const added = form.success && (await groups.addMember(loaded.ctx.directory, loaded.group, form.data.account_id, actor(request, loaded.ctx)));
    if (!added) return problem(reply, loaded.ctx, m.unknownMember);
    return seeOther(reply, `${groupPath(loaded.ctx.directory, loaded.group.id)}?done=added`);
  });

  app.post('/admin/d/:directory/groups/:id/members/:account/remove', async (request, reply) => {
    const loaded = await loadGroup(request, reply);
    if (!isGroupLoaded(loaded)) return loaded;
    const account = (request.params as { account?: unknown }).account;
    const removed = typeof account === 'string' && ID.test(account) && (await groups.removeMember(loaded.ctx.directory, loaded.group, account, actor(request, loaded.ctx)));
    if (!removed) return problem(reply, loaded.ctx, m.unknownMember);
    return seeOther(reply, `${groupPath(loaded.ctx.directory, loaded.group.id)}?done=member_removed`);
  });
}
