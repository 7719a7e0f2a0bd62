import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { addPortalAdmin, listAdmins, removeAdmin, type RemoveAdminResult } from '../admin-roster.ts';
import type { SignedInAdmin } from '../admin-session-store.ts';
import { isAdmin, loadFullAdmin, seeOther } from './admin-guard.ts';
import { administratorsMessages as m, administratorsPage, type AdministratorsView } from './pages/administrators-page.ts';

// The Administrators page: only administrators with every directory may open it.

const addForm = z.object({
  _csrf: z.string(),
  email: z.string().max(320),
  password: z.string().max(1024),
  confirm: z.string().max(1024),
  access: z.enum(['all', 'some']),
  directories: z.union([z.string().max(64), z.array(z.string().max(64)).max(1000)]).optional(),
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const removalNotice: Record<Exclude<RemoveAdminResult, 'removed'>, string> = { self: m.cannotRemoveSelf, last: m.cannotRemoveLast, missing: m.unknownAdmin };

export function registerAdministratorRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function page(reply: FastifyReply, admin: SignedInAdmin, extra: Partial<AdministratorsView> = {}, status = 200) {
    const [admins, directories] = await Promise.all([listAdmins(deps.db), deps.directories.list()]);
    return sendPage(reply, administratorsPage({ admin, csrf: reply.generateCsrf(), admins, directories, ...extra }), status);
  }
  const actor = (admin: SignedInAdmin, request: FastifyRequest) => ({ adminId: admin.adminId, ip: clientIp(request), userAgent: userAgent(request) });

  app.get('/admin/administrators', async (request, reply) => {
    const admin = await loadFullAdmin(deps, request, reply);
    if (!isAdmin(admin)) return admin;
    const done = (request.query as { done?: unknown }).done;
    return page(reply, admin, done === 'added' ? { notice: m.added } : done === 'removed' ? { notice: m.removed } : {});
  });

  app.post('/admin/administrators', async (request, reply) => {
    const admin = await loadFullAdmin(deps, request, reply);
    if (!isAdmin(admin)) return admin;
    const form = addForm.safeParse(request.body ?? {});
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!form.success) return page(reply, admin, { error: m.invalidAccess, draft: { email, access: 'all', directoryIds: [] } }, 400);
    const chosen = form.data.directories === undefined ? [] : [form.data.directories].flat();
    const draft = { email, access: form.data.access, directoryIds: chosen };
    const known = new Set((await deps.directories.list()).map((d) => d.id));
    if (form.data.access === 'some' && (chosen.length === 0 || chosen.some((id) => !UUID.test(id) || !known.has(id)))) {
      return page(reply, admin, { error: m.invalidAccess, draft }, 400);
    }
    const result = await addPortalAdmin(
      deps.db, deps.hasher,
      { email: form.data.email, password: form.data.password, confirm: form.data.confirm, ...(form.data.access === 'some' ? { directoryIds: [...new Set(chosen)] } : {}) },
      actor(admin, request),
    );
    if (!result.ok) return page(reply, admin, { error: result.message, draft }, 400);
    return seeOther(reply, '/admin/administrators?done=added');
  });

  app.post('/admin/administrators/:id/remove', async (request, reply) => {
    const admin = await loadFullAdmin(deps, request, reply);
    if (!isAdmin(admin)) return admin;
    const id = (request.params as { id: string }).id;
    const result = UUID.test(id) ? await removeAdmin(deps.db, id, actor(admin, request)) : 'missing';
    if (result === 'removed') return seeOther(reply, '/admin/administrators?done=removed');
    return page(reply, admin, { removalError: removalNotice[result] }, result === 'missing' ? 404 : 409);
  });
}
