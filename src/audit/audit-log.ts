import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../storage/schema.ts';

// Who did what, when, from where. Written in the same transaction as the change it records.

/** Every type written, listed so the portal's filter offers exactly these. */
export const AUDIT_TYPES = [
  'sign_up',
  'sign_in',
  'sign_out',
  'lockout',
  'reset_requested',
  'reset_code_sent',
  'reset_code_failed',
  'reset_code_verified',
  'reset_completed',
  'password_changed',
  'sessions_revoked',
  'admin_sign_in',
  'admin_sign_out',
  'admin_application_registered',
  'admin_application_secret_rotated',
  'admin_application_deleted',
  'admin_setting_changed',
  'admin_created',
  'admin_removed',
  'admin_audit_exported',
  'admin_application_changed',
  'admin_user_flow_created',
  'admin_user_flow_changed',
  'admin_user_flow_deleted',
  'admin_signing_key_rotated',
  'admin_flow_run_started',
  'admin_user_created',
  'admin_user_updated',
  'admin_user_blocked',
  'admin_user_unblocked',
  'admin_user_deleted',
  'admin_user_reset_email_sent',
  'admin_user_password_change_forced',
  'admin_group_created',
  'admin_group_renamed',
  'admin_group_deleted',
  'admin_group_member_added',
  'admin_group_member_removed',
  'forced_password_changed',
  'admin_test_email_sent',
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditEvent {
  readonly type: AuditType;
  readonly outcome: string;
  readonly directoryId?: string | null;
  readonly accountId?: string | null;
  readonly adminId?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly detail?: Record<string, unknown>;
}

export async function recordAudit(executor: Kysely<Database>, event: AuditEvent): Promise<void> {
  await executor
    .insertInto('audit_events')
    .values({
      type: event.type,
      outcome: event.outcome,
      directory_id: event.directoryId ?? null,
      account_id: event.accountId ?? null,
      admin_id: event.adminId ?? null,
      ip: event.ip ?? null,
      user_agent: event.userAgent ?? null,
      detail: event.detail ?? {},
    })
    .execute();
}

/** The column list that `auditValues` fills, for statements that write an event alongside other rows. */
export const AUDIT_COLUMNS = sql`audit_events (type, outcome, directory_id, account_id, admin_id, ip, user_agent, detail)`;

/** One event as a VALUES tuple, for INSERT INTO ${AUDIT_COLUMNS} VALUES … inside a larger statement. */
export function auditValues(event: AuditEvent): RawBuilder<unknown> {
  return sql`(${event.type}, ${event.outcome}, ${event.directoryId ?? null}::uuid, ${event.accountId ?? null}::uuid, ${event.adminId ?? null}::uuid,
    ${event.ip ?? null}, ${event.userAgent ?? null}, ${JSON.stringify(event.detail ?? {})}::jsonb)`;
}
