import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

// Who did what, when, from where. Written in the same transaction as the change it records.

export type AuditType =
  | 'sign_up'
  | 'sign_in'
  | 'sign_out'
  | 'lockout'
  | 'reset_requested'
  | 'reset_code_sent'
  | 'reset_code_failed'
  | 'reset_code_verified'
  | 'reset_completed'
  | 'password_changed'
  | 'sessions_revoked'
  | 'admin_sign_in'
  | 'admin_application_registered'
  | 'admin_application_secret_rotated'
  | 'admin_application_deleted'
  | 'admin_setting_changed'
  | 'admin_test_email_sent'
  | 'admin_created';

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
