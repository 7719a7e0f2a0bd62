import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { createDirectoryStore } from '../../directories/directory-store.ts';
import { sendPage } from '../../http/request-context.ts';
import type { Directory, ResetScope } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { createGroupAdmin } from '../groups/group-admin.ts';
import type { SignedInAdmin } from '../admin-session-store.ts';
import { adminMessages as m } from './admin-messages.ts';
import { canSeeDirectory, currentAdmin, directoryRoute, parseForm, safeNext, seeOther } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { directoryListPage, directoryOverviewPage, directoryPath } from './pages/directory-pages.ts';
import { passwordResetPage } from './pages/password-reset-page.ts';
import { signInPage } from './pages/sign-in-page.ts';

// The directory list, a directory's overview and its password reset setting. The portal reads the table
// itself; customer pages keep the rows in memory until PostgreSQL's notice of a change (directory-cache.ts),
// so a change saved here is served at once by this instance and within milliseconds by the others.

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const resetScopeForm = z.object({
  _csrf: z.string(),
  reset_scope: z.enum(['none', 'all', 'selected']),
  reset_groups: z.union([z.string().regex(ID), z.array(z.string().regex(ID)).max(500)]).optional(),
});

/**
 * The scope, the groups it names and the audit row commit together, the current values read under a
 * row lock for an honest `from`. Selected with no group of this directory is refused: nothing written.
 */
async function saveResetScope(deps: AdminDeps, request: FastifyRequest, admin: SignedInAdmin, directory: Directory, to: ResetScope, groupIds: readonly string[]): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('directories').select('reset_scope').where('id', '=', directory.id).forUpdate().executeTakeFirst();
    if (!row) return false;
    const groups = await trx.selectFrom('groups').select(['id', 'reset_allowed']).where('directory_id', '=', directory.id).forUpdate().execute();
    const chosen = to === 'selected' ? groups.filter((g) => groupIds.includes(g.id)) : groups.filter((g) => g.reset_allowed);
    if (to === 'selected' && (chosen.length === 0 || chosen.length !== new Set(groupIds).size)) return false;
    const before = groups.filter((g) => g.reset_allowed).map((g) => g.id).sort();
    const after = chosen.map((g) => g.id).sort();
    if (row.reset_scope === to && before.join() === after.join()) return true;
    await createDirectoryStore(trx).setResetScope(directory.id, to);
    if (to === 'selected') {
      await trx.updateTable('groups').set({ reset_allowed: sql<boolean>`id = ANY(${after}::uuid[])` }).where('directory_id', '=', directory.id).execute();
    }
    await recordDirectoryAction(trx, request, { admin, directory }, 'admin_setting_changed', {
      setting: 'reset_scope', from: row.reset_scope, to, ...(to === 'selected' || row.reset_scope === 'selected' ? { groupsFrom: before, groupsTo: after } : {}),
    });
    return true;
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

  app.get('/admin/d/:directory', directoryRoute(deps, async (loaded, request, reply) => {
    return sendPage(reply, directoryOverviewPage(loaded.admin, reply.generateCsrf(), loaded.directory, deps.links));
  }));

  const groups = createGroupAdmin(deps.db);

  app.get('/admin/d/:directory/password-reset', directoryRoute(deps, async (loaded, request, reply) => {
    const saved = (request.query as { saved?: unknown }).saved === '1';
    return sendPage(reply, passwordResetPage({ ...loaded, csrf: reply.generateCsrf(), groups: await groups.list(loaded.directory), saved }));
  }));

  app.post('/admin/d/:directory/password-reset', directoryRoute(deps, async (loaded, request, reply) => {
    const form = parseForm(resetScopeForm, request.body);
    const groupIds = form?.reset_groups === undefined ? [] : [form.reset_groups].flat();
    if (!form || !(await saveResetScope(deps, request, loaded.admin, loaded.directory, form.reset_scope, groupIds))) {
      // Nothing is written; the page shows the values still stored.
      const error = form ? m.invalidResetGroups : m.invalidResetScope;
      return sendPage(reply, passwordResetPage({ ...loaded, csrf: reply.generateCsrf(), groups: await groups.list(loaded.directory), error }), 400);
    }
    return seeOther(reply, `${directoryPath(loaded.directory.slug, '/password-reset')}?saved=1`);
  }));
}
