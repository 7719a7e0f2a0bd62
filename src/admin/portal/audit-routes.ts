import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csvChunks, jsonChunks } from '../../audit/audit-export.ts';
import { parseAuditQuery, type AuditRequest } from '../../audit/audit-filter.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { findAuditEvents, resolveAuditFilter, walkAuditEvents, type AuditScope } from '../../audit/audit-query.ts';
import { auditRetentionDays, MAX_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS, setAuditRetentionDays } from '../../audit/audit-retention.ts';
import { FUNNEL_DAYS_DEFAULT, resetFunnel } from '../../audit/reset-funnel.ts';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import type { SignedInAdmin } from '../admin-session-store.ts';
import { canSeeDirectory, directoryRoute, forbiddenPage, isAdmin, loadAdmin, loadFullAdmin, parseForm, seeOther } from './admin-guard.ts';
import { auditMessages as m, auditPage } from './pages/audit-pages.ts';
import { problemPage } from './pages/problem-page.ts';

// The audit log in the portal: the installation-wide page (limited administrators see their directories
// only), each directory's page, CSV/JSON exports of the filtered set, and the retention setting.

const PAGE_SIZE = 50;
const retentionForm = z.object({ _csrf: z.string(), days: z.string().regex(/^\d{1,5}$/) });

interface AuditContext {
  readonly admin: SignedInAdmin;
  /** The directory whose page this is; absent on the installation-wide page. */
  readonly directory?: Directory;
}

const badFilter = (reply: FastifyReply, admin: SignedInAdmin) =>
  sendPage(reply, problemPage({ title: m.badFilterTitle, message: m.badFilter, csrf: reply.generateCsrf(), admin }), 400);

/** The directories this request may read, or the refusal already sent. */
async function scopeOf(deps: AdminDeps, ctx: AuditContext, req: AuditRequest, reply: FastifyReply): Promise<AuditScope | FastifyReply> {
  if (ctx.directory) return [ctx.directory.id];
  const slug = req.filter.directory;
  if (!slug) return ctx.admin.allDirectories ? 'all' : ctx.admin.directoryIds;
  const directory = await deps.directories.findBySlug(slug);
  if (!directory) return badFilter(reply, ctx.admin);
  if (!canSeeDirectory(ctx.admin, directory.id)) return forbiddenPage(reply, ctx.admin, m.badFilter);
  return [directory.id];
}

const isScope = (value: AuditScope | FastifyReply): value is AuditScope => value === 'all' || Array.isArray(value);

async function showAudit(deps: AdminDeps, ctx: AuditContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const req = parseAuditQuery(request.query);
  if (!req || req.format) return badFilter(reply, ctx.admin);
  const scope = await scopeOf(deps, ctx, req, reply);
  if (!isScope(scope)) return scope;
  const resolved = await resolveAuditFilter(deps.db, req.filter, scope);
  const funnelDays = req.days ?? FUNNEL_DAYS_DEFAULT;
  const [rows, funnel, directories, retentionDays] = await Promise.all([
    findAuditEvents(deps.db, resolved, { limit: PAGE_SIZE + 1, ...(req.before ? { before: req.before } : {}) }),
    resetFunnel(deps.db, scope, funnelDays),
    ctx.directory ? Promise.resolve([]) : deps.directories.list().then((all) => all.filter((d) => canSeeDirectory(ctx.admin, d.id))),
    ctx.admin.allDirectories && !ctx.directory ? auditRetentionDays(deps.db) : Promise.resolve(undefined),
  ]);
  const page = rows.slice(0, PAGE_SIZE);
  const filter = ctx.directory ? { ...req.filter, directory: undefined } : req.filter;
  return sendPage(
    reply,
    auditPage({
      ...ctx, csrf: reply.generateCsrf(), directories, filter, rows: page, paged: req.before !== undefined, funnel, funnelDays,
      ...(rows.length > PAGE_SIZE ? { olderBefore: page[page.length - 1]?.id } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      ...((request.query as { saved?: unknown }).saved === '1' ? { notice: m.retentionSaved } : {}),
    }),
  );
}

async function exportAudit(deps: AdminDeps, ctx: AuditContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const req = parseAuditQuery(request.query);
  if (!req?.format || req.before) return badFilter(reply, ctx.admin);
  const scope = await scopeOf(deps, ctx, req, reply);
  if (!isScope(scope)) return scope;
  const resolved = await resolveAuditFilter(deps.db, req.filter, scope);
  // Who took a copy of the log, and of what, is itself worth knowing.
  await recordAudit(deps.db, {
    type: 'admin_audit_exported', outcome: 'success', adminId: ctx.admin.adminId, directoryId: ctx.directory?.id ?? null,
    ip: clientIp(request), userAgent: userAgent(request), detail: { format: req.format, filter: req.filter },
  });
  const rows = walkAuditEvents(deps.db, resolved);
  const stamp = new Date().toISOString().slice(0, 10);
  const name = `latchkey-audit-${ctx.directory ? `${ctx.directory.slug}-` : ''}${stamp}.${req.format}`;
  return reply
    .header('content-type', req.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(req.format === 'csv' ? csvChunks(rows) : jsonChunks(rows)));
}

async function saveRetention(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = await loadFullAdmin(deps, request, reply);
  if (!isAdmin(admin)) return admin;
  const form = parseForm(retentionForm, request.body);
  const days = form ? Number(form.days) : NaN;
  if (!Number.isInteger(days) || days < MIN_AUDIT_RETENTION_DAYS || days > MAX_AUDIT_RETENTION_DAYS) {
    return sendPage(reply, problemPage({ title: m.retentionTitle, message: m.retentionInvalid, csrf: reply.generateCsrf(), admin }), 400);
  }
  await deps.db.transaction().execute(async (trx) => {
    const before = await setAuditRetentionDays(trx, days);
    if (before === days) return;
    await recordAudit(trx, {
      type: 'admin_setting_changed', outcome: 'success', adminId: admin.adminId, ip: clientIp(request), userAgent: userAgent(request),
      detail: { setting: 'audit_retention_days', from: before, to: days },
    });
  });
  return seeOther(reply, '/admin/audit?saved=1');
}

export function registerAuditRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const global = (handler: typeof showAudit) => async (request: FastifyRequest, reply: FastifyReply) => {
    const admin = await loadAdmin(deps, request, reply);
    return isAdmin(admin) ? handler(deps, { admin }, request, reply) : admin;
  };
  const perDirectory = (handler: typeof showAudit) => directoryRoute(deps, (ctx, request, reply) => handler(deps, ctx, request, reply));
  app.get('/admin/audit', global(showAudit));
  app.get('/admin/audit/export', global(exportAudit));
  app.get('/admin/d/:directory/audit', perDirectory(showAudit));
  app.get('/admin/d/:directory/audit/export', perDirectory(exportAudit));
  app.post('/admin/audit/retention', (request, reply) => saveRetention(deps, request, reply));
}
