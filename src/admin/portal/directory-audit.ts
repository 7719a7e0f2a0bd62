import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { recordAudit, type AuditType } from '../../audit/audit-log.ts';
import { createTextSettingsStore, type TextSettingsStore } from '../../directories/text-settings-store.ts';
import { clientIp, userAgent } from '../../http/request-context.ts';
import type { Database } from '../../storage/schema.ts';
import type { DirectoryContext } from './admin-guard.ts';

// What an administrator did to a directory, in the audit log: who, from where, in which directory, and
// the `detail` of what. Pass the transaction as `executor` when the row must commit with the change.

export function recordDirectoryAction(executor: Kysely<Database>, request: FastifyRequest, ctx: DirectoryContext, type: AuditType, detail?: Record<string, unknown>): Promise<void> {
  return recordAudit(executor, {
    type, outcome: 'success', directoryId: ctx.directory.id, adminId: ctx.admin.adminId,
    ip: clientIp(request), userAgent: userAgent(request), detail,
  });
}

/** A change to the directory's texts or email templates, committed with its audit row. */
export function changeTextSettings(db: Kysely<Database>, request: FastifyRequest, ctx: DirectoryContext, detail: Record<string, unknown>, write: (store: TextSettingsStore) => Promise<unknown>): Promise<void> {
  return db.transaction().execute(async (trx) => {
    await write(createTextSettingsStore(trx));
    await recordDirectoryAction(trx, request, ctx, 'admin_setting_changed', detail);
  });
}
