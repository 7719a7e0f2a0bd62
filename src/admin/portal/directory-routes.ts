import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import { createDirectoryStore } from '../../directories/directory-store.ts';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { Directory, ResetScope } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import type { SignedInAdmin } from '../admin-session-store.ts';
import { adminMessages as m } from './admin-messages.ts';
import { canSeeDirectory, currentAdmin, isDirectoryLoaded, loadDirectory, parseForm, safeNext, seeOther } from './admin-guard.ts';
import { directoryListPage, directoryOverviewPage, directoryPath } from './pages/directory-pages.ts';
import { passwordResetPage } from './pages/password-reset-page.ts';
import { signInPage } from './pages/sign-in-page.ts';

// The directory list, a directory's overview and its password reset setting. Every read goes to the
// database (DirectoryStore keeps no cache), so a change saved here is what every instance serves on
// its next page load.

const resetScopeForm = z.object({ _csrf: z.string(), reset_scope: z.enum(['none', 'all']) });

/** The change and its audit row commit together, the current value read under a row lock for an honest `from`. */
async function saveResetScope(deps: AdminDeps, request: FastifyRequest, admin: SignedInAdmin, directory: Directory, to: ResetScope): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('directories').select('reset_scope').where('id', '=', directory.id).forUpdate().executeTakeFirst();
    if (!row || row.reset_scope === to) return;
    await createDirectoryStore(trx).setResetScope(directory.id, to);
    await recordAudit(trx, {
      type: 'admin_setting_changed', outcome: 'success', directoryId: directory.id, adminId: admin.adminId,
      ip: clientIp(request), userAgent: userAgent(request),
      detail: { setting: 'reset_scope', from: row.reset_scope, to },
    });
  });
}

export function registerDirectoryRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin', async (request, reply) => {
    const csrf = reply.generateCsrf();
    const admin = await currentAdmin(deps, request);
    if (!admin) {
      const next = safeNext((request.query as { next?: unknown }).next);
      return sendPage(reply, signInPage({ csrf, ...(next ? { next } : {}) }));
    }
    const visible = (await deps.directories.list()).filter((d) => canSeeDirectory(admin, d.id));
    return sendPage(reply, directoryListPage(admin, csrf, visible));
  });

  app.get('/admin/d/:directory', async (request, reply) => {
    const loaded = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(loaded)) return loaded;
    return sendPage(reply, directoryOverviewPage(loaded.admin, reply.generateCsrf(), loaded.directory, deps.links));
  });

  app.get('/admin/d/:directory/password-reset', async (request, reply) => {
    const loaded = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(loaded)) return loaded;
    const saved = (request.query as { saved?: unknown }).saved === '1';
    return sendPage(reply, passwordResetPage({ ...loaded, csrf: reply.generateCsrf(), saved }));
  });

  app.post('/admin/d/:directory/password-reset', async (request, reply) => {
    const loaded = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(loaded)) return loaded;
    const form = parseForm(resetScopeForm, request.body);
    if (!form) {
      // Nothing is written; the page shows the value still stored.
      return sendPage(reply, passwordResetPage({ ...loaded, csrf: reply.generateCsrf(), error: m.invalidResetScope }), 400);
    }
    await saveResetScope(deps, request, loaded.admin, loaded.directory, form.reset_scope);
    return seeOther(reply, `${directoryPath(loaded.directory.slug, '/password-reset')}?saved=1`);
  });
}
